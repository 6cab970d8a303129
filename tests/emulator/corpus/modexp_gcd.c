/* Number theory on 64-bit integers: modular exponentiation with a 128-bit-safe mulmod,
 * deterministic Miller-Rabin, Euclid's and the binary GCD, extended Euclid with modular
 * inverses, and the LCM of 1..40. */
#include "hwrt.h"

/* a * b mod m without overflow: one multiply when m < 2^32, else by doubling (m < 2^63) */
static uint64_t mulmod(uint64_t a, uint64_t b, uint64_t m) {
    if (m >> 32 == 0) return (a % m) * (b % m) % m;
    uint64_t r = 0;
    a %= m;
    while (b) {
        if (b & 1) {
            r += a;
            if (r >= m) r -= m;
        }
        a <<= 1;
        if (a >= m) a -= m;
        b >>= 1;
    }
    return r;
}

static uint64_t powmod(uint64_t base, uint64_t e, uint64_t m) {
    uint64_t r = 1 % m;
    base %= m;
    for (; e; e >>= 1) {
        if (e & 1) r = mulmod(r, base, m);
        base = mulmod(base, base, m);
    }
    return r;
}

/* deterministic for n < 3,215,031,751 with bases 2, 3, 5, 7 */
static int is_prime(uint64_t n) {
    if (n < 2) return 0;
    static const uint64_t bases[] = {2, 3, 5, 7};
    for (int i = 0; i < 4; i++)
        if (n % bases[i] == 0) return n == bases[i];
    uint64_t d = n - 1;
    int s = 0;
    while (!(d & 1)) d >>= 1, s++;
    for (int i = 0; i < 4; i++) {
        uint64_t x = powmod(bases[i], d, n);
        if (x == 1 || x == n - 1) continue;
        int witness = 1;
        for (int k = 1; k < s && witness; k++) {
            x = mulmod(x, x, n);
            if (x == n - 1) witness = 0;
        }
        if (witness) return 0;
    }
    return 1;
}

static uint64_t gcd(uint64_t a, uint64_t b) {
    while (b) {
        uint64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

static uint64_t binary_gcd(uint64_t a, uint64_t b) {
    if (!a) return b;
    if (!b) return a;
    int shift = __builtin_ctzll(a | b);
    a >>= __builtin_ctzll(a);
    do {
        b >>= __builtin_ctzll(b);
        if (a > b) {
            uint64_t t = a;
            a = b;
            b = t;
        }
        b -= a;
    } while (b);
    return a << shift;
}

/* returns g and x with a*x = g (mod m) */
static int64_t ext_gcd(int64_t a, int64_t b, int64_t *x, int64_t *y) {
    if (b == 0) {
        *x = 1;
        *y = 0;
        return a;
    }
    int64_t x1, y1, g = ext_gcd(b, a % b, &x1, &y1);
    *x = y1;
    *y = x1 - (a / b) * y1;
    return g;
}

int main(int argc, char **argv) {
    (void)argc;
    (void)argv;
    hw_printf("2^10 mod 1000=%llu 3^200 mod 1e9+7=%llu 7^(p-1) mod p=%llu\n",
              (unsigned long long)powmod(2, 10, 1000),
              (unsigned long long)powmod(3, 200, 1000000007ull),
              (unsigned long long)powmod(7, 2147483646ull, 2147483647ull));
    int count = 0;
    uint64_t last = 0;
    for (uint64_t n = 1000000000ull; n < 1000000200ull; n++) {
        if (is_prime(n)) {
            count++;
            last = n;
        }
    }
    const uint64_t m61 = (1ull << 61) - 1; /* a Mersenne prime: Fermat's little theorem holds */
    uint64_t fermat = powmod(3, m61 - 1, m61);
    HW_CHECK(fermat == 1);
    hw_printf("3^(m61-1) mod m61=%llu 3^1000 mod m61=%llu\n", (unsigned long long)fermat,
              (unsigned long long)powmod(3, 1000, m61));
    hw_printf("primes in [1e9, 1e9+200): %d, last %llu\n", count, (unsigned long long)last);
    int small = 0;
    for (uint64_t n = 0; n < 500; n++) small += is_prime(n);
    HW_CHECK(small == 95);

    uint64_t g_acc = 0, s = 88172645463325252ull;
    for (int i = 0; i < 150; i++) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        uint64_t k = (s & 0xff) + 1;
        uint64_t a = (s >> 20) * k, b = (s >> 35) * k;
        uint64_t g = gcd(a, b);
        HW_CHECK(g == binary_gcd(a, b));
        HW_CHECK(g == 0 || (a % g == 0 && b % g == 0));
        g_acc += g;
    }
    hw_printf("gcd sum=%llu\n", (unsigned long long)g_acc);

    const int64_t m = 1000003;
    int64_t inv_sum = 0;
    for (int64_t a = 2; a < 200; a += 3) {
        int64_t x, y;
        int64_t g = ext_gcd(a, m, &x, &y);
        HW_CHECK(g == 1 && a * x + m * y == 1);
        int64_t inv = ((x % m) + m) % m;
        HW_CHECK((a * inv) % m == 1);
        inv_sum += inv;
    }
    uint64_t l = 1;
    for (uint64_t k = 2; k <= 40; k++) l = l / gcd(l, k) * k;
    hw_printf("inverse sum=%lld lcm(1..40)=%llu\n", (long long)inv_sum, (unsigned long long)l);
    return (int)((g_acc + (uint64_t)inv_sum + l + last) & 0x7f);
}
