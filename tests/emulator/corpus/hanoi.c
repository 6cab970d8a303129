/* Towers of Hanoi, recursive with explicit peg stacks (n = 10) and iterative by the binary
 * rule (n = 10); both move sequences are hashed and must agree. */
#include "hwrt.h"

#define DISCS 10

struct peg {
    uint8_t disc[DISCS];
    int height;
};

static struct peg pegs[3];
static uint32_t moves;
static uint32_t trace;

static void move(int from, int to) {
    struct peg *f = &pegs[from], *t = &pegs[to];
    HW_CHECK(f->height > 0);
    uint8_t d = f->disc[--f->height];
    HW_CHECK(t->height == 0 || t->disc[t->height - 1] > d);
    t->disc[t->height++] = d;
    moves++;
    trace = (trace * 31u + (uint32_t)(from * 3 + to)) ^ d;
}

static void hanoi(int n, int from, int to, int via) {
    if (n == 0) return;
    hanoi(n - 1, from, via, to);
    move(from, to);
    hanoi(n - 1, via, to, from);
}

static void reset(void) {
    for (int p = 0; p < 3; p++) pegs[p].height = 0;
    for (int d = DISCS; d > 0; d--) pegs[0].disc[pegs[0].height++] = (uint8_t)d;
    moves = 0;
    trace = 0;
}

int main(int argc, char **argv) {
    (void)argc;
    (void)argv;
    reset();
    hanoi(DISCS, 0, 2, 1);
    uint32_t recursive = trace, recursive_moves = moves;
    HW_CHECK(pegs[2].height == DISCS && moves == (1u << DISCS) - 1);

    /* iterative: move m (1-based) takes disc ctz(m)+1 from peg (m & m-1) % 3 to ((m | m-1)+1) % 3;
     * with an even disc count that solves onto peg 2 after swapping pegs 1 and 2 */
    reset();
    for (uint32_t m = 1; m < (1u << DISCS); m++) {
        int from = (int)((m & (m - 1)) % 3), to = (int)(((m | (m - 1)) + 1) % 3);
        if (DISCS % 2 == 0) {
            from = from == 1 ? 2 : from == 2 ? 1 : 0;
            to = to == 1 ? 2 : to == 2 ? 1 : 0;
        }
        move(from, to);
    }
    HW_CHECK(pegs[2].height == DISCS);
    hw_printf("discs=%d moves=%u recursive trace=%08x iterative trace=%08x\n", DISCS,
              recursive_moves, recursive, trace);
    HW_CHECK(trace == recursive);
    return (int)(recursive & 0x7f);
}
