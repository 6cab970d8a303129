/* Heapsort of uint16 and int64 arrays through a sift-down written once per element type. */
#include "hwrt.h"

#define N 600

static uint16_t small[N];
static int64_t wide[N];
static uint32_t lcg_state = 2463534242u;

static uint32_t lcg(void) {
    lcg_state = lcg_state * 1664525u + 1013904223u;
    return lcg_state;
}

#define DEFINE_HEAPSORT(name, T)                                                             \
    static void name##_sift(T *a, unsigned root, unsigned n) {                               \
        for (;;) {                                                                           \
            unsigned child = 2 * root + 1;                                                   \
            if (child >= n) return;                                                          \
            if (child + 1 < n && a[child] < a[child + 1]) child++;                           \
            if (!(a[root] < a[child])) return;                                               \
            T t = a[root];                                                                   \
            a[root] = a[child];                                                              \
            a[child] = t;                                                                    \
            root = child;                                                                    \
        }                                                                                    \
    }                                                                                        \
    static void name(T *a, unsigned n) {                                                     \
        for (unsigned i = n / 2; i-- > 0;) name##_sift(a, i, n);                             \
        for (unsigned end = n; end-- > 1;) {                                                 \
            T t = a[0];                                                                      \
            a[0] = a[end];                                                                   \
            a[end] = t;                                                                      \
            name##_sift(a, 0, end);                                                          \
        }                                                                                    \
    }

DEFINE_HEAPSORT(heapsort_u16, uint16_t)
DEFINE_HEAPSORT(heapsort_i64, int64_t)

int main(int argc, char **argv) {
    (void)argc;
    (void)argv;
    uint32_t sum16 = 0;
    for (int i = 0; i < N; i++) small[i] = (uint16_t)(lcg() >> 7);
    heapsort_u16(small, N);
    for (int i = 0; i < N; i++) {
        HW_CHECK(i == 0 || small[i - 1] <= small[i]);
        sum16 = (sum16 << 5 | sum16 >> 27) ^ small[i];
    }
    hw_printf("u16: %u %u %u ... %u hash=%08x\n", small[0], small[1], small[2], small[N - 1],
              sum16);

    uint64_t sum64 = 0;
    for (int i = 0; i < N; i++) {
        uint64_t hi = lcg(), lo = lcg();
        wide[i] = (int64_t)(hi << 32 | lo) >> (i % 40);
    }
    heapsort_i64(wide, N);
    for (int i = 0; i < N; i++) {
        HW_CHECK(i == 0 || wide[i - 1] <= wide[i]);
        sum64 = sum64 * 0x100000001b3ull + (uint64_t)wide[i];
    }
    hw_printf("i64: min=%lld max=%lld hash=%016llx\n", (long long)wide[0],
              (long long)wide[N - 1], (unsigned long long)sum64);
    return (int)((sum16 ^ (uint32_t)sum64) & 0x7f);
}
