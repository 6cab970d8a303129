/* Demo: CRC-32 (IEEE, table-driven) over a 4 KiB buffer, `argv[1]` times (default 8).
 * Each iteration perturbs one byte, so no run can be folded away; cycles per iteration come
 * from two runs with different counts. */
#include "hwrt.h"

#define BUFFER 4096

static uint32_t table[256];
static uint8_t buffer[BUFFER];

static uint32_t parse_count(int argc, char **argv, uint32_t fallback) {
    if (argc < 2) return fallback;
    uint32_t n = 0;
    for (const char *p = argv[1]; *p >= '0' && *p <= '9'; p++) n = n * 10 + (uint32_t)(*p - '0');
    return n ? n : fallback;
}

static uint32_t crc32(const uint8_t *p, uint32_t n) {
    uint32_t crc = 0xffffffffu;
    for (uint32_t i = 0; i < n; i++) crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
    return ~crc;
}

int main(int argc, char **argv) {
    uint32_t iterations = parse_count(argc, argv, 8);
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = c & 1 ? (c >> 1) ^ 0xedb88320u : c >> 1;
        table[i] = c;
    }
    uint32_t x = 0x2545f491u;
    for (uint32_t i = 0; i < BUFFER; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        buffer[i] = (uint8_t)x;
    }
    uint32_t acc = 0;
    for (uint32_t it = 0; it < iterations; it++) {
        buffer[it % BUFFER] ^= (uint8_t)(it + 1);
        uint32_t crc = crc32(buffer, BUFFER);
        if (it < 4 || it + 1 == iterations) hw_printf("iteration %u: crc32=%08x\n", it, crc);
        acc ^= crc;
    }
    hw_printf("crc32 demo: iterations=%u bytes/iteration=%u xor=%08x\n", iterations, BUFFER, acc);
    return (int)(acc & 0x7f);
}
