/* intmark: a small mixed integer workload for cycles-per-iteration measurements, written for
 * hwemu.  Every iteration runs four kernels on data derived from the iteration number:
 *   list    - linked-list search, reversal and merge sort over a node pool
 *   matrix  - int16 x int16 -> int32 matrix multiply, scaling and bit-field extraction
 *   scanner - a switch-driven state machine classifying numeric tokens in a generated text
 *   crc     - CRC-16/CCITT chaining every kernel's result
 * `argv[1]` is the iteration count (default 6).  The final line is the run's signature. */
#include "hwrt.h"

static uint32_t parse_count(int argc, char **argv, uint32_t fallback) {
    if (argc < 2) return fallback;
    uint32_t n = 0;
    for (const char *p = argv[1]; *p >= '0' && *p <= '9'; p++) n = n * 10 + (uint32_t)(*p - '0');
    return n ? n : fallback;
}

static uint16_t crc16_byte(uint16_t crc, uint8_t byte) {
    crc ^= (uint16_t)(byte << 8);
    for (int k = 0; k < 8; k++)
        crc = crc & 0x8000 ? (uint16_t)(crc << 1 ^ 0x1021) : (uint16_t)(crc << 1);
    return crc;
}

static uint16_t crc16_u32(uint16_t crc, uint32_t v) {
    for (int k = 0; k < 4; k++, v >>= 8) crc = crc16_byte(crc, (uint8_t)v);
    return crc;
}

/* ---- list ----------------------------------------------------------------------------- */
#define NODES 40

struct node {
    struct node *next;
    int16_t value;
    uint16_t tag;
};

static struct node pool[NODES];

static struct node *list_merge(struct node *a, struct node *b, int by_tag) {
    struct node head, *tail = &head;
    while (a && b) {
        int take_a = by_tag ? a->tag <= b->tag : a->value <= b->value;
        struct node **from = take_a ? &a : &b;
        tail->next = *from;
        tail = *from;
        *from = (*from)->next;
    }
    tail->next = a ? a : b;
    return head.next;
}

/* bottom-up merge sort: no recursion, runs of doubling width */
static struct node *list_sort(struct node *list, int by_tag) {
    for (int width = 1;; width *= 2) {
        struct node *result = NULL, **tail = &result, *rest = list;
        int merges = 0;
        while (rest) {
            struct node *a = rest, *b, **cut = &a;
            for (int i = 0; i < width && *cut; i++) cut = &(*cut)->next;
            b = *cut;
            *cut = NULL;
            struct node **cut_b = &b;
            for (int i = 0; i < width && *cut_b; i++) cut_b = &(*cut_b)->next;
            rest = *cut_b;
            *cut_b = NULL;
            *tail = list_merge(a, b, by_tag);
            while (*tail) tail = &(*tail)->next;
            merges++;
        }
        list = result;
        if (merges <= 1) return list;
    }
}

static struct node *list_reverse(struct node *list) {
    struct node *prev = NULL;
    while (list) {
        struct node *next = list->next;
        list->next = prev;
        prev = list;
        list = next;
    }
    return prev;
}

static uint16_t list_kernel(uint32_t seed, uint16_t crc) {
    struct node *list = NULL;
    for (int i = NODES - 1; i >= 0; i--) {
        seed = seed * 1664525u + 1013904223u;
        pool[i].value = (int16_t)(seed >> 16);
        pool[i].tag = (uint16_t)i;
        pool[i].next = list;
        list = &pool[i];
    }
    int found = 0;
    for (int16_t probe = -20000; probe < 20000; probe += 2500)
        for (struct node *n = list; n; n = n->next)
            if ((n->value ^ probe) >> 12 == 0) {
                found++;
                break;
            }
    list = list_reverse(list);
    list = list_sort(list, 0);
    int32_t weighted = 0, i = 0;
    for (struct node *n = list; n; n = n->next, i++) weighted += n->value * (i & 7);
    list = list_sort(list, 1);
    HW_CHECK(list->tag == 0);
    crc = crc16_u32(crc, (uint32_t)found);
    return crc16_u32(crc, (uint32_t)weighted);
}

/* ---- matrix --------------------------------------------------------------------------- */
#define DIM 8

static int16_t ma[DIM][DIM], mb[DIM][DIM];
static int32_t mc[DIM][DIM];

