/* Singly linked list from a static node pool: build, reverse, merge sort, filter, and find the
 * middle with slow/fast pointers. */
#include "hwrt.h"

struct node {
    int32_t value;
    struct node *next;
};

#define POOL 400
static struct node pool[POOL];

static struct node *build(int n, uint32_t seed) {
    struct node *head = NULL;
    for (int i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        pool[i].value = (int32_t)(seed >> 8) % 1000;
        pool[i].next = head;
        head = &pool[i];
    }
    return head;
}

static struct node *reverse(struct node *head) {
    struct node *prev = NULL;
    while (head) {
        struct node *next = head->next;
        head->next = prev;
        prev = head;
        head = next;
    }
    return prev;
}

static struct node *merge(struct node *a, struct node *b) {
    struct node dummy = {0, NULL}, *tail = &dummy;
    while (a && b) {
        struct node **take = a->value <= b->value ? &a : &b;
        tail->next = *take;
        tail = *take;
        *take = (*take)->next;
    }
    tail->next = a ? a : b;
    return dummy.next;
}

static struct node *sort(struct node *head) {
    if (!head || !head->next) return head;
    struct node *slow = head, *fast = head->next;
    while (fast && fast->next) {
        slow = slow->next;
        fast = fast->next->next;
    }
    struct node *second = slow->next;
    slow->next = NULL;
    return merge(sort(head), sort(second));
}

/* Unlink every node whose value is even, through a pointer to the link. */
static int remove_even(struct node **link) {
    int removed = 0;
    while (*link) {
        if (((*link)->value & 1) == 0) {
            *link = (*link)->next;
            removed++;
        } else {
            link = &(*link)->next;
        }
    }
    return removed;
}

static uint32_t digest(const struct node *n, int *count) {
    uint32_t h = 0;
    *count = 0;
    for (; n; n = n->next, ++*count) h = h * 33u ^ (uint32_t)n->value;
    return h;
}

int main(int argc, char **argv) {
    (void)argc;
    (void)argv;
    int count;
    struct node *list = build(POOL, 42);
    uint32_t h0 = digest(list, &count);
    hw_printf("built %d nodes, head=%d digest=%08x\n", count, list->value, h0);
    list = reverse(list);
    uint32_t h1 = digest(list, &count);
    hw_printf("reversed head=%d digest=%08x\n", list->value, h1);
    list = sort(list);
    for (struct node *n = list; n->next; n = n->next) HW_CHECK(n->value <= n->next->value);
    uint32_t h2 = digest(list, &count);
    hw_printf("sorted min=%d digest=%08x\n", list->value, h2);
    struct node *slow = list, *fast = list;
    while (fast && fast->next) {
        slow = slow->next;
        fast = fast->next->next;
    }
    hw_printf("median=%d\n", slow->value);
    int removed = remove_even(&list);
    uint32_t h3 = digest(list, &count);
    hw_printf("removed %d even, %d left, digest=%08x\n", removed, count, h3);
    HW_CHECK(removed + count == POOL);
    return (int)((h0 ^ h1 ^ h2 ^ h3) & 0x7f);
}
