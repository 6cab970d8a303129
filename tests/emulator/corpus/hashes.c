/* FNV-1a (32 and 64 bit), djb2, sdbm, a murmur3-style finaliser and string hash, and a
 * byte-histogram avalanche test. */
#include "hwrt.h"

static uint32_t fnv1a32(const char *s) {
    uint32_t h = 2166136261u;
    for (; *s; s++) h = (h ^ (uint8_t)*s) * 16777619u;
    return h;
}

static uint64_t fnv1a64(const char *s) {
    uint64_t h = 14695981039346656037ull;
    for (; *s; s++) h = (h ^ (uint8_t)*s) * 1099511628211ull;
    return h;
}

static uint32_t djb2(const char *s) {
    uint32_t h = 5381;
    for (; *s; s++) h = (h << 5) + h + (uint8_t)*s;
    return h;
}

static uint32_t sdbm(const char *s) {
    uint32_t h = 0;
    for (; *s; s++) h = (uint8_t)*s + (h << 6) + (h << 16) - h;
    return h;
}

static uint64_t fmix64(uint64_t k) {
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdull;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ull;
    k ^= k >> 33;
    return k;
}

static uint32_t rotl32(uint32_t x, unsigned r) { return x << r | x >> ((32 - r) & 31); }

/* A murmur3_32-shaped hash of a byte string (blocks of 4, tail, finaliser). */
static uint32_t murmur32(const uint8_t *p, unsigned n, uint32_t seed) {
    uint32_t h = seed;
    unsigned blocks = n / 4;
    for (unsigned i = 0; i < blocks; i++) {
        uint32_t k = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 |
                     (uint32_t)p[4 * i + 2] << 16 | (uint32_t)p[4 * i + 3] << 24;
        k *= 0xcc9e2d51u;
        k = rotl32(k, 15);
        k *= 0x1b873593u;
        h ^= k;
        h = rotl32(h, 13);
        h = h * 5 + 0xe6546b64u;
    }
    uint32_t k = 0;
    switch (n & 3) {
    case 3: k ^= (uint32_t)p[4 * blocks + 2] << 16; /* fall through */
    case 2: k ^= (uint32_t)p[4 * blocks + 1] << 8;  /* fall through */
    case 1:
        k ^= p[4 * blocks];
        k *= 0xcc9e2d51u;
        k = rotl32(k, 15);
        k *= 0x1b873593u;
        h ^= k;
    }
    h ^= n;
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

/* One round of the program's work: argv[1] repeats it (hw_repeat). */
static int body(void) {
    static const char *words[] = {"", "a", "foobar", "hello world", "The quick brown fox",
                                  "translator", "Cortex-M4", "AArch64"};
    uint32_t acc = 0;
    for (unsigned i = 0; i < sizeof words / sizeof words[0]; i++) {
        const char *w = words[i];
        uint32_t m = murmur32((const uint8_t *)w, (unsigned)strlen(w), 0x9747b28cu);
        hw_printf("%-20s fnv32=%08x fnv64=%016llx djb2=%08x sdbm=%08x murmur=%08x\n", w,
                  fnv1a32(w), (unsigned long long)fnv1a64(w), djb2(w), sdbm(w), m);
        acc ^= fnv1a32(w) ^ djb2(w) ^ m;
    }
    HW_CHECK(fnv1a32("a") == 0xe40c292cu && fnv1a64("foobar") == 0x85944171f73967e8ull);

    /* avalanche: flipping one input bit of fmix64 flips about half of the output bits */
    unsigned flips = 0;
    uint64_t x = 0x0123456789abcdefull;
    for (int round = 0; round < 32; round++) {
        for (unsigned b = 0; b < 64; b += 4) {
            uint64_t d = fmix64(x) ^ fmix64(x ^ (1ull << b));
            for (; d; d &= d - 1) flips++;
        }
        x = fmix64(x + (uint64_t)round);
    }
    hw_printf("fmix64 avalanche: %u bit flips over %u trials (avg %u.%02u)\n", flips, 32 * 16,
              flips / 512, (flips % 512) * 100 / 512);
    HW_CHECK(flips > 512 * 28 && flips < 512 * 36);
    hw_printf("acc=%08x x=%016llx\n", acc, (unsigned long long)x);
    return (int)(acc & 0x7f);
}

int main(int argc, char **argv) { return hw_repeat(argc, argv, body); }
