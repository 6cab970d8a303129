/* 64-bit multiply and divide: full 128-bit products (via __int128 where the target has it, and
 * by 32-bit halves everywhere, cross-checked), signed/unsigned division by variables and by
 * constants, remainders of negative numbers, multiply-high, and hwrt's 64-bit division from
 * 32-bit steps checked against the compiler's. */
#include "hwrt.h"

struct u128 {
    uint64_t hi, lo;
};

static struct u128 mul_halves(uint64_t a, uint64_t b) {
    uint64_t a0 = (uint32_t)a, a1 = a >> 32, b0 = (uint32_t)b, b1 = b >> 32;
    uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    uint64_t mid = (p00 >> 32) + (uint32_t)p01 + (uint32_t)p10;
    struct u128 r = {p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32), (mid << 32) | (uint32_t)p00};
    return r;
}

static int64_t smulh_halves(int64_t a, int64_t b) {
    struct u128 u = mul_halves((uint64_t)a, (uint64_t)b);
    uint64_t hi = u.hi;
    if (a < 0) hi -= (uint64_t)b; /* signed correction of the unsigned product */
    if (b < 0) hi -= (uint64_t)a;
    return (int64_t)hi;
}

static uint64_t umulh(uint64_t a, uint64_t b) {
#if defined(__SIZEOF_INT128__)
    return (uint64_t)(((unsigned __int128)a * b) >> 64);
#else
    return mul_halves(a, b).hi;
#endif
}

static int64_t smulh(int64_t a, int64_t b) {
#if defined(__SIZEOF_INT128__)
    return (int64_t)(((__int128)a * b) >> 64);
#else
    return smulh_halves(a, b);
#endif
}

/* sum += a*b over 128 bits, with explicit carries (add/adc chains where __int128 exists) */
static void mac128(struct u128 *sum, uint64_t a, uint64_t b) {
#if defined(__SIZEOF_INT128__)
    unsigned __int128 s = (unsigned __int128)sum->hi << 64 | sum->lo;
    s += (unsigned __int128)a * b;
    sum->hi = (uint64_t)(s >> 64);
    sum->lo = (uint64_t)s;
#else
    struct u128 p = mul_halves(a, b);
    uint64_t lo = sum->lo + p.lo;
    sum->hi += p.hi + (lo < p.lo);
    sum->lo = lo;
#endif
}

/* divisions by constants: the compiler turns these into multiply-high and shifts */
static uint64_t by_constants(uint64_t x) {
    return x / 3 + x / 7 + x / 10 + x / 1000 + x / 641 + x / 4096 + x % 10 + x % 1000000007ull;
}

static int64_t by_constants_signed(int64_t x) {
    return x / 3 + x / -7 + x / 10 + x / 16 + x % 10 + x % -9 + x % 16;
}

/* hw_udivmod64/hw_sdivmod64 against the compiler's `/` and `%` (on thumb those are the same
 * code, on the other targets a hardware or libc division) */
static uint64_t check_runtime_division(uint64_t n, uint64_t d) {
    uint64_t r;
    int64_t sr;
    uint64_t q = hw_udivmod64(n, d, &r);
    HW_CHECK(q == n / d && r == n % d);
    int64_t sq = hw_sdivmod64((int64_t)n, (int64_t)d, &sr);
    if (!((int64_t)n == INT64_MIN && (int64_t)d == -1))
        HW_CHECK(sq == (int64_t)n / (int64_t)d && sr == (int64_t)n % (int64_t)d);
    return q ^ r ^ (uint64_t)sq;
}

int main(int argc, char **argv) {
    (void)argc;
    (void)argv;
    static const uint64_t edges[] = {1, 2, 3, 7, 10, 0xffff, 0x10000, 0x10001, 0x7fffffff,
                                     0x80000000ull, 0xffffffffull, 0x100000000ull,
                                     0x100000001ull, 0xffffffff00000000ull, 0x8000000000000000ull,
                                     0x7fffffffffffffffull, ~0ull, 0x123456789abcdefull};
    const unsigned n_edges = sizeof edges / sizeof edges[0];
    uint64_t div_acc = 0;
    for (unsigned i = 0; i < n_edges; i++)
        for (unsigned j = 0; j < n_edges; j++)
            div_acc += check_runtime_division(edges[i], edges[j]);
    uint64_t s = 0x243f6a8885a308d3ull, acc = 0;
    struct u128 dot = {0, 0}, dot_check = {0, 0};
    int64_t sacc = 0;
    for (int i = 0; i < 250; i++) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        uint64_t a = s, b = (s >> (i % 61)) | 1;
        int64_t sa = (int64_t)a, sb = (int64_t)(b * 0x9e3779b97f4a7c15ull) >> (i % 50);
        if (sb == 0) sb = -3;

        HW_CHECK(umulh(a, b) == mul_halves(a, b).hi && a * b == mul_halves(a, b).lo);
        HW_CHECK(smulh(sa, sb) == smulh_halves(sa, sb));

        div_acc += check_runtime_division(a, b);
        div_acc += check_runtime_division(a >> (i % 64), b >> 20 | 1);
        uint64_t q = a / b, r = a % b;
        HW_CHECK(q * b + r == a && r < b);
        int64_t sq = sa / sb, sr = sa % sb;
        HW_CHECK(sq * sb + sr == sa);
        HW_CHECK(sr == 0 || (sr < 0) == (sa < 0));

        uint32_t a32 = (uint32_t)a, b32 = (uint32_t)b | 1u;
        int32_t s32 = (int32_t)a32, d32 = (int32_t)(b32 >> (i % 31)) * (i & 1 ? -1 : 1);
        if (d32 == 0) d32 = 5;
        acc += q ^ r ^ umulh(a, b) ^ by_constants(a) ^ (a32 / b32) ^ (a32 % b32);
        sacc += sq + sr + smulh(sa, sb) + by_constants_signed(sa) + s32 / d32 + s32 % d32;
        mac128(&dot, a, b);
        struct u128 p = mul_halves(a, b);
        uint64_t lo = dot_check.lo + p.lo;
        dot_check.hi += p.hi + (lo < p.lo);
        dot_check.lo = lo;
        HW_CHECK(dot.hi == dot_check.hi && dot.lo == dot_check.lo);
    }
    hw_printf("128-bit dot product=%016llx%016llx\n", (unsigned long long)dot.hi,
              (unsigned long long)dot.lo);
    hw_printf("acc=%016llx sacc=%lld div_acc=%016llx\n", (unsigned long long)acc, (long long)sacc,
              (unsigned long long)div_acc);
    hw_printf("umulh(max,max)=%llx smulh(min,-1)=%lld smulh(-3,5)=%lld\n",
              (unsigned long long)umulh(~0ull, ~0ull), (long long)smulh(INT64_MIN, -1),
              (long long)smulh(-3, 5));
    hw_printf("-7/2=%d -7%%2=%d 7/-2=%d 7%%-2=%d %lld %lld\n", -7 / 2, -7 % 2, 7 / -2, 7 % -2,
              (long long)(INT64_MIN / 3), (long long)(INT64_MIN % 1000));
    hw_printf("constants(12345678901234567)=%llu signed(-98765432123)=%lld\n",
              (unsigned long long)by_constants(12345678901234567ull),
              (long long)by_constants_signed(-98765432123ll));
    return (int)((acc ^ (uint64_t)sacc) & 0x7f);
}
