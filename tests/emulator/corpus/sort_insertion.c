/* Insertion sort on int8 and int16 data, binary insertion sort, Shell sort on uint32, and
 * inversion counting. */
#include "hwrt.h"

static int8_t bytes[200];
static int16_t halves[250];
static uint32_t words[500];
static uint32_t rng_state = 0xdeadbeefu;

static uint32_t next(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

/* Returns the number of element moves, which is the number of inversions. */
static unsigned insertion_sort_i8(int8_t *a, int n) {
    unsigned moves = 0;
    for (int i = 1; i < n; i++) {
        int8_t v = a[i];
        int j = i - 1;
        while (j >= 0 && a[j] > v) {
            a[j + 1] = a[j];
            j--;
            moves++;
        }
        a[j + 1] = v;
    }
    return moves;
}

static void binary_insertion_sort_i16(int16_t *a, int n) {
    for (int i = 1; i < n; i++) {
        int16_t v = a[i];
        int lo = 0, hi = i;
        while (lo < hi) {
            int mid = (lo + hi) >> 1;
            if (a[mid] <= v) lo = mid + 1;
            else hi = mid;
        }
        for (int j = i; j > lo; j--) a[j] = a[j - 1];
        a[lo] = v;
    }
}

static void shell_sort_u32(uint32_t *a, int n) {
    static const int gaps[] = {301, 132, 57, 23, 10, 4, 1};
    for (unsigned g = 0; g < sizeof gaps / sizeof gaps[0]; g++) {
        int gap = gaps[g];
        for (int i = gap; i < n; i++) {
            uint32_t v = a[i];
            int j = i;
            for (; j >= gap && a[j - gap] > v; j -= gap) a[j] = a[j - gap];
            a[j] = v;
        }
    }
}

int main(int argc, char **argv) {
    (void)argc;
    (void)argv;
    int n8 = (int)(sizeof bytes), n16 = (int)(sizeof halves / 2), n32 = (int)(sizeof words / 4);
    for (int i = 0; i < n8; i++) bytes[i] = (int8_t)next();
    for (int i = 0; i < n16; i++) halves[i] = (int16_t)(next() >> 3);
    for (int i = 0; i < n32; i++) words[i] = next();

    unsigned inversions = insertion_sort_i8(bytes, n8);
    binary_insertion_sort_i16(halves, n16);
    shell_sort_u32(words, n32);

    int32_t s8 = 0, s16 = 0;
    uint32_t h = 0;
    for (int i = 0; i < n8; i++) {
        HW_CHECK(i == 0 || bytes[i - 1] <= bytes[i]);
        s8 += bytes[i] * (i & 7);
    }
    for (int i = 0; i < n16; i++) {
        HW_CHECK(i == 0 || halves[i - 1] <= halves[i]);
        s16 += halves[i] ^ i;
    }
    for (int i = 0; i < n32; i++) {
        HW_CHECK(i == 0 || words[i - 1] <= words[i]);
        h = (h ^ words[i]) * 16777619u;
    }
    hw_printf("int8: inversions=%u min=%d max=%d weighted=%d\n", inversions, bytes[0],
              bytes[n8 - 1], s8);
    hw_printf("int16: min=%d max=%d mix=%d\n", halves[0], halves[n16 - 1], s16);
    hw_printf("uint32: min=%u max=%u hash=%08x\n", words[0], words[n32 - 1], h);
    return (int)((inversions + (uint32_t)s8 + (uint32_t)s16 + h) & 0x7f);
}
