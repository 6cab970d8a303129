/* Quicksort (median of three, recursion on the smaller side) of PRNG, duplicate-heavy, sorted
 * and reversed int32 arrays. */
#include "hwrt.h"

#define N 900

static int32_t data[N];
static uint32_t rng_state = 0x12345678u;

static uint32_t xorshift32(void) {
    uint32_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return rng_state = x;
}

static void swap(int32_t *a, int32_t *b) {
    int32_t t = *a;
    *a = *b;
    *b = t;
}

static unsigned max_depth;

static void quicksort(int32_t *a, int lo, int hi, unsigned depth) {
    if (depth > max_depth) max_depth = depth;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (a[mid] < a[lo]) swap(&a[mid], &a[lo]);
        if (a[hi] < a[lo]) swap(&a[hi], &a[lo]);
        if (a[hi] < a[mid]) swap(&a[hi], &a[mid]);
        int32_t pivot = a[mid];
        int i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot) i++;
            while (a[j] > pivot) j--;
            if (i <= j) swap(&a[i++], &a[j--]);
        }
        if (j - lo < hi - i) {
            quicksort(a, lo, j, depth + 1);
            lo = i;
        } else {
            quicksort(a, i, hi, depth + 1);
            hi = j;
        }
    }
}

static uint32_t check_sorted(const int32_t *a, int n) {
    uint32_t sum = 0;
    for (int i = 0; i < n; i++) {
        HW_CHECK(i == 0 || a[i - 1] <= a[i]);
        sum = sum * 31u + (uint32_t)a[i];
    }
    return sum;
}

static uint32_t run(const char *name, int kind) {
    for (int i = 0; i < N; i++) {
        switch (kind) {
        case 0: data[i] = (int32_t)xorshift32(); break;
        case 1: data[i] = (int32_t)(xorshift32() % 17u) - 8; break;
        case 2: data[i] = i * 3 - 1000; break;
        default: data[i] = (N - i) * 7; break;
        }
    }
    max_depth = 0;
    quicksort(data, 0, N - 1, 0);
    uint32_t sum = check_sorted(data, N);
    hw_printf("%-8s min=%d median=%d max=%d depth=%u hash=%08x\n", name, data[0], data[N / 2],
              data[N - 1], max_depth, sum);
    return sum;
}

/* One round of the program's work: argv[1] repeats it (hw_repeat). */
static int body(void) {
    uint32_t total = run("random", 0) ^ run("dups", 1) ^ run("sorted", 2) ^ run("reversed", 3);
    hw_printf("total=%08x\n", total);
    return (int)(total & 0x7f);
}

int main(int argc, char **argv) { return hw_repeat(argc, argv, body); }
