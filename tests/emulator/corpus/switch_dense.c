/* A dense 16-case switch inside a loop (compiled to a jump table), next to a sparse switch
 * (compare chain) and an array of function pointers doing the same work. */
#include "hwrt.h"

static uint32_t dense(uint32_t op, uint32_t acc, uint32_t arg) {
    switch (op) {
    case 0: return acc + arg;
    case 1: return acc - arg;
    case 2: return acc * (arg | 1);
    case 3: return acc ^ arg;
    case 4: return acc & (arg | 0xff00ff00u);
    case 5: return acc | (arg & 0x0f);
    case 6: return acc << (arg & 31);
    case 7: return acc >> (arg & 31);
    case 8: return (uint32_t)((int32_t)acc >> (arg & 31));
    case 9: return acc / (arg | 1);
    case 10: return acc % (arg | 1);
    case 11: return ~acc;
    case 12: return acc + (arg << 4);
    case 13: return acc - (arg >> 3);
    case 14: return (acc << 7) | (acc >> 25);
    case 15: return acc * 2654435761u;
    }
    return acc;
}

static int sparse(int code) {
    switch (code) {
    case -100: return 1;
    case 3: return 2;
    case 17: return 3;
    case 255: return 4;
    case 1000: return 5;
    case 65536: return 6;
    case 1 << 20: return 7;
    default: return 0;
    }
}

static uint32_t op_add(uint32_t a, uint32_t b) { return a + b; }
static uint32_t op_sub(uint32_t a, uint32_t b) { return a - b; }
static uint32_t op_mul(uint32_t a, uint32_t b) { return a * (b | 1); }
static uint32_t op_xor(uint32_t a, uint32_t b) { return a ^ b; }

static uint32_t (*const ops[4])(uint32_t, uint32_t) = {op_add, op_sub, op_mul, op_xor};

int main(int argc, char **argv) {
    (void)argc;
    (void)argv;
    uint32_t acc = 1, s = 0x1234567u;
    unsigned seen[16] = {0};
    for (int i = 0; i < 4000; i++) {
        s = s * 1103515245u + 12345u;
        uint32_t op = (s >> 16) & 15;
        seen[op]++;
        acc = dense(op, acc, s >> 3);
        if (acc == 0) acc = s; /* keep the accumulator alive */
    }
    hw_printf("dense acc=%08x ops:", acc);
    for (int k = 0; k < 16; k++) hw_printf(" %u", seen[k]);
    hw_printf("\n");

    static const int codes[] = {-100, 3, 4, 17, 255, 256, 1000, 65536, 1 << 20, -1};
    int sum = 0;
    for (int r = 0; r < 50; r++)
        for (unsigned i = 0; i < sizeof codes / sizeof codes[0]; i++)
            sum += sparse(codes[i]) * (r + 1);
    hw_printf("sparse sum=%d\n", sum);

    uint32_t f = 7;
    for (int i = 0; i < 1000; i++) f = ops[(f >> 5) & 3](f, (uint32_t)i * 2246822519u);
    hw_printf("function table f=%08x\n", f);
    return (int)((acc ^ f ^ (uint32_t)sum) & 0x7f);
}
