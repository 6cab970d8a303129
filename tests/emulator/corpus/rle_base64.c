/* Run-length encoding and Base64 (RFC 4648) encode/decode round trips over text and binary
 * data, with the RFC's test vectors. */
#include "hwrt.h"

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static unsigned base64_encode(const uint8_t *in, unsigned n, char *out) {
    char *o = out;
    unsigned i = 0;
    for (; i + 2 < n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        *o++ = b64[v >> 18];
        *o++ = b64[(v >> 12) & 63];
        *o++ = b64[(v >> 6) & 63];
        *o++ = b64[v & 63];
    }
    if (i < n) {
        uint32_t v = (uint32_t)in[i] << 16 | (i + 1 < n ? (uint32_t)in[i + 1] << 8 : 0);
        *o++ = b64[v >> 18];
        *o++ = b64[(v >> 12) & 63];
        *o++ = i + 1 < n ? b64[(v >> 6) & 63] : '=';
        *o++ = '=';
    }
    *o = 0;
    return (unsigned)(o - out);
}

static int b64_value(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* returns the decoded length, or -1 on a malformed input */
static int base64_decode(const char *in, uint8_t *out) {
    int n = 0;
    for (; *in; in += 4) {
        int v[4];
        for (int k = 0; k < 4; k++) {
            if (!in[k]) return -1;
            v[k] = in[k] == '=' ? 0 : b64_value(in[k]);
            if (v[k] < 0) return -1;
        }
        uint32_t w =
            (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];
        out[n++] = (uint8_t)(w >> 16);
        if (in[2] != '=') out[n++] = (uint8_t)(w >> 8);
        if (in[3] != '=') out[n++] = (uint8_t)w;
    }
    return n;
}

/* pairs of (count, byte) with counts up to 255 */
static unsigned rle_encode(const uint8_t *in, unsigned n, uint8_t *out) {
    unsigned o = 0;
    for (unsigned i = 0; i < n;) {
        unsigned run = 1;
        while (i + run < n && in[i + run] == in[i] && run < 255) run++;
        out[o++] = (uint8_t)run;
        out[o++] = in[i];
        i += run;
    }
    return o;
}

static unsigned rle_decode(const uint8_t *in, unsigned n, uint8_t *out) {
    unsigned o = 0;
    for (unsigned i = 0; i + 1 < n; i += 2)
        for (unsigned k = 0; k < in[i]; k++) out[o++] = in[i + 1];
    return o;
}

static uint8_t data[900], packed[1800], unpacked[900];
static char text[1300];

int main(int argc, char **argv) {
    (void)argc;
    (void)argv;
    static const char *vectors[][2] = {{"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"},
                                       {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="},
                                       {"foobar", "Zm9vYmFy"}};
    char enc[16];
    uint8_t dec[16];
    for (unsigned i = 0; i < 7; i++) {
        base64_encode((const uint8_t *)vectors[i][0], (unsigned)strlen(vectors[i][0]), enc);
        int n = base64_decode(enc, dec);
        dec[n] = 0;
        hw_printf("base64(\"%s\") = \"%s\"\n", vectors[i][0], enc);
        HW_CHECK(strcmp(enc, vectors[i][1]) == 0 && strcmp((char *)dec, vectors[i][0]) == 0);
    }
    HW_CHECK(base64_decode("Zm9*", dec) == -1);

    /* runs of varying length, some longer than 255 */
    uint32_t s = 77;
    unsigned n = 0;
    while (n < sizeof data) {
        s = s * 1103515245u + 12345u;
        unsigned run = (s >> 16) % 7 == 0 ? 300 : 1 + (s >> 20) % 9;
        uint8_t byte = (uint8_t)(s >> 8);
        for (unsigned k = 0; k < run && n < sizeof data; k++) data[n++] = byte;
    }
    unsigned plen = rle_encode(data, n, packed);
    unsigned ulen = rle_decode(packed, plen, unpacked);
    HW_CHECK(ulen == n && memcmp(data, unpacked, n) == 0);
    unsigned tlen = base64_encode(data, n, text);
    int blen = base64_decode(text, unpacked);
    HW_CHECK(blen == (int)n && memcmp(data, unpacked, n) == 0);
    uint32_t h = 0;
    for (unsigned i = 0; i < tlen; i++) h = h * 31u + (uint8_t)text[i];
    hw_printf("rle: %u -> %u bytes; base64: %u chars, hash %08x, head %c%c%c%c\n", n, plen, tlen, h,
              text[0], text[1], text[2], text[3]);
    return (int)((plen + tlen + h) & 0x7f);
}
