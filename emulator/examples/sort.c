/* Demo: sort 512 pseudo-random int32 keys with an iterative introsort-style quicksort
 * (insertion sort below 16 elements, explicit stack), `argv[1]` times (default 4), each time
 * on fresh data; prints a digest of every sorted array. */
#include "hwrt.h"

#define KEYS 512

static int32_t keys[KEYS];

static uint32_t parse_count(int argc, char **argv, uint32_t fallback) {
    if (argc < 2) return fallback;
    uint32_t n = 0;
    for (const char *p = argv[1]; *p >= '0' && *p <= '9'; p++) n = n * 10 + (uint32_t)(*p - '0');
    return n ? n : fallback;
}

static void insertion(int32_t *a, int lo, int hi) {
    for (int i = lo + 1; i <= hi; i++) {
        int32_t v = a[i];
        int j = i - 1;
        for (; j >= lo && a[j] > v; j--) a[j + 1] = a[j];
        a[j + 1] = v;
    }
}

static void sort(int32_t *a, int n) {
    int stack[64], top = 0;
    stack[top++] = 0;
    stack[top++] = n - 1;
    while (top) {
        int hi = stack[--top], lo = stack[--top];
        if (hi - lo < 16) {
            insertion(a, lo, hi);
            continue;
        }
        int mid = lo + (hi - lo) / 2;
        int32_t x = a[lo], y = a[mid], z = a[hi];
        int32_t pivot = x < y ? (y < z ? y : x < z ? z : x) : (x < z ? x : y < z ? z : y);
        int i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot) i++;
            while (a[j] > pivot) j--;
            if (i <= j) {
                int32_t t = a[i];
                a[i++] = a[j];
                a[j--] = t;
            }
        }
        /* push the larger part first so the smaller is handled next: depth stays O(log n) */
        if (j - lo > hi - i) {
            stack[top++] = lo, stack[top++] = j;
            stack[top++] = i, stack[top++] = hi;
        } else {
            stack[top++] = i, stack[top++] = hi;
            stack[top++] = lo, stack[top++] = j;
        }
    }
}

int main(int argc, char **argv) {
    uint32_t iterations = parse_count(argc, argv, 4);
    uint64_t state = 0x9e3779b97f4a7c15ull;
    uint32_t acc = 0;
    for (uint32_t it = 0; it < iterations; it++) {
        for (int i = 0; i < KEYS; i++) {
            state = state * 6364136223846793005ull + 1442695040888963407ull;
            keys[i] = (int32_t)(state >> 32);
        }
        sort(keys, KEYS);
        uint32_t digest = 0;
        for (int i = 0; i < KEYS; i++) {
            HW_CHECK(i == 0 || keys[i - 1] <= keys[i]);
            digest = (digest ^ (uint32_t)keys[i]) * 16777619u;
        }
        if (it < 4 || it + 1 == iterations)
            hw_printf("iteration %u: min=%d max=%d digest=%08x\n", it, keys[0], keys[KEYS - 1],
                      digest);
        acc += digest;
    }
    hw_printf("sort demo: iterations=%u keys/iteration=%d sum=%08x\n", iterations, KEYS, acc);
    return (int)(acc & 0x7f);
}
