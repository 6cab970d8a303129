/* Functions called through the API and the pytest plugin (built as a relocatable object). */
#include <stdint.h>

uint64_t add(uint64_t a, uint64_t b) { return a + b; }

uint32_t checksum(const uint8_t *buf, uint32_t n) {
    uint32_t h = 2166136261u;
    for (uint32_t i = 0; i < n; i++)
        h = (h ^ buf[i]) * 16777619u;
    return h;
}

void fill(uint64_t *out, uint32_t n, uint64_t seed) {
    for (uint32_t i = 0; i < n; i++) {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        out[i] = seed;
    }
}

int64_t divide(int64_t a, int64_t b) { return b ? a / b : 0; }
