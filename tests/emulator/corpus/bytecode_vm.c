/* A tiny stack bytecode interpreter (switch dispatch in a loop) plus a two-pass label
 * assembler, running three programs: 20!, a prime counter with nested loops, and the sum of
 * Collatz sequence lengths through a CALL/RET subroutine. */
#include "hwrt.h"

enum op {
    PUSH, LOAD, STORE, ADD, SUB, MUL, DIV, MOD, LT, EQ, JMP, JZ, JNZ, DUP, SWAP, CALL, RET,
    PRINT, HALT
};

struct vm {
    int64_t stack[32];
    int64_t vars[8];
    int32_t calls[8];
    uint64_t steps;
};

static int64_t run(struct vm *m, const int32_t *code) {
    int pc = 0, sp = 0, csp = 0;
    int64_t *s = m->stack;
    for (;;) {
        int32_t op = code[pc++];
        m->steps++;
        int64_t t;
        switch (op) {
        case PUSH: s[sp++] = code[pc++]; break;
        case LOAD: s[sp++] = m->vars[code[pc++]]; break;
        case STORE: m->vars[code[pc++]] = s[--sp]; break;
        case ADD: sp--; s[sp - 1] += s[sp]; break;
        case SUB: sp--; s[sp - 1] -= s[sp]; break;
        case MUL: sp--; s[sp - 1] *= s[sp]; break;
        case DIV: sp--; s[sp - 1] /= s[sp]; break;
        case MOD: sp--; s[sp - 1] %= s[sp]; break;
        case LT: sp--; s[sp - 1] = s[sp - 1] < s[sp]; break;
        case EQ: sp--; s[sp - 1] = s[sp - 1] == s[sp]; break;
        case JMP: pc = code[pc]; break;
        case JZ: pc = s[--sp] == 0 ? code[pc] : pc + 1; break;
        case JNZ: pc = s[--sp] != 0 ? code[pc] : pc + 1; break;
        case DUP: s[sp] = s[sp - 1]; sp++; break;
        case SWAP: t = s[sp - 1]; s[sp - 1] = s[sp - 2]; s[sp - 2] = t; break;
        case CALL: m->calls[csp++] = pc + 1; pc = code[pc]; break;
        case RET: pc = m->calls[--csp]; break;
        case PRINT: hw_printf("  print %lld\n", (long long)s[--sp]); break;
        case HALT: return sp ? s[sp - 1] : 0;
        default: hw_printf("bad opcode %d at %d\n", op, pc - 1); hw_exit(2);
        }
    }
}

/* Assembler: labels are small integers; a jump to a label not yet placed is patched later. */
struct assembler {
    int32_t code[160];
    int len;
    int label_at[16];
    int fixup_pos[32], fixup_label[32], fixups;
};

static void emit(struct assembler *a, int32_t op) { a->code[a->len++] = op; }
static void emit1(struct assembler *a, int32_t op, int32_t arg) { emit(a, op); emit(a, arg); }
static void place(struct assembler *a, int label) { a->label_at[label] = a->len; }

static void jump(struct assembler *a, int32_t op, int label) {
    emit(a, op);
    a->fixup_pos[a->fixups] = a->len;
    a->fixup_label[a->fixups++] = label;
    emit(a, 0);
}

static const int32_t *resolve(struct assembler *a) {
    for (int i = 0; i < a->fixups; i++) a->code[a->fixup_pos[i]] = a->label_at[a->fixup_label[i]];
    return a->code;
}

static void reset(struct assembler *a) { a->len = a->fixups = 0; }

