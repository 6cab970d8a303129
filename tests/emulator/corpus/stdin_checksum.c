/* Reads standard input to the end in small chunks and prints its length, CRC-32, Adler-32 and
 * line/word counts (all zero-input values when stdin is empty). */
#include "hwrt.h"

int main(int argc, char **argv) {
    (void)argc;
    (void)argv;
    uint32_t crc_table[256];
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = c & 1 ? (c >> 1) ^ 0xedb88320u : c >> 1;
        crc_table[i] = c;
    }
    uint8_t buf[61]; /* odd size: reads do not line up with anything */
    uint32_t crc = 0xffffffffu, a = 1, b = 0;
    uint64_t total = 0;
    unsigned lines = 0, words = 0, reads = 0;
    int in_word = 0;
    for (;;) {
        long n = hw_read(buf, sizeof buf);
        HW_CHECK(n >= 0);
        if (n == 0) break;
        reads++;
        for (long i = 0; i < n; i++) {
            uint8_t c = buf[i];
            crc = crc_table[(crc ^ c) & 0xff] ^ (crc >> 8);
            a = (a + c) % 65521u;
            b = (b + a) % 65521u;
            lines += c == '\n';
            int space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
            words += !space && !in_word;
            in_word = !space;
        }
        total += (uint64_t)n;
    }
    crc = ~crc;
    hw_printf("bytes=%llu lines=%u words=%u crc32=%08x adler32=%08x\n", (unsigned long long)total,
              lines, words, crc, b << 16 | a);
    HW_CHECK(total || reads == 0);
    return (int)((crc ^ (uint32_t)total) & 0x7f);
}
