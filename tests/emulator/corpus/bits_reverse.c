/* Bit reversal (loop, swap ladder, byte table), byte swaps, Gray code round trips and 64-bit
 * rotates by variable amounts. */
#include "hwrt.h"

static uint32_t rev32_loop(uint32_t x) {
    uint32_t r = 0;
    for (int i = 0; i < 32; i++, x >>= 1) r = r << 1 | (x & 1);
    return r;
}

static uint64_t rev64_ladder(uint64_t x) {
    x = (x >> 1 & 0x5555555555555555ull) | (x & 0x5555555555555555ull) << 1;
    x = (x >> 2 & 0x3333333333333333ull) | (x & 0x3333333333333333ull) << 2;
    x = (x >> 4 & 0x0f0f0f0f0f0f0f0full) | (x & 0x0f0f0f0f0f0f0f0full) << 4;
    x = (x >> 8 & 0x00ff00ff00ff00ffull) | (x & 0x00ff00ff00ff00ffull) << 8;
    x = (x >> 16 & 0x0000ffff0000ffffull) | (x & 0x0000ffff0000ffffull) << 16;
    return x >> 32 | x << 32;
}

static uint8_t rev8_table[256];

static uint16_t rev16_table(uint16_t x) {
    return (uint16_t)(rev8_table[x & 0xff] << 8 | rev8_table[x >> 8]);
}

static uint64_t bswap64_manual(uint64_t x) {
    uint64_t r = 0;
    for (int i = 0; i < 8; i++) r = r << 8 | ((x >> (8 * i)) & 0xff);
    return r;
}

static uint32_t gray(uint32_t x) { return x ^ (x >> 1); }

static uint32_t gray_decode(uint32_t g) {
    for (uint32_t shift = 1; shift < 32; shift <<= 1) g ^= g >> shift;
    return g;
}

static uint64_t rotl64(uint64_t x, unsigned r) { return x << (r & 63) | x >> ((64 - r) & 63); }
static uint64_t rotr64(uint64_t x, unsigned r) { return x >> (r & 63) | x << ((64 - r) & 63); }
static uint32_t rotr32(uint32_t x, unsigned r) { return x >> (r & 31) | x << ((32 - r) & 31); }

int main(int argc, char **argv) {
    (void)argc;
    (void)argv;
    for (int i = 0; i < 256; i++) rev8_table[i] = (uint8_t)(rev32_loop((uint32_t)i) >> 24);
    uint64_t x = 0xcafef00dd15ea5e5ull, acc = 0;
    for (int i = 0; i < 300; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        uint32_t w = (uint32_t)(x >> 17);
        HW_CHECK(rev32_loop(w) == (uint32_t)(rev64_ladder(w) >> 32));
        HW_CHECK(rev16_table((uint16_t)w) == (uint16_t)(rev32_loop(w & 0xffff) >> 16));
        HW_CHECK(bswap64_manual(x) == __builtin_bswap64(x));
        HW_CHECK(gray_decode(gray(w)) == w);
        HW_CHECK(__builtin_popcount(gray(w) ^ gray(w + 1)) == 1);
        unsigned r = (unsigned)(x >> 58);
        HW_CHECK(rotr64(rotl64(x, r), r) == x);
        HW_CHECK(rotl64(x, r) == rotr64(x, 64 - r));
        acc += rotl64(x, r) ^ rev64_ladder(x) ^ rotr32(w, r);
    }
    hw_printf("acc=%016llx\n", (unsigned long long)acc);
    for (uint32_t v = 0; v < 16; v++) hw_printf("%u:%x/%x ", v, gray(v), rev32_loop(v) >> 28);
    hw_printf("\nrev64(1)=%016llx bswap32=%08x rotl(0x8000000000000001,4)=%llx\n",
              (unsigned long long)rev64_ladder(1), __builtin_bswap32(0x11223344u),
              (unsigned long long)rotl64(0x8000000000000001ull, 4));
    return (int)(acc & 0x7f);
}
