/* Population count and parity by five methods (builtin, Kernighan, SWAR, nibble table, loop)
 * on 32- and 64-bit values. */
#include "hwrt.h"

static const uint8_t nibble_bits[16] = {0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4};

static unsigned pop_kernighan(uint64_t x) {
    unsigned n = 0;
    for (; x; x &= x - 1) n++;
    return n;
}

static unsigned pop_swar64(uint64_t x) {
    x = x - ((x >> 1) & 0x5555555555555555ull);
    x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
    x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
    return (unsigned)((x * 0x0101010101010101ull) >> 56);
}

static unsigned pop_swar32(uint32_t x) {
    x = x - ((x >> 1) & 0x55555555u);
    x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
    x = (x + (x >> 4)) & 0x0f0f0f0fu;
    return (x * 0x01010101u) >> 24;
}

static unsigned pop_table(uint64_t x) {
    unsigned n = 0;
    for (int i = 0; i < 16; i++, x >>= 4) n += nibble_bits[x & 15];
    return n;
}

static unsigned pop_loop(uint32_t x) {
    unsigned n = 0;
    for (int i = 0; i < 32; i++) n += (x >> i) & 1u;
    return n;
}

static unsigned parity64(uint64_t x) {
    x ^= x >> 32;
    x ^= x >> 16;
    x ^= x >> 8;
    x ^= x >> 4;
    return (0x6996u >> (x & 15)) & 1u;
}

int main(int argc, char **argv) {
    (void)argc;
    (void)argv;
    uint64_t s = 0x853c49e6748fea9bull;
    unsigned total = 0, odd = 0;
    unsigned histogram[65] = {0};
    for (int i = 0; i < 600; i++) {
        s ^= s >> 12;
        s ^= s << 25;
        s ^= s >> 27;
        uint64_t v = s * 0x2545f4914f6cdd1dull;
        if (i % 5 == 0) v &= v >> (i % 61); /* sparser values too */
        unsigned a = (unsigned)__builtin_popcountll(v);
        HW_CHECK(a == pop_kernighan(v));
        HW_CHECK(a == pop_swar64(v));
        HW_CHECK(a == pop_table(v));
        uint32_t lo = (uint32_t)v;
        unsigned b = pop_swar32(lo);
        HW_CHECK(b == pop_loop(lo) && b == (unsigned)__builtin_popcount(lo));
        HW_CHECK(parity64(v) == (a & 1u));
        HW_CHECK(parity64(v) == (unsigned)__builtin_parityll(v));
        histogram[a]++;
        total += a;
        odd += parity64(v);
    }
    hw_printf("total bits=%u odd parity=%u\n", total, odd);
    for (int k = 0; k <= 64; k++)
        if (histogram[k]) hw_printf("%2d:%u ", k, histogram[k]);
    hw_printf("\n");
    hw_printf("edge: %u %u %u %u\n", pop_swar64(0), pop_swar64(~0ull), pop_swar32(0x80000001u),
              pop_table(0xf0f0f0f0f0f0f0f0ull));
    return (int)(total & 0x7f);
}
