/* Heavy use of the brk-backed allocator: a growing vector by realloc, thousands of malloc/free
 * pairs of mixed sizes with a live set, a linked structure allocated node by node, and
 * calloc zeroing of reused blocks. */
#include "hwrt.h"

struct vec {
    int32_t *data;
    uint32_t len, cap;
};

static void push(struct vec *v, int32_t x) {
    if (v->len == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 4;
        v->data = hw_realloc(v->data, v->cap * sizeof *v->data);
        HW_CHECK(v->data != NULL);
    }
    v->data[v->len++] = x;
}

struct chunk {
    uint8_t *bytes;
    uint32_t size;
    uint8_t fill;
};

struct cell {
    struct cell *next;
    uint64_t payload[3];
};

int main(int argc, char **argv) {
    (void)argc;
    (void)argv;
    struct vec v = {NULL, 0, 0};
    for (int32_t i = 0; i < 1500; i++) push(&v, i * 7 - 1000);
    int64_t vsum = 0;
    for (uint32_t i = 0; i < v.len; i++) vsum += v.data[i];
    hw_printf("vector: len=%u cap=%u sum=%lld\n", v.len, v.cap, (long long)vsum);

    /* a live set of 64 chunks, replaced at random; contents verified before each free */
    static struct chunk live[64];
    uint32_t s = 1;
    unsigned allocs = 0, frees = 0;
    uint64_t bytes = 0;
    for (int round = 0; round < 500; round++) {
        s = s * 1103515245u + 12345u;
        struct chunk *c = &live[(s >> 16) & 63];
        if (c->bytes) {
            for (uint32_t k = 0; k < c->size; k += 29) HW_CHECK(c->bytes[k] == c->fill);
            hw_free(c->bytes);
            frees++;
        }
        c->size = 1 + ((s >> 8) % 4 == 0 ? (s >> 4) % 700 : (s >> 4) % 90);
        c->fill = (uint8_t)(s >> 24);
        c->bytes = hw_malloc(c->size);
        HW_CHECK(c->bytes != NULL);
        memset(c->bytes, c->fill, c->size);
        allocs++;
        bytes += c->size;
    }
    uint32_t live_hash = 0;
    for (int i = 0; i < 64; i++) {
        if (!live[i].bytes) continue;
        live_hash = live_hash * 31u + live[i].size * 3u + live[i].bytes[live[i].size - 1];
        hw_free(live[i].bytes);
        frees++;
    }
    hw_printf("chunks: allocs=%u frees=%u bytes=%llu live hash=%08x\n", allocs, frees,
              (unsigned long long)bytes, live_hash);

    /* a list of cells built, half freed, rebuilt from freed blocks */
    struct cell *head = NULL;
    for (int i = 0; i < 800; i++) {
        struct cell *c = hw_malloc(sizeof *c);
        c->payload[0] = (uint64_t)i;
        c->payload[1] = (uint64_t)i * i;
        c->payload[2] = ~(uint64_t)i;
        c->next = head;
        head = c;
    }
    for (struct cell **link = &head; *link;) {
        if ((*link)->payload[0] % 2 == 0) {
            struct cell *dead = *link;
            *link = dead->next;
            hw_free(dead);
        } else {
            link = &(*link)->next;
        }
    }
    for (int i = 0; i < 400; i++) {
        struct cell *c = hw_calloc(1, sizeof *c);
        HW_CHECK(c->payload[0] == 0 && c->payload[1] == 0 && c->payload[2] == 0);
        c->payload[0] = (uint64_t)i * 1000;
        c->next = head;
        head = c;
    }
    uint64_t lsum = 0;
    unsigned cells = 0;
    while (head) {
        struct cell *next = head->next;
        lsum += head->payload[0] + head->payload[1];
        cells++;
        hw_free(head);
        head = next;
    }
    hw_printf("cells=%u sum=%llu\n", cells, (unsigned long long)lsum);
    hw_free(v.data);
    return (int)(((uint64_t)vsum + live_hash + lsum) & 0x7f);
}
