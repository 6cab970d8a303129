/* String handling: in-place reverse, palindromes (ignoring case and punctuation), atoi with
 * sign and overflow saturation, itoa in bases 2..36, case folding, substring search and a
 * word sort with strcmp. */
#include "hwrt.h"

static void reverse(char *s) {
    for (char *e = s + strlen(s); s < e--; s++) {
        char t = *s;
        *s = *e;
        *e = t;
    }
}

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }
static int is_alnum(int c) {
    return (c >= '0' && c <= '9') || (lower(c) >= 'a' && lower(c) <= 'z');
}

static int is_palindrome(const char *s) {
    if (!*s) return 1;
    const char *e = s + strlen(s) - 1;
    while (s < e) {
        if (!is_alnum(*s)) s++;
        else if (!is_alnum(*e)) e--;
        else if (lower(*s++) != lower(*e--)) return 0;
    }
    return 1;
}

static int32_t parse_int(const char *s) {
    while (*s == ' ' || *s == '\t') s++;
    int neg = *s == '-';
    if (*s == '-' || *s == '+') s++;
    int64_t v = 0;
    for (; *s >= '0' && *s <= '9'; s++) {
        v = v * 10 + (*s - '0');
        if (v > (int64_t)INT32_MAX + 1) v = (int64_t)INT32_MAX + 1;
    }
    if (neg) v = -v;
    return v > INT32_MAX ? INT32_MAX : (int32_t)v;
}

static char *format_int(int64_t v, unsigned base, char *out) {
    char tmp[72];
    int n = 0;
    uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
    do {
        unsigned d = (unsigned)(u % base);
        tmp[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
        u /= base;
    } while (u);
    char *p = out;
    if (v < 0) *p++ = '-';
    while (n) *p++ = tmp[--n];
    *p = 0;
    return out;
}

static const char *find(const char *hay, const char *needle) {
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (memcmp(hay, needle, n) == 0) return hay;
    return n ? NULL : hay;
}

int main(int argc, char **argv) {
    (void)argc;
    (void)argv;
    char buf[80];
    strcpy(buf, "Dynamic binary translation");
    reverse(buf);
    hw_printf("reversed: %s\n", buf);
    static const char *candidates[] = {"A man, a plan, a canal: Panama", "racecar", "hwemu",
                                       "Was it a car or a cat I saw?", "ab", "",
                                       "No lemon, no melon"};
    int pals = 0;
    for (unsigned i = 0; i < sizeof candidates / sizeof candidates[0]; i++) {
        int p = is_palindrome(candidates[i]);
        pals += p;
        hw_printf("palindrome(\"%s\")=%d\n", candidates[i], p);
    }
    static const char *numbers[] = {"42", "  -17", "+8", "2147483647", "2147483648", "-2147483648",
                                    "-99999999999", "12abc", "abc", "0"};
    int64_t sum = 0;
    for (unsigned i = 0; i < sizeof numbers / sizeof numbers[0]; i++) {
        int32_t v = parse_int(numbers[i]);
        sum += v;
        hw_printf("atoi(\"%s\")=%d\n", numbers[i], v);
    }
    char out[72];
    static const int64_t values[] = {0, 255, -255, 123456789, INT64_MIN, INT64_MAX};
    for (unsigned i = 0; i < sizeof values / sizeof values[0]; i++) {
        hw_printf("%lld:", (long long)values[i]);
        for (unsigned base = 2; base <= 36; base += base < 16 ? 6 : 20)
            hw_printf(" b%u=%s", base, format_int(values[i], base, out));
        hw_printf("\n");
    }
    const char *text = "the translator translates translated blocks";
    int hits = 0;
    for (const char *p = text; (p = find(p, "transl")) != NULL; p++) hits++;
    hw_printf("found 'transl' %d times, 'blocks' at %d\n", hits,
              (int)(find(text, "blocks") - text));

    const char *words[] = {"thumb", "arm", "cortex", "aarch64", "zig", "block", "arm64", "brk"};
    int nw = (int)(sizeof words / sizeof words[0]);
    for (int i = 1; i < nw; i++)
        for (int j = i; j > 0 && strcmp(words[j - 1], words[j]) > 0; j--) {
            const char *t = words[j];
            words[j] = words[j - 1];
            words[j - 1] = t;
        }
    for (int i = 0; i < nw; i++) hw_printf("%s%c", words[i], i + 1 < nw ? ' ' : '\n');
    return (int)(((uint64_t)sum + (uint64_t)pals + (uint64_t)hits) & 0x7f);
}