/* One round of the program's work: argv[1] repeats it (hw_repeat). */
static int body(void) {
    static struct assembler a;
    struct vm m = {0};
    enum { N, D, COUNT, ACC };

    /* 20! : acc = 1; while (n) { acc *= n; n -= 1; } */
    reset(&a);
    emit1(&a, PUSH, 20); emit1(&a, STORE, N); emit1(&a, PUSH, 1); emit1(&a, STORE, ACC);
    place(&a, 0);
    emit1(&a, LOAD, N); jump(&a, JZ, 1);
    emit1(&a, LOAD, ACC); emit1(&a, LOAD, N); emit(&a, MUL); emit1(&a, STORE, ACC);
    emit1(&a, LOAD, N); emit1(&a, PUSH, 1); emit(&a, SUB); emit1(&a, STORE, N);
    jump(&a, JMP, 0);
    place(&a, 1);
    emit1(&a, LOAD, ACC); emit(&a, DUP); emit(&a, PRINT); emit(&a, HALT);
    int64_t f = run(&m, resolve(&a));
    HW_CHECK(f == 2432902008176640000ll);

    /* primes below 200 by trial division */
    reset(&a);
    emit1(&a, PUSH, 2); emit1(&a, STORE, N); emit1(&a, PUSH, 0); emit1(&a, STORE, COUNT);
    place(&a, 0); /* outer */
    emit1(&a, LOAD, N); emit1(&a, PUSH, 200); emit(&a, LT); jump(&a, JZ, 4);
    emit1(&a, PUSH, 2); emit1(&a, STORE, D);
    place(&a, 1); /* inner: if n < d*d it is prime */
    emit1(&a, LOAD, N); emit1(&a, LOAD, D); emit1(&a, LOAD, D); emit(&a, MUL); emit(&a, LT);
    jump(&a, JNZ, 2);
    emit1(&a, LOAD, N); emit1(&a, LOAD, D); emit(&a, MOD); jump(&a, JZ, 3);
    emit1(&a, LOAD, D); emit1(&a, PUSH, 1); emit(&a, ADD); emit1(&a, STORE, D);
    jump(&a, JMP, 1);
    place(&a, 2); /* prime */
    emit1(&a, LOAD, COUNT); emit1(&a, PUSH, 1); emit(&a, ADD); emit1(&a, STORE, COUNT);
    place(&a, 3); /* next n */
    emit1(&a, LOAD, N); emit1(&a, PUSH, 1); emit(&a, ADD); emit1(&a, STORE, N);
    jump(&a, JMP, 0);
    place(&a, 4);
    emit1(&a, LOAD, COUNT); emit(&a, DUP); emit(&a, PRINT); emit(&a, HALT);
    int64_t primes = run(&m, resolve(&a));
    HW_CHECK(primes == 46);

    /* sum of Collatz lengths for 1..40 through a subroutine: n on the stack -> steps */
    reset(&a);
    emit1(&a, PUSH, 1); emit1(&a, STORE, N); emit1(&a, PUSH, 0); emit1(&a, STORE, ACC);
    place(&a, 0);
    emit1(&a, LOAD, N); emit1(&a, PUSH, 41); emit(&a, LT); jump(&a, JZ, 1);
    emit1(&a, LOAD, N); jump(&a, CALL, 2);
    emit1(&a, LOAD, ACC); emit(&a, ADD); emit1(&a, STORE, ACC);
    emit1(&a, LOAD, N); emit1(&a, PUSH, 1); emit(&a, ADD); emit1(&a, STORE, N);
    jump(&a, JMP, 0);
    place(&a, 1);
    emit1(&a, LOAD, ACC); emit(&a, DUP); emit(&a, PRINT); emit(&a, HALT);
    place(&a, 2); /* subroutine: D = n, COUNT = steps */
    emit1(&a, STORE, D); emit1(&a, PUSH, 0); emit1(&a, STORE, COUNT);
    place(&a, 3);
    emit1(&a, LOAD, D); emit1(&a, PUSH, 1); emit(&a, EQ); jump(&a, JNZ, 6);
    emit1(&a, LOAD, D); emit1(&a, PUSH, 2); emit(&a, MOD); jump(&a, JZ, 4);
    emit1(&a, LOAD, D); emit1(&a, PUSH, 3); emit(&a, MUL); emit1(&a, PUSH, 1); emit(&a, ADD);
    emit1(&a, STORE, D); jump(&a, JMP, 5);
    place(&a, 4);
    emit1(&a, LOAD, D); emit1(&a, PUSH, 2); emit(&a, DIV); emit1(&a, STORE, D);
    place(&a, 5);
    emit1(&a, LOAD, COUNT); emit1(&a, PUSH, 1); emit(&a, ADD); emit1(&a, STORE, COUNT);
    jump(&a, JMP, 3);
    place(&a, 6);
    emit1(&a, LOAD, COUNT); emit(&a, RET);
    int64_t collatz = run(&m, resolve(&a));
    HW_CHECK(collatz == 709);

    hw_printf("20!=%lld primes<200=%lld collatz(1..40)=%lld steps=%llu\n", (long long)f,
              (long long)primes, (long long)collatz, (unsigned long long)m.steps);
    return (int)((f + primes + collatz + (int64_t)m.steps) & 0x7f);
}

int main(int argc, char **argv) { return hw_repeat(argc, argv, body); }
