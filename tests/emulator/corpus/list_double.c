/* Doubly linked list with a sentinel used as an LRU cache of 24 slots over an access stream:
 * hits move to the front, misses evict the tail. */
#include "hwrt.h"

struct entry {
    struct entry *prev, *next;
    uint16_t key;
    uint16_t hits;
    int32_t payload;
};

#define SLOTS 24
#define KEYSPACE 64

static struct entry slots[SLOTS];
static struct entry *index_of[KEYSPACE];
static struct entry lru; /* sentinel: lru.next is most recent, lru.prev least recent */

static void unlink_entry(struct entry *e) {
    e->prev->next = e->next;
    e->next->prev = e->prev;
}

static void push_front(struct entry *e) {
    e->next = lru.next;
    e->prev = &lru;
    lru.next->prev = e;
    lru.next = e;
}

int main(int argc, char **argv) {
    (void)argc;
    (void)argv;
    lru.next = lru.prev = &lru;
    int used = 0;
    unsigned hits = 0, misses = 0, evictions = 0;
    uint32_t s = 99991;
    for (int i = 0; i < 3000; i++) {
        s = s * 69069u + 1u;
        /* skewed keys: small keys are hot */
        uint16_t key = (uint16_t)(((s >> 16) % KEYSPACE) * ((s >> 8) & 3 ? (s >> 24) % 4 : 1) %
                                  KEYSPACE);
        struct entry *e = index_of[key];
        if (e) {
            hits++;
            e->hits++;
            e->payload += i;
            unlink_entry(e);
        } else {
            misses++;
            if (used < SLOTS) {
                e = &slots[used++];
            } else {
                e = lru.prev;
                unlink_entry(e);
                index_of[e->key] = NULL;
                evictions++;
            }
            e->key = key;
            e->hits = 0;
            e->payload = i;
            index_of[key] = e;
        }
        push_front(e);
    }
    hw_printf("hits=%u misses=%u evictions=%u\n", hits, misses, evictions);
    uint32_t h = 0;
    int n = 0;
    hw_printf("most recent first:");
    for (struct entry *e = lru.next; e != &lru; e = e->next, n++) {
        HW_CHECK(e->next->prev == e && e->prev->next == e);
        hw_printf(" %u(%u)", e->key, e->hits);
        h = h * 131u + e->key * 7u + (uint32_t)e->payload;
    }
    hw_printf("\n");
    int back = 0;
    for (struct entry *e = lru.prev; e != &lru; e = e->prev) back++;
    HW_CHECK(n == SLOTS && back == SLOTS);
    hw_printf("digest=%08x\n", h);
    return (int)(h & 0x7f);
}