static uint16_t matrix_kernel(uint32_t seed, uint16_t crc) {
    for (int i = 0; i < DIM; i++)
        for (int j = 0; j < DIM; j++) {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            ma[i][j] = (int16_t)(seed & 0x3ff) - 512;
            mb[i][j] = (int16_t)((seed >> 12) & 0x3ff) - 512;
        }
    for (int i = 0; i < DIM; i++)
        for (int j = 0; j < DIM; j++) {
            int32_t sum = 0;
            for (int k = 0; k < DIM; k++) sum += ma[i][k] * mb[k][j];
            mc[i][j] = sum;
        }
    int32_t scale = (int32_t)(seed & 7) + 1, fields = 0, maxv = INT32_MIN;
    for (int i = 0; i < DIM; i++)
        for (int j = 0; j < DIM; j++) {
            int32_t v = mc[i][j] * scale + ma[i][j];
            maxv = v > maxv ? v : maxv;
            fields += (int32_t)(((uint32_t)v >> 2) & 0xf) - (int32_t)(((uint32_t)v >> 5) & 0x7f);
        }
    crc = crc16_u32(crc, (uint32_t)maxv);
    return crc16_u32(crc, (uint32_t)fields);
}

/* ---- scanner -------------------------------------------------------------------------- */
enum scan_state { S_START, S_SIGN, S_INT, S_ZERO, S_HEX, S_FRAC, S_EXP, S_EXP_SIGN, S_EXP_INT,
                  S_BAD, S_COUNT };

static char text[200];

static void make_text(uint32_t seed) {
    static const char *pieces[] = {"17", "-42", "0x1f", "3.25", "6e5", "-0.5e-3", "x9", "0",
                                   "+88", "1.2.3", "0xz", "250"};
    unsigned len = 0;
    while (len < sizeof text - 10) {
        seed = seed * 69069u + 1u;
        const char *p = pieces[(seed >> 16) % 12];
        while (*p) text[len++] = *p++;
        text[len++] = ',';
    }
    text[len] = 0;
}

static uint16_t scanner_kernel(uint32_t seed, uint16_t crc) {
    make_text(seed);
    uint32_t counts[S_COUNT] = {0}, transitions = 0;
    enum scan_state st = S_START;
    for (const char *p = text; *p; p++) {
        char c = *p;
        enum scan_state next = st;
        if (c == ',') {
            counts[st]++;
            next = S_START;
        } else {
            int digit = c >= '0' && c <= '9';
            switch (st) {
            case S_START:
                next = c == '-' || c == '+' ? S_SIGN : c == '0' ? S_ZERO : digit ? S_INT : S_BAD;
                break;
            case S_SIGN: next = c == '0' ? S_ZERO : digit ? S_INT : S_BAD; break;
            case S_ZERO: next = c == 'x' ? S_HEX : c == '.' ? S_FRAC : digit ? S_INT : S_BAD; break;
            case S_INT: next = digit ? S_INT : c == '.' ? S_FRAC : c == 'e' ? S_EXP : S_BAD; break;
            case S_HEX: next = digit || (c >= 'a' && c <= 'f') ? S_HEX : S_BAD; break;
            case S_FRAC: next = digit ? S_FRAC : c == 'e' ? S_EXP : S_BAD; break;
            case S_EXP: next = c == '-' || c == '+' ? S_EXP_SIGN : digit ? S_EXP_INT : S_BAD; break;
            case S_EXP_SIGN:
            case S_EXP_INT: next = digit ? S_EXP_INT : S_BAD; break;
            default: next = S_BAD; break;
            }
        }
        transitions += next != st;
        st = next;
    }
    for (int s = 0; s < S_COUNT; s++) crc = crc16_u32(crc, counts[s]);
    return crc16_u32(crc, transitions);
}

int main(int argc, char **argv) {
    uint32_t iterations = parse_count(argc, argv, 6);
    uint16_t crc_list = 0, crc_matrix = 0, crc_scan = 0, crc = 0xffff;
    for (uint32_t it = 0; it < iterations; it++) {
        uint32_t seed = 0x1234u + it * 0x9e3779b9u;
        crc_list = list_kernel(seed, crc_list);
        crc_matrix = matrix_kernel(seed, crc_matrix);
        crc_scan = scanner_kernel(seed, crc_scan);
        crc = crc16_u32(crc16_u32(crc16_u32(crc, crc_list), crc_matrix), crc_scan);
        if (it < 3) hw_printf("iteration %u: list=%04x matrix=%04x scanner=%04x\n", it, crc_list,
                              crc_matrix, crc_scan);
    }
    hw_printf("intmark: iterations=%u list=%04x matrix=%04x scanner=%04x signature=%04x\n",
              iterations, crc_list, crc_matrix, crc_scan, crc);
    return (int)(crc & 0x7f);
}
