/* Hash table with separate chaining: counts the words of a generated text, grows by rehashing,
 * then reports the most frequent words and the chain-length statistics. */
#include "hwrt.h"

struct item {
    char word[12];
    uint32_t hash;
    int32_t count;
    struct item *next;
};

struct table {
    struct item **buckets;
    uint32_t size, used;
};

static uint32_t hash_word(const char *w) {
    uint32_t h = 2166136261u;
    while (*w) h = (h ^ (uint8_t)*w++) * 16777619u;
    return h;
}

static void grow(struct table *t) {
    uint32_t size = t->size * 2;
    struct item **b = hw_calloc(size, sizeof *b);
    for (uint32_t i = 0; i < t->size; i++) {
        for (struct item *it = t->buckets[i], *next; it; it = next) {
            next = it->next;
            it->next = b[it->hash & (size - 1)];
            b[it->hash & (size - 1)] = it;
        }
    }
    hw_free(t->buckets);
    t->buckets = b;
    t->size = size;
}

static void add(struct table *t, const char *w) {
    uint32_t h = hash_word(w);
    for (struct item *it = t->buckets[h & (t->size - 1)]; it; it = it->next) {
        if (it->hash == h && strcmp(it->word, w) == 0) {
            it->count++;
            return;
        }
    }
    if (t->used * 4 >= t->size * 3) grow(t);
    struct item *it = hw_malloc(sizeof *it);
    strcpy(it->word, w);
    it->hash = h;
    it->count = 1;
    it->next = t->buckets[h & (t->size - 1)];
    t->buckets[h & (t->size - 1)] = it;
    t->used++;
}

int main(int argc, char **argv) {
    (void)argc;
    (void)argv;
    static const char *syll[] = {"ka", "lo", "mi", "re", "tu", "sha", "ne", "vo"};
    struct table t = {hw_calloc(8, sizeof(struct item *)), 8, 0};
    uint32_t s = 2024;
    char w[12];
    for (int i = 0; i < 1500; i++) {
        s = s * 1664525u + 1013904223u;
        int parts = 1 + (int)((s >> 28) % 3), len = 0;
        uint32_t r = s >> 4;
        for (int p = 0; p < parts; p++, r >>= 3) {
            const char *y = syll[r & 7];
            while (*y) w[len++] = *y++;
        }
        w[len] = 0;
        add(&t, w);
    }
    unsigned longest = 0, empty = 0, total = 0;
    for (uint32_t i = 0; i < t.size; i++) {
        unsigned len = 0;
        for (struct item *it = t.buckets[i]; it; it = it->next) len++, total += (unsigned)it->count;
        if (!len) empty++;
        if (len > longest) longest = len;
    }
    hw_printf("distinct=%u size=%u empty=%u longest chain=%u words=%u\n", t.used, t.size, empty,
              longest, total);
    HW_CHECK(total == 1500);
    /* top five by count, ties broken by word order */
    const struct item *prev = NULL;
    for (int rank = 0; rank < 5; rank++) {
        const struct item *best = NULL;
        for (uint32_t i = 0; i < t.size; i++) {
            for (const struct item *it = t.buckets[i]; it; it = it->next) {
                int after_prev = !prev || it->count < prev->count ||
                                 (it->count == prev->count && strcmp(it->word, prev->word) > 0);
                int better = !best || it->count > best->count ||
                             (it->count == best->count && strcmp(it->word, best->word) < 0);
                if (after_prev && better) best = it;
            }
        }
        hw_printf("#%d %-8s %d\n", rank + 1, best->word, best->count);
        prev = best;
    }
    uint32_t h = 0;
    for (uint32_t i = 0; i < t.size; i++)
        for (struct item *it = t.buckets[i]; it; it = it->next) h += it->hash * (uint32_t)it->count;
    hw_printf("digest=%08x\n", h);
    return (int)(h & 0x7f);
}
