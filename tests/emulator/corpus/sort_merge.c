/* Stable top-down mergesort of records with int64 keys; checks order and stability. */
#include "hwrt.h"

#define N 700

struct record {
    int64_t key;
    uint16_t tag;
    uint8_t flags;
};

static struct record items[N], scratch[N];
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t xorshift64(void) {
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rng_state = x;
}

static void merge_sort(struct record *a, struct record *tmp, int n) {
    if (n < 2) return;
    int half = n / 2;
    merge_sort(a, tmp, half);
    merge_sort(a + half, tmp, n - half);
    int i = 0, j = half, k = 0;
    while (i < half && j < n) tmp[k++] = a[j].key < a[i].key ? a[j++] : a[i++];
    while (i < half) tmp[k++] = a[i++];
    while (j < n) tmp[k++] = a[j++];
    for (k = 0; k < n; k++) a[k] = tmp[k];
}

int main(int argc, char **argv) {
    (void)argc;
    (void)argv;
    for (int i = 0; i < N; i++) {
        int64_t r = (int64_t)xorshift64();
        items[i].key = r % 40;  /* negative and positive keys with many ties */
        items[i].tag = (uint16_t)i;
        items[i].flags = (uint8_t)(r >> 56);
    }
    merge_sort(items, scratch, N);
    uint64_t hash = 1469598103934665603ull;
    int runs = 1;
    for (int i = 0; i < N; i++) {
        if (i) {
            HW_CHECK(items[i - 1].key <= items[i].key);
            if (items[i - 1].key == items[i].key) HW_CHECK(items[i - 1].tag < items[i].tag);
            else runs++;
        }
        hash = (hash ^ (uint64_t)items[i].key) * 1099511628211ull;
        hash = (hash ^ items[i].tag ^ ((uint64_t)items[i].flags << 16)) * 1099511628211ull;
    }
    hw_printf("first key=%lld tag=%u, last key=%lld tag=%u\n", (long long)items[0].key,
              items[0].tag, (long long)items[N - 1].key, items[N - 1].tag);
    hw_printf("distinct keys=%d hash=%016llx\n", runs, (unsigned long long)hash);
    /* a second pass on 64-bit values spanning the full range */
    for (int i = 0; i < N; i++) {
        items[i].key = (int64_t)xorshift64();
        items[i].tag = (uint16_t)(N - i);
    }
    merge_sort(items, scratch, N);
    for (int i = 1; i < N; i++) HW_CHECK(items[i - 1].key <= items[i].key);
    hw_printf("full range: min=%lld max=%lld\n", (long long)items[0].key,
              (long long)items[N - 1].key);
    return (int)((hash ^ (uint64_t)items[0].key) & 0x7f);
}
