/* Arbitrary-precision unsigned integers on 32-bit limbs: add, multiply (schoolbook with 64-bit
 * partial products), small division for decimal printing; computes 2^256, 40!, Fibonacci(250)
 * and checks (a+b)^2 = a^2 + 2ab + b^2. */
#include "hwrt.h"

#define LIMBS 24

struct big {
    uint32_t limb[LIMBS]; /* little-endian */
    int used;
};

static void set_u32(struct big *r, uint32_t v) {
    memset(r, 0, sizeof *r);
    r->limb[0] = v;
    r->used = v != 0;
}

static void trim(struct big *r) {
    while (r->used > 0 && r->limb[r->used - 1] == 0) r->used--;
}

static void add(struct big *r, const struct big *a, const struct big *b) {
    int n = a->used > b->used ? a->used : b->used;
    uint64_t carry = 0;
    for (int i = 0; i < n; i++) {
        carry += (uint64_t)(i < a->used ? a->limb[i] : 0) + (i < b->used ? b->limb[i] : 0);
        r->limb[i] = (uint32_t)carry;
        carry >>= 32;
    }
    HW_CHECK(n < LIMBS || carry == 0);
    if (carry) r->limb[n++] = (uint32_t)carry;
    for (int i = n; i < LIMBS; i++) r->limb[i] = 0;
    r->used = n;
}

static void mul(struct big *r, const struct big *a, const struct big *b) {
    struct big t;
    memset(&t, 0, sizeof t);
    for (int i = 0; i < a->used; i++) {
        uint64_t carry = 0;
        for (int j = 0; j < b->used; j++) {
            HW_CHECK(i + j < LIMBS);
            carry += (uint64_t)a->limb[i] * b->limb[j] + t.limb[i + j];
            t.limb[i + j] = (uint32_t)carry;
            carry >>= 32;
        }
        if (carry) {
            HW_CHECK(i + b->used < LIMBS);
            t.limb[i + b->used] = (uint32_t)carry;
        }
    }
    t.used = a->used + b->used < LIMBS ? a->used + b->used : LIMBS;
    trim(&t);
    *r = t;
}

/* r = a / d, returns a % d */
static uint32_t divmod_small(struct big *r, const struct big *a, uint32_t d) {
    uint64_t rem = 0;
    struct big q = *a;
    for (int i = a->used - 1; i >= 0; i--) {
        uint64_t cur = rem << 32 | a->limb[i];
        q.limb[i] = (uint32_t)(cur / d);
        rem = cur % d;
    }
    trim(&q);
    *r = q;
    return (uint32_t)rem;
}

static int compare(const struct big *a, const struct big *b) {
    if (a->used != b->used) return a->used < b->used ? -1 : 1;
    for (int i = a->used - 1; i >= 0; i--)
        if (a->limb[i] != b->limb[i]) return a->limb[i] < b->limb[i] ? -1 : 1;
    return 0;
}

static void print_dec(const char *label, const struct big *a) {
    char digits[LIMBS * 10 + 1];
    int n = 0;
    struct big t = *a;
    uint32_t chunks[LIMBS * 2];
    int nc = 0;
    while (t.used) chunks[nc++] = divmod_small(&t, &t, 1000000000u);
    if (!nc) digits[n++] = '0';
    for (int i = nc - 1; i >= 0; i--) {
        char buf[10];
        uint32_t c = chunks[i];
        for (int k = 8; k >= 0; k--, c /= 10) buf[k] = (char)('0' + c % 10);
        int start = 0;
        if (i == nc - 1)
            while (start < 8 && buf[start] == '0') start++;
        for (int k = start; k < 9; k++) digits[n++] = buf[k];
    }
    digits[n] = 0;
    hw_printf("%s = %s\n", label, digits);
}

static void print_hex(const char *label, const struct big *a) {
    hw_printf("%s = 0x", label);
    if (!a->used) hw_printf("0");
    for (int i = a->used - 1; i >= 0; i--) hw_printf(i == a->used - 1 ? "%x" : "%08x", a->limb[i]);
    hw_printf("\n");
}

/* One round of the program's work: argv[1] repeats it (hw_repeat). */
static int body(void) {
    struct big x, y, z, t;
    set_u32(&y, 2);
    for (int i = 0; i < 8; i++) mul(&y, &y, &y); /* 2^(2^8) by repeated squaring */
    print_hex("2^256", &y);
    print_dec("2^256", &y);

    set_u32(&x, 1);
    for (uint32_t k = 2; k <= 40; k++) {
        set_u32(&t, k);
        mul(&x, &x, &t);
    }
    print_dec("40!", &x);

    set_u32(&y, 0);
    set_u32(&z, 1);
    for (int i = 0; i < 250; i++) {
        add(&t, &y, &z);
        y = z;
        z = t;
    }
    print_dec("fib(250)", &y);

    /* (a+b)^2 == a^2 + 2ab + b^2 with a = 40!, b = fib(250) */
    struct big lhs, a2, b2, ab, rhs;
    add(&t, &x, &y);
    mul(&lhs, &t, &t);
    mul(&a2, &x, &x);
    mul(&b2, &y, &y);
    mul(&ab, &x, &y);
    add(&rhs, &a2, &b2);
    add(&rhs, &rhs, &ab);
    add(&rhs, &rhs, &ab);
    HW_CHECK(compare(&lhs, &rhs) == 0);
    uint32_t r = divmod_small(&t, &lhs, 1000000007u);
    hw_printf("(a+b)^2 mod 1e9+7 = %u, limbs=%d\n", r, lhs.used);
    return (int)(r & 0x7f);
}

int main(int argc, char **argv) { return hw_repeat(argc, argv, body); }
