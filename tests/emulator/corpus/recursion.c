/* Deep and branching recursion: naive Fibonacci, Ackermann(2,n) and (3,3), mutual recursion,
 * a recursive power set sum and McCarthy's 91 function. */
#include "hwrt.h"

static uint32_t fib(uint32_t n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static uint32_t ackermann(uint32_t m, uint32_t n) {
    if (m == 0) return n + 1;
    if (n == 0) return ackermann(m - 1, 1);
    return ackermann(m - 1, ackermann(m, n - 1));
}

static int is_odd(unsigned n);
static int is_even(unsigned n) { return n == 0 ? 1 : is_odd(n - 1); }
static int is_odd(unsigned n) { return n == 0 ? 0 : is_even(n - 1); }

static int mccarthy91(int n) { return n > 100 ? n - 10 : mccarthy91(mccarthy91(n + 11)); }

/* sum over all subsets of the product of their elements, modulo 2^64 */
static uint64_t subset_products(const uint64_t *v, int n, uint64_t product) {
    if (n == 0) return product;
    return subset_products(v + 1, n - 1, product) + subset_products(v + 1, n - 1, product * v[0]);
}

static int64_t sum_digits_signed(int64_t x) {
    if (x < 0) return -sum_digits_signed(-x);
    return x < 10 ? x : x % 10 + sum_digits_signed(x / 10);
}

int main(int argc, char **argv) {
    (void)argc;
    (void)argv;
    uint32_t f = fib(18);
    hw_printf("fib(18)=%u\n", f);
    HW_CHECK(f == 2584);
    uint32_t a23 = ackermann(2, 3), a33 = ackermann(3, 3);
    hw_printf("ackermann(2,3)=%u ackermann(3,3)=%u\n", a23, a33);
    HW_CHECK(a23 == 9 && a33 == 61);
    hw_printf("is_even(301)=%d is_odd(301)=%d\n", is_even(301), is_odd(301));
    int m = 0;
    for (int n = 0; n <= 110; n += 11) m += mccarthy91(n);
    hw_printf("mccarthy91 sum=%d\n", m);
    static const uint64_t v[] = {3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 0x10000000001ull};
    uint64_t sp = subset_products(v, 11, 1);
    hw_printf("subset products=%llu\n", (unsigned long long)sp);
    hw_printf("digit sums: %lld %lld\n", (long long)sum_digits_signed(9876543210123ll),
              (long long)sum_digits_signed(-4444));
    return (int)((f + a33 + (uint32_t)m + (uint32_t)sp) & 0x7f);
}
