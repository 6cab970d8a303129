/* Count leading/trailing zeros by loops and binary search versus the builtins (CLZ, RBIT+CLZ),
 * integer log2, next power of two and lowest/highest set bit on 32- and 64-bit values. */
#include "hwrt.h"

static unsigned clz64_loop(uint64_t x) {
    unsigned n = 0;
    for (uint64_t m = 1ull << 63; m && !(x & m); m >>= 1) n++;
    return n;
}

static unsigned ctz64_loop(uint64_t x) {
    if (!x) return 64;
    unsigned n = 0;
    while (!(x & 1)) x >>= 1, n++;
    return n;
}

static unsigned clz32_search(uint32_t x) {
    if (!x) return 32;
    unsigned n = 0;
    if (!(x & 0xffff0000u)) n += 16, x <<= 16;
    if (!(x & 0xff000000u)) n += 8, x <<= 8;
    if (!(x & 0xf0000000u)) n += 4, x <<= 4;
    if (!(x & 0xc0000000u)) n += 2, x <<= 2;
    if (!(x & 0x80000000u)) n += 1;
    return n;
}

static unsigned ctz32_debruijn(uint32_t x) {
    static const uint8_t table[32] = {0,  1,  28, 2,  29, 14, 24, 3,  30, 22, 20,
                                      15, 25, 17, 4,  8,  31, 27, 13, 23, 21, 19,
                                      16, 7,  26, 12, 18, 6,  11, 5,  10, 9};
    return table[((x & (0u - x)) * 0x077cb531u) >> 27];
}

/* leading bits equal to the sign bit, not counting the sign bit itself (CLS) */
static unsigned clrsb64_loop(int64_t x) {
    unsigned n = 0;
    uint64_t u = (uint64_t)x;
    while (n < 63 && ((u >> (62 - n)) & 1) == (u >> 63)) n++;
    return n;
}

static uint64_t next_pow2(uint64_t x) {
    if (x <= 1) return 1;
    return 1ull << (64 - __builtin_clzll(x - 1));
}

int main(int argc, char **argv) {
    (void)argc;
    (void)argv;
    uint64_t x = 0x2545f4914f6cdd1dull;
    uint32_t acc = 0;
    for (int i = 0; i < 300; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        /* keep only a window of bits so leading/trailing counts vary widely */
        unsigned hi = (unsigned)(x >> 58), lo = (unsigned)(x & 63);
        uint64_t v = x & (~0ull >> hi) & (~0ull << (lo < 64 - hi ? lo : 0));
        uint32_t w = (uint32_t)(v >> (i & 31));
        if (v) {
            HW_CHECK(clz64_loop(v) == (unsigned)__builtin_clzll(v));
            HW_CHECK(ctz64_loop(v) == (unsigned)__builtin_ctzll(v));
        }
        if (w) {
            HW_CHECK(clz32_search(w) == (unsigned)__builtin_clz(w));
            HW_CHECK(ctz32_debruijn(w) == (unsigned)__builtin_ctz(w));
        }
        int64_t sv = (int64_t)(v ^ (0 - (x >> 63))); /* negative about half of the time */
        HW_CHECK(clrsb64_loop(sv) == (unsigned)__builtin_clrsbll(sv));
        acc += clrsb64_loop(sv);
        acc = acc * 31 + clz64_loop(v) * 7 + ctz64_loop(v) + clz32_search(w);
    }
    hw_printf("acc=%08x\n", acc);
    static const uint64_t probes[] = {0, 1, 2, 3, 5, 1000, 4096, 4097, 0x80000000ull,
                                      0x123456789ull, 1ull << 62, (1ull << 62) + 1};
    for (unsigned i = 0; i < sizeof probes / sizeof probes[0]; i++) {
        uint64_t p = probes[i];
        unsigned log2 = p ? 63 - (unsigned)__builtin_clzll(p) : 0;
        uint64_t lowest = p & (0 - p);
        uint64_t highest = p ? 1ull << log2 : 0;
        hw_printf("%llu: clz=%u ctz=%u log2=%u next_pow2=%llu lowest=%llx highest=%llx\n",
                  (unsigned long long)p, clz64_loop(p), ctz64_loop(p), log2,
                  (unsigned long long)next_pow2(p), (unsigned long long)lowest,
                  (unsigned long long)highest);
    }
    return (int)(acc & 0x7f);
}
