/* Mixed-width integer arithmetic: int8/16/32/64 wrap-around and sign/zero extension, shifts
 * by variable amounts (logical and arithmetic), signed vs unsigned comparisons, conditional
 * selects, min/max/abs and saturating arithmetic. */
#include "hwrt.h"

static int8_t sat_add8(int8_t a, int8_t b) {
    int16_t s = (int16_t)(a + b);
    return (int8_t)(s > 127 ? 127 : s < -128 ? -128 : s);
}

static uint16_t sat_sub16(uint16_t a, uint16_t b) { return a > b ? (uint16_t)(a - b) : 0; }

static int32_t clamp(int32_t v, int32_t lo, int32_t hi) { return v < lo ? lo : v > hi ? hi : v; }

static int64_t abs64(int64_t v) { return v < 0 ? -v : v; }

int main(int argc, char **argv) {
    (void)argc;
    (void)argv;
    uint64_t s = 0x0123456789abcdefull;
    int64_t total = 0;
    uint32_t flags = 0;
    for (int i = 0; i < 400; i++) {
        s = s * 2862933555777941757ull + 3037000493ull;
        int8_t b8 = (int8_t)(s >> 3);
        uint8_t u8 = (uint8_t)(s >> 11);
        int16_t b16 = (int16_t)(s >> 19);
        uint16_t u16 = (uint16_t)(s >> 27);
        int32_t b32 = (int32_t)(s >> 29);
        uint32_t u32 = (uint32_t)(s >> 13);
        int64_t b64 = (int64_t)s;
        unsigned sh = (unsigned)(s >> 58);

        /* extension and truncation */
        int64_t ext = (int64_t)b8 + (int64_t)u8 + (int64_t)b16 + (int64_t)u16 + b32 + (int64_t)u32;
        uint8_t wrap8 = (uint8_t)(u8 + 200);
        int16_t wrap16 = (int16_t)(uint16_t)(b16 * 3);
        /* variable shifts */
        uint64_t l64 = (uint64_t)b64 >> sh;
        int64_t a64 = b64 >> sh;
        uint32_t l32 = u32 << (sh & 31);
        int32_t a32 = b32 >> (sh & 31);
        uint64_t ls64 = (uint64_t)b64 << sh;
        /* comparisons: the same bits compared signed and unsigned */
        flags = flags * 3 + (uint32_t)(b32 < 0) + ((uint32_t)b32 < u32) * 2u +
                (b8 < (int8_t)u8) * 4u + ((uint64_t)b64 > l64) * 8u;
        /* selects */
        int32_t m = b32 > (int32_t)u32 ? b32 : (int32_t)u32;
        int32_t n = b16 < b8 ? b16 : b8;
        int64_t pick = (u8 & 1) ? a64 : (int64_t)l64;
        int64_t sum = ext + wrap8 + wrap16 + (int64_t)(l64 ^ ls64) + a64 + l32 + a32 + m + n + pick;
        sum += sat_add8(b8, (int8_t)u8) + sat_sub16(u16, (uint16_t)b16) + clamp(b32, -1000, 1000);
        sum += abs64(b64 >> 3) % 1000;
        total ^= sum + i;
    }
    hw_printf("total=%lld flags=%08x\n", (long long)total, flags);
    /* fixed edge cases */
    int8_t m8 = -128;
    uint8_t x8 = 255;
    int16_t m16 = -32768;
    hw_printf("%d %d %u %d %d\n", (int8_t)(m8 - 1), -m8, (uint8_t)(x8 + 1), (int16_t)(m16 - 1),
              (int)(int16_t)(uint16_t)65535u);
    hw_printf("%d %u %lld %llu\n", INT32_MIN >> 31, 0x80000000u >> 31, (long long)(INT64_MIN >> 63),
              (unsigned long long)(0x8000000000000000ull >> 63));
    hw_printf("sat: %d %d %u\n", sat_add8(100, 100), sat_add8(-100, -100), sat_sub16(5, 9));
    hw_printf("cmp: %d %d\n", -1 < 0, (uint32_t)-1 > 1u);
    return (int)(((uint64_t)total ^ flags) & 0x7f);
}
