/* Pointer arithmetic and indirect calls: strided walks, pointer differences, pointers to
 * pointers, a generic insertion sort with comparator callbacks over different element types,
 * and a dispatch table of function pointers stored in structs. */
#include "hwrt.h"

typedef int (*compare_fn)(const void *, const void *);

static void generic_sort(void *base, size_t count, size_t size, compare_fn cmp) {
    uint8_t *b = base;
    uint8_t tmp[32];
    HW_CHECK(size <= sizeof tmp);
    for (size_t i = 1; i < count; i++) {
        memcpy(tmp, b + i * size, size);
        size_t j = i;
        for (; j > 0 && cmp(b + (j - 1) * size, tmp) > 0; j--)
            memcpy(b + j * size, b + (j - 1) * size, size);
        memcpy(b + j * size, tmp, size);
    }
}

static int cmp_i16(const void *a, const void *b) {
    return *(const int16_t *)a - *(const int16_t *)b;
}

static int cmp_u64_desc(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? 1 : x > y ? -1 : 0;
}

struct pair {
    char name[6];
    int32_t score;
};

static int cmp_pair(const void *a, const void *b) {
    const struct pair *p = a, *q = b;
    if (p->score != q->score) return q->score - p->score;
    return strcmp(p->name, q->name);
}

struct shape {
    const char *name;
    int32_t (*area)(const int32_t *dims);
    int32_t dims[2];
};

static int32_t square_area(const int32_t *d) { return d[0] * d[0]; }
static int32_t rect_area(const int32_t *d) { return d[0] * d[1]; }
static int32_t triangle_area(const int32_t *d) { return d[0] * d[1] / 2; }

int main(int argc, char **argv) {
    (void)argc;
    (void)argv;
    int32_t grid[12][12];
    for (int i = 0; i < 12; i++)
        for (int j = 0; j < 12; j++) grid[i][j] = i * 12 + j;
    int32_t *flat = &grid[0][0];
    int64_t diag = 0, anti = 0, column = 0;
    for (int32_t *p = flat; p < flat + 144; p += 13) diag += *p;
    for (int32_t *p = flat + 11; p < flat + 143; p += 11) anti += *p;
    for (int32_t(*row)[12] = grid; row < grid + 12; row++) column += (*row)[5];
    hw_printf("diag=%lld anti=%lld column5=%lld span=%d\n", (long long)diag, (long long)anti,
              (long long)column, (int)(&grid[11][11] - &grid[0][0]));

    int16_t shorts[40];
    uint64_t longs[25];
    struct pair pairs[8] = {{"ada", 90}, {"bob", 75}, {"cy", 90}, {"dee", 60},
                            {"eve", 75}, {"fay", 99}, {"gus", 60}, {"al", 90}};
    uint32_t s = 5;
    for (int i = 0; i < 40; i++) shorts[i] = (int16_t)((s = s * 69069u + 1u) >> 17) - 16384;
    for (int i = 0; i < 25; i++) longs[i] = (uint64_t)(s = s * 69069u + 1u) << (i % 33);
    generic_sort(shorts, 40, sizeof shorts[0], cmp_i16);
    generic_sort(longs, 25, sizeof longs[0], cmp_u64_desc);
    generic_sort(pairs, 8, sizeof pairs[0], cmp_pair);
    for (int i = 1; i < 40; i++) HW_CHECK(shorts[i - 1] <= shorts[i]);
    for (int i = 1; i < 25; i++) HW_CHECK(longs[i - 1] >= longs[i]);
    hw_printf("shorts %d..%d longs %llx..%llx\n", shorts[0], shorts[39],
              (unsigned long long)longs[0], (unsigned long long)longs[24]);
    for (int i = 0; i < 8; i++)
        hw_printf("%s:%d%c", pairs[i].name, pairs[i].score, i < 7 ? ' ' : '\n');

    struct shape shapes[] = {{"square", square_area, {7, 0}}, {"rect", rect_area, {4, 9}},
                             {"triangle", triangle_area, {6, 5}}, {"rect", rect_area, {3, 3}}};
    int32_t total = 0;
    for (struct shape *sh = shapes; sh != shapes + 4; sh++) {
        int32_t a = sh->area(sh->dims);
        total += a;
        hw_printf("%s=%d ", sh->name, a);
    }
    hw_printf("total=%d\n", total);

    /* pointer to pointer: remove every third word from an array of strings in place */
    const char *words[] = {"a", "bb", "ccc", "dddd", "e", "ff", "ggg", "hhhh", "i", "jj"};
    const char **w = words, **keep = words;
    for (int i = 0; w != words + 10; w++, i++)
        if (i % 3 != 2) *keep++ = *w;
    hw_printf("kept %d:", (int)(keep - words));
    for (const char **p = words; p < keep; p++) hw_printf(" %s", *p);
    hw_printf("\n");
    return (int)(((uint64_t)diag + (uint64_t)total + longs[0]) & 0x7f);
}
