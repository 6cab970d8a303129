/* Table-free state machines: a lexer for C-like numeric literals (decimal, hex, octal, with
 * signs and u/l suffixes) and a vending machine driven by a scripted event stream. */
#include "hwrt.h"

enum lex_state { START, SIGN, ZERO, DEC, OCT, HEX_X, HEX, SUFFIX_U, SUFFIX_L, ACCEPT, REJECT };

/* returns 1 and the value when `s` is a complete literal */
static int lex_number(const char *s, int64_t *value) {
    enum lex_state st = START;
    int neg = 0, base = 10;
    uint64_t v = 0;
    for (;; s++) {
        char c = *s;
        int digit = c >= '0' && c <= '9' ? c - '0'
                    : c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        switch (st) {
        case START:
            if (c == '-' || c == '+') neg = c == '-', st = SIGN;
            else if (c == '0') st = ZERO;
            else if (digit >= 1 && digit <= 9) v = (uint64_t)digit, st = DEC;
            else st = REJECT;
            break;
        case SIGN:
            if (c == '0') st = ZERO;
            else if (digit >= 1 && digit <= 9) v = (uint64_t)digit, st = DEC;
            else st = REJECT;
            break;
        case ZERO:
            if (c == 'x' || c == 'X') st = HEX_X, base = 16;
            else if (digit >= 0 && digit <= 7) v = (uint64_t)digit, st = OCT, base = 8;
            else if (c == 'u' || c == 'U') st = SUFFIX_U;
            else if (c == 'l' || c == 'L') st = SUFFIX_L;
            else st = c ? REJECT : ACCEPT;
            break;
        case DEC:
        case OCT:
        case HEX:
            if (digit >= 0 && digit < base) v = v * (uint64_t)base + (uint64_t)digit;
            else if (c == 'u' || c == 'U') st = SUFFIX_U;
            else if (c == 'l' || c == 'L') st = SUFFIX_L;
            else st = c ? REJECT : ACCEPT;
            break;
        case HEX_X:
            if (digit >= 0) v = (uint64_t)digit, st = HEX;
            else st = REJECT;
            break;
        case SUFFIX_U:
            if (c == 'l' || c == 'L') st = SUFFIX_L;
            else st = c ? REJECT : ACCEPT;
            break;
        case SUFFIX_L:
            if (c == 'l' || c == 'L') st = SUFFIX_L;
            else st = c ? REJECT : ACCEPT;
            break;
        default: break;
        }
        if (st == ACCEPT) {
            *value = (int64_t)(neg ? 0 - v : v); /* wraps, no signed overflow */
            return 1;
        }
        if (st == REJECT) return 0;
    }
}

enum vend_state { IDLE, PAYING, DISPENSING, CHANGE, SERVICE };
enum event { COIN5, COIN10, COIN25, SELECT, CANCEL, TICK, KEY };

struct vending {
    enum vend_state state;
    int credit, price, stock, sold, refunded, transitions;
};

static void vend(struct vending *m, enum event e) {
    enum vend_state before = m->state;
    switch (m->state) {
    case IDLE:
        if (e <= COIN25) m->credit += e == COIN5 ? 5 : e == COIN10 ? 10 : 25, m->state = PAYING;
        else if (e == KEY) m->state = SERVICE;
        break;
    case PAYING:
        if (e <= COIN25) m->credit += e == COIN5 ? 5 : e == COIN10 ? 10 : 25;
        else if (e == SELECT && m->credit >= m->price && m->stock > 0) m->state = DISPENSING;
        else if (e == CANCEL) m->state = CHANGE;
        break;
    case DISPENSING:
        if (e == TICK) m->stock--, m->sold++, m->credit -= m->price, m->state = CHANGE;
        break;
    case CHANGE:
        if (e == TICK) m->refunded += m->credit, m->credit = 0, m->state = IDLE;
        break;
    case SERVICE:
        if (e == KEY) m->stock += 5, m->state = IDLE;
        break;
    }
    m->transitions += before != m->state;
}

int main(int argc, char **argv) {
    (void)argc;
    (void)argv;
    static const char *literals[] = {"0", "42", "-17", "+8", "0x1F", "0XffU", "0777", "08",
                                     "0x", "12ul", "123lu", "-0x8000000000000000", "1e5", "",
                                     "-", "99LL"};
    int accepted = 0;
    int64_t total = 0;
    for (unsigned i = 0; i < sizeof literals / sizeof literals[0]; i++) {
        int64_t v = 0;
        int ok = lex_number(literals[i], &v);
        accepted += ok;
        total += v;
        if (ok) hw_printf("%-22s -> %lld\n", literals[i], (long long)v);
        else hw_printf("%-22s -> rejected\n", literals[i]);
    }
    struct vending m = {IDLE, 0, 35, 3, 0, 0, 0};
    uint32_t s = 4242;
    for (int i = 0; i < 400; i++) {
        s = s * 1103515245u + 12345u;
        unsigned r = (s >> 16) % 16;
        enum event e = r < 3 ? COIN25 : r < 5 ? COIN10 : r < 6 ? COIN5 : r < 9 ? SELECT
                     : r < 10 ? CANCEL : r < 15 ? TICK : KEY;
        vend(&m, e);
    }
    hw_printf("vending: state=%d credit=%d stock=%d sold=%d refunded=%d transitions=%d\n", m.state,
              m.credit, m.stock, m.sold, m.refunded, m.transitions);
    return (int)(((uint64_t)total + (uint64_t)accepted * 7 + (uint64_t)m.transitions) & 0x7f);
}
