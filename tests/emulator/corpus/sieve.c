/* Sieve of Eratosthenes over a bit array up to 10000 (odd numbers only), prime counts per
 * range, twin primes, the largest prime gap and a byte-array sieve cross-check. */
#include "hwrt.h"

#define LIMIT 10000

static uint32_t bits[(LIMIT / 2 + 31) / 32]; /* bit i set: 2i+1 is composite */
static uint8_t bytes[LIMIT + 1];

static int is_prime(uint32_t n) {
    if (n < 2) return 0;
    if (n % 2 == 0) return n == 2;
    uint32_t i = n / 2;
    return !(bits[i >> 5] >> (i & 31) & 1u);
}

/* One round of the program's work: argv[1] repeats it (hw_repeat). */
static int body(void) {
    bits[0] |= 1u; /* 1 is not prime */
    for (uint32_t p = 3; p * p <= LIMIT; p += 2) {
        if (!is_prime(p)) continue;
        for (uint32_t m = p * p; m <= LIMIT; m += 2 * p) bits[(m / 2) >> 5] |= 1u << ((m / 2) & 31);
    }
    for (uint32_t p = 2; p * p <= LIMIT; p++)
        if (!bytes[p])
            for (uint32_t m = p * p; m <= LIMIT; m += p) bytes[m] = 1;

    unsigned count = 0, twins = 0, gap = 0, gap_at = 0;
    uint32_t last = 0;
    uint64_t sum = 0;
    unsigned per_range[6] = {0};
    for (uint32_t n = 2; n <= LIMIT; n++) {
        int p = is_prime(n);
        HW_CHECK(p == !bytes[n]);
        if (!p) continue;
        count++;
        sum += n;
        per_range[n * 6 / (LIMIT + 1)]++;
        if (last && n - last == 2) twins++;
        if (last && n - last > gap) {
            gap = n - last;
            gap_at = last;
        }
        last = n;
    }
    hw_printf("primes<=%d: %u sum=%llu largest=%u\n", LIMIT, count, (unsigned long long)sum, last);
    hw_printf("twin pairs=%u largest gap=%u after %u\n", twins, gap, gap_at);
    hw_printf("per sixth:");
    for (int i = 0; i < 6; i++) hw_printf(" %u", per_range[i]);
    hw_printf("\n");
    HW_CHECK(count == 1229);
    return (int)((sum + twins) & 0x7f);
}

int main(int argc, char **argv) { return hw_repeat(argc, argv, body); }
