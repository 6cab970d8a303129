/* 64-bit pseudo-random generators: an LCG (Knuth's MMIX constants), xorshift64*, xorshift128+,
 * splitmix64 and PCG32, each printed and checked by a bucket histogram and bit balance. */
#include "hwrt.h"

struct xs128 {
    uint64_t s[2];
};

static uint64_t lcg64(uint64_t *s) {
    return *s = *s * 6364136223846793005ull + 1442695040888963407ull;
}

static uint64_t xorshift64star(uint64_t *s) {
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545f4914f6cdd1dull;
}

static uint64_t xorshift128plus(struct xs128 *st) {
    uint64_t a = st->s[0];
    const uint64_t b = st->s[1];
    st->s[0] = b;
    a ^= a << 23;
    st->s[1] = a ^ b ^ (a >> 17) ^ (b >> 26);
    return st->s[1] + b;
}

static uint64_t splitmix64(uint64_t *s) {
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint32_t pcg32(uint64_t *state, uint64_t inc) {
    uint64_t old = *state;
    *state = old * 6364136223846793005ull + (inc | 1);
    uint32_t xorshifted = (uint32_t)(((old >> 18) ^ old) >> 27);
    uint32_t rot = (uint32_t)(old >> 59);
    return (xorshifted >> rot) | (xorshifted << ((0u - rot) & 31));
}

/* a generator's quality summary: 16-bucket histogram of the top bits and ones per bit */
static void judge(const char *name, const uint64_t *v, int n) {
    unsigned buckets[16] = {0}, ones = 0;
    for (int i = 0; i < n; i++) {
        buckets[v[i] >> 60]++;
        ones += (unsigned)__builtin_popcountll(v[i]);
    }
    unsigned lo = ~0u, hi = 0;
    for (int b = 0; b < 16; b++) {
        if (buckets[b] < lo) lo = buckets[b];
        if (buckets[b] > hi) hi = buckets[b];
    }
    hw_printf("%-16s first=%016llx last=%016llx buckets %u..%u ones=%u\n", name,
              (unsigned long long)v[0], (unsigned long long)v[n - 1], lo, hi, ones);
    HW_CHECK(lo > (unsigned)n / 32 && hi < (unsigned)n / 8);
    HW_CHECK(ones > (unsigned)n * 30 && ones < (unsigned)n * 34);
}

#define N 512
static uint64_t out[N];

/* One round of the program's work: argv[1] repeats it (hw_repeat). */
static int body(void) {
    uint64_t s = 42, acc = 0;
    for (int i = 0; i < N; i++) out[i] = lcg64(&s);
    judge("lcg64", out, N);
    acc ^= out[N - 1];
    s = 88172645463325252ull;
    for (int i = 0; i < N; i++) out[i] = xorshift64star(&s);
    judge("xorshift64*", out, N);
    acc ^= out[N - 1];
    struct xs128 st = {{0x0123456789abcdefull, 0xfedcba9876543210ull}};
    for (int i = 0; i < N; i++) out[i] = xorshift128plus(&st);
    judge("xorshift128+", out, N);
    acc ^= out[N - 1];
    s = 0;
    for (int i = 0; i < N; i++) out[i] = splitmix64(&s);
    judge("splitmix64", out, N);
    HW_CHECK(out[0] == 0xe220a8397b1dcdafull);
    acc ^= out[N - 1];
    uint64_t pcg_state = 0x853c49e6748fea9bull;
    for (int i = 0; i < N; i++) {
        uint64_t hi = pcg32(&pcg_state, 0xda3e39cb94b95bdbull);
        out[i] = hi << 32 | pcg32(&pcg_state, 0xda3e39cb94b95bdbull);
    }
    judge("pcg32 pairs", out, N);
    acc ^= out[N - 1];
    /* uniform integers in [0, 6) by rejection, from splitmix64 */
    unsigned dice[6] = {0};
    s = 7;
    for (int i = 0; i < 600; i++) {
        uint64_t r;
        do r = splitmix64(&s) >> 61; while (r >= 6);
        dice[r]++;
    }
    hw_printf("dice: %u %u %u %u %u %u\n", dice[0], dice[1], dice[2], dice[3], dice[4], dice[5]);
    hw_printf("acc=%016llx\n", (unsigned long long)acc);
    return (int)(acc & 0x7f);
}

int main(int argc, char **argv) { return hw_repeat(argc, argv, body); }
