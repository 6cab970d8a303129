/* Unbalanced binary search tree with heap-allocated nodes: insert, search, delete (all three
 * cases), in-order walk, height and range counts. */
#include "hwrt.h"

struct tree {
    int32_t key;
    uint32_t count;
    struct tree *left, *right;
};

static struct tree *insert(struct tree *t, int32_t key) {
    if (!t) {
        t = hw_malloc(sizeof *t);
        t->key = key;
        t->count = 1;
        t->left = t->right = NULL;
        return t;
    }
    if (key < t->key) t->left = insert(t->left, key);
    else if (key > t->key) t->right = insert(t->right, key);
    else t->count++;
    return t;
}

static struct tree *find(struct tree *t, int32_t key) {
    while (t && t->key != key) t = key < t->key ? t->left : t->right;
    return t;
}

static struct tree *delete(struct tree *t, int32_t key) {
    if (!t) return NULL;
    if (key < t->key) {
        t->left = delete(t->left, key);
    } else if (key > t->key) {
        t->right = delete(t->right, key);
    } else if (!t->left || !t->right) {
        struct tree *child = t->left ? t->left : t->right;
        hw_free(t);
        return child;
    } else {
        struct tree *succ = t->right;
        while (succ->left) succ = succ->left;
        t->key = succ->key;
        t->count = succ->count;
        t->right = delete(t->right, succ->key);
    }
    return t;
}

static int height(const struct tree *t) {
    if (!t) return 0;
    int l = height(t->left), r = height(t->right);
    return 1 + (l > r ? l : r);
}

static int32_t last_key;
static uint32_t walk(const struct tree *t, uint32_t h, int *n) {
    if (!t) return h;
    h = walk(t->left, h, n);
    HW_CHECK(*n == 0 || last_key < t->key);
    last_key = t->key;
    ++*n;
    h = h * 2654435761u + (uint32_t)t->key + t->count;
    return walk(t->right, h, n);
}

static int count_range(const struct tree *t, int32_t lo, int32_t hi) {
    if (!t) return 0;
    if (t->key < lo) return count_range(t->right, lo, hi);
    if (t->key > hi) return count_range(t->left, lo, hi);
    return 1 + count_range(t->left, lo, hi) + count_range(t->right, lo, hi);
}

/* One round of the program's work: argv[1] repeats it (hw_repeat). */
static int body(void) {
    struct tree *root = NULL;
    uint32_t s = 12345;
    for (int i = 0; i < 500; i++) {
        s ^= s << 13;
        s ^= s >> 17;
        s ^= s << 5;
        root = insert(root, (int32_t)(s % 2000) - 1000);
    }
    int n = 0;
    uint32_t h = walk(root, 0, &n);
    hw_printf("distinct=%d height=%d digest=%08x in[-100,100]=%d\n", n, height(root), h,
              count_range(root, -100, 100));
    int found = 0;
    for (int32_t k = -1000; k < 1000; k += 7) found += find(root, k) != NULL;
    hw_printf("found %d of every-7th keys\n", found);
    int deleted = 0;
    for (int32_t k = -1000; k < 1000; k += 3) {
        if (find(root, k)) {
            root = delete(root, k);
            deleted++;
            HW_CHECK(!find(root, k));
        }
    }
    int m = 0;
    uint32_t h2 = walk(root, 0, &m);
    hw_printf("deleted=%d left=%d height=%d digest=%08x\n", deleted, m, height(root), h2);
    HW_CHECK(m + deleted == n);
    return (int)((h ^ h2) & 0x7f);
}

int main(int argc, char **argv) { return hw_repeat(argc, argv, body); }
