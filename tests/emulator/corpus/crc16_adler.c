/* CRC-16/CCITT-FALSE (poly 0x1021, MSB first), CRC-16/ARC (poly 0xA001 reflected), Adler-32 and
 * Fletcher-16 over text and PRNG bytes, checked against their published check values. */
#include "hwrt.h"

static uint16_t crc16_ccitt(const uint8_t *p, unsigned n) {
    uint16_t crc = 0xffff;
    while (n--) {
        crc ^= (uint16_t)(*p++ << 8);
        for (int k = 0; k < 8; k++)
            crc = (crc & 0x8000) ? (uint16_t)((crc << 1) ^ 0x1021) : (uint16_t)(crc << 1);
    }
    return crc;
}

static uint16_t crc16_arc(const uint8_t *p, unsigned n) {
    uint16_t crc = 0;
    while (n--) {
        crc ^= *p++;
        for (int k = 0; k < 8; k++) crc = (crc & 1) ? (crc >> 1) ^ 0xa001 : crc >> 1;
    }
    return crc;
}

static uint32_t adler32(const uint8_t *p, unsigned n) {
    uint32_t a = 1, b = 0;
    while (n) {
        unsigned chunk = n < 3800 ? n : 3800; /* b stays below 2^32 within a chunk */
        n -= chunk;
        while (chunk--) {
            a += *p++;
            b += a;
        }
        a %= 65521u;
        b %= 65521u;
    }
    return b << 16 | a;
}

static uint16_t fletcher16(const uint8_t *p, unsigned n) {
    uint16_t s1 = 0, s2 = 0;
    while (n--) {
        s1 = (uint16_t)((s1 + *p++) % 255);
        s2 = (uint16_t)((s2 + s1) % 255);
    }
    return (uint16_t)(s2 << 8 | s1);
}

static uint8_t buf[2000];

int main(int argc, char **argv) {
    (void)argc;
    (void)argv;
    const uint8_t *check = (const uint8_t *)"123456789";
    uint16_t ccitt = crc16_ccitt(check, 9), arc = crc16_arc(check, 9);
    uint32_t ad = adler32((const uint8_t *)"Wikipedia", 9);
    uint16_t fl = fletcher16((const uint8_t *)"abcde", 5);
    hw_printf("crc16/ccitt-false=%04x crc16/arc=%04x adler32(Wikipedia)=%08x "
              "fletcher16(abcde)=%04x\n", ccitt, arc, ad, fl);
    HW_CHECK(ccitt == 0x29b1 && arc == 0xbb3d && ad == 0x11e60398u && fl == 0xc8f0);

    uint32_t s = 7;
    for (unsigned i = 0; i < sizeof buf; i++) {
        s ^= s << 7;
        s ^= s >> 9;
        buf[i] = (uint8_t)s;
    }
    uint32_t acc = 0;
    for (unsigned n = 1; n <= sizeof buf; n = n * 3 + 1) {
        uint16_t c1 = crc16_ccitt(buf, n), c2 = crc16_arc(buf, n);
        uint32_t a = adler32(buf, n);
        uint16_t f = fletcher16(buf, n);
        hw_printf("n=%4u ccitt=%04x arc=%04x adler=%08x fletcher=%04x\n", n, c1, c2, a, f);
        acc += c1 + c2 + a + f;
    }
    hw_printf("acc=%u\n", acc);
    return (int)(acc & 0x7f);
}
