/* N-queens by array backtracking (n = 1..7) and by bitmask backtracking (n = 1..8), with the
 * first solution of n = 6 printed as a board. */
#include "hwrt.h"

static int cols[8];
static int first[8];
static int have_first;

static int safe(int row, int col) {
    for (int r = 0; r < row; r++) {
        int d = cols[r] - col;
        if (d == 0 || d == row - r || d == r - row) return 0;
    }
    return 1;
}

static int solve_array(int row, int n) {
    if (row == n) {
        if (!have_first) {
            for (int i = 0; i < n; i++) first[i] = cols[i];
            have_first = 1;
        }
        return 1;
    }
    int count = 0;
    for (int c = 0; c < n; c++) {
        if (safe(row, c)) {
            cols[row] = c;
            count += solve_array(row + 1, n);
        }
    }
    return count;
}

static unsigned solve_bits(unsigned all, unsigned taken, unsigned left, unsigned right) {
    if (taken == all) return 1;
    unsigned count = 0;
    unsigned free_cols = all & ~(taken | left | right);
    while (free_cols) {
        unsigned bit = free_cols & (0u - free_cols);
        free_cols ^= bit;
        count += solve_bits(all, taken | bit, (left | bit) << 1, (right | bit) >> 1);
    }
    return count;
}

/* One round of the program's work: argv[1] repeats it (hw_repeat). */
static int body(void) {
    static const unsigned known[9] = {0, 1, 0, 0, 2, 10, 4, 40, 92};
    unsigned total = 0;
    for (int n = 1; n <= 8; n++) {
        unsigned b = solve_bits((1u << n) - 1, 0, 0, 0);
        HW_CHECK(b == known[n]);
        if (n <= 7) {
            have_first = n != 6;
            int a = solve_array(0, n);
            HW_CHECK((unsigned)a == b);
        }
        hw_printf("n=%d solutions=%u\n", n, b);
        total += b * (unsigned)n;
    }
    for (int r = 0; r < 6; r++) {
        for (int c = 0; c < 6; c++) hw_putchar(first[r] == c ? 'Q' : '.');
        hw_putchar('\n');
    }
    return (int)(total & 0x7f);
}

int main(int argc, char **argv) { return hw_repeat(argc, argv, body); }
