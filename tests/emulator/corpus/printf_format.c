/* hw_printf itself: every conversion, length modifier, width and flag it supports, with
 * extreme values, so all targets must print byte-identical text. */
#include "hwrt.h"

int main(int argc, char **argv) {
    (void)argc;
    (void)argv;
    int n = 0;
    n += hw_printf("[%d] [%i] [%d] [%d]\n", 0, -1, INT32_MAX, INT32_MIN);
    n += hw_printf("[%u] [%x] [%X] [%u]\n", 0u, 0xdeadbeefu, 0xdeadbeefu, UINT32_MAX);
    n += hw_printf("[%lld] [%lld] [%llu] [%llx]\n", (long long)INT64_MAX, (long long)INT64_MIN,
                   (unsigned long long)UINT64_MAX, 0x0123456789abcdefull);
    n += hw_printf("[%ld] [%lu] [%lx]\n", -123456789L, 4000000000UL, 0xfedcba98UL);
    n += hw_printf("[%zu] [%hd] [%hu] [%hhd] [%hhu]\n", (size_t)12345, (short)-300,
                   (unsigned short)65000, (signed char)-5, (unsigned char)250);
    n += hw_printf("[%5d] [%-5d] [%05d] [%5d] [%05d]\n", 42, 42, 42, -42, -42);
    n += hw_printf("[%8x] [%08x] [%-8X] [%2d] [%1s]\n", 0xabcu, 0xabcu, 0xabcu, 12345, "long");
    n += hw_printf("[%s] [%10s] [%-10s] [%s]\n", "str", "right", "left", "");
    n += hw_printf("[%c] [%3c] [%-3c] [%%]\n", 'x', 'y', 'z');
    n += hw_printf("[%020llu] [%-20lld] [%3llx]\n", 18446744073709551615ull, -1ll, 0ull);
    /* formats -Wformat rejects, hidden behind a volatile pointer: '-' wins over '0', and
     * unknown conversions print as written */
    const char *volatile odd = "[%-05d] [%q] [%5q] [%5%] tail%%\n";
    n += hw_printf(odd, 42);
    char line[200];
    for (int i = 0; i < 199; i++) line[i] = (char)('a' + i % 26);
    line[199] = 0;
    for (int i = 0; i < 30; i++) n += hw_printf("%s %d\n", line, i); /* > 4 KiB: buffer flushes */
    hw_printf("total chars=%d\n", n);
    return n & 0x7f;
}
