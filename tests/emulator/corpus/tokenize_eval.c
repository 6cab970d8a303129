/* A tokenizer and recursive-descent evaluator for integer expressions with variables:
 * + - * / % << >> & | ^ unary minus, parentheses and assignments, evaluated in int64. */
#include "hwrt.h"

enum kind { NUM, IDENT, OP, LPAREN, RPAREN, ASSIGN, SEMI, END };

struct token {
    enum kind kind;
    int64_t value;
    char text[3];
};

struct parser {
    const char *src;
    struct token tok;
    int64_t vars[26];
    int tokens;
};

static int is_space(char c) { return c == ' ' || c == '\n' || c == '\t'; }
static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_letter(char c) { return c >= 'a' && c <= 'z'; }

static void next_token(struct parser *p) {
    while (is_space(*p->src)) p->src++;
    struct token *t = &p->tok;
    t->text[0] = *p->src;
    t->text[1] = t->text[2] = 0;
    p->tokens++;
    char c = *p->src;
    if (!c) {
        t->kind = END;
    } else if (is_digit(c)) {
        t->kind = NUM;
        t->value = 0;
        if (c == '0' && p->src[1] == 'x') {
            for (p->src += 2;; p->src++) {
                char d = *p->src;
                int v = is_digit(d) ? d - '0' : d >= 'a' && d <= 'f' ? d - 'a' + 10 : -1;
                if (v < 0) break;
                t->value = t->value * 16 + v;
            }
        } else {
            while (is_digit(*p->src)) t->value = t->value * 10 + (*p->src++ - '0');
        }
    } else if (is_letter(c)) {
        t->kind = IDENT;
        t->value = c - 'a';
        p->src++;
    } else if ((c == '<' || c == '>') && p->src[1] == c) {
        t->kind = OP;
        t->text[1] = c;
        p->src += 2;
    } else {
        t->kind = c == '(' ? LPAREN : c == ')' ? RPAREN : c == '=' ? ASSIGN : c == ';' ? SEMI : OP;
        p->src++;
    }
}

static int64_t expr(struct parser *p, int min_prec);

static int64_t primary(struct parser *p) {
    struct token t = p->tok;
    next_token(p);
    switch (t.kind) {
    case NUM: return t.value;
    case IDENT: return p->vars[t.value];
    case LPAREN: {
        int64_t v = expr(p, 0);
        HW_CHECK(p->tok.kind == RPAREN);
        next_token(p);
        return v;
    }
    case OP:
        if (t.text[0] == '-') return -primary(p);
        if (t.text[0] == '~') return ~primary(p);
        /* fall through */
    default: hw_printf("syntax error at '%s'\n", t.text); hw_exit(3);
    }
}

static int precedence(const struct token *t) {
    if (t->kind != OP) return -1;
    switch (t->text[0]) {
    case '|': return 1;
    case '^': return 2;
    case '&': return 3;
    case '<': case '>': return 4;
    case '+': case '-': return 5;
    case '*': case '/': case '%': return 6;
    default: return -1;
    }
}

/* precedence climbing: all binary operators are left-associative */
static int64_t expr(struct parser *p, int min_prec) {
    int64_t lhs = primary(p);
    for (;;) {
        int prec = precedence(&p->tok);
        if (prec < min_prec || prec < 0) return lhs;
        char op = p->tok.text[0];
        next_token(p);
        int64_t rhs = expr(p, prec + 1);
        switch (op) {
        case '+': lhs += rhs; break;
        case '-': lhs -= rhs; break;
        case '*': lhs *= rhs; break;
        case '/': lhs = rhs ? lhs / rhs : 0; break;
        case '%': lhs = rhs ? lhs % rhs : 0; break;
        case '<': lhs = (int64_t)((uint64_t)lhs << (rhs & 63)); break;
        case '>': lhs >>= rhs & 63; break;
        case '&': lhs &= rhs; break;
        case '|': lhs |= rhs; break;
        case '^': lhs ^= rhs; break;
        }
    }
}

static void run(struct parser *p, const char *program) {
    p->src = program;
    next_token(p);
    while (p->tok.kind != END) {
        HW_CHECK(p->tok.kind == IDENT);
        int var = (int)p->tok.value;
        next_token(p);
        HW_CHECK(p->tok.kind == ASSIGN);
        next_token(p);
        p->vars[var] = expr(p, 0);
        hw_printf("%c = %lld\n", 'a' + var, (long long)p->vars[var]);
        HW_CHECK(p->tok.kind == SEMI);
        next_token(p);
    }
}

int main(int argc, char **argv) {
    (void)argc;
    (void)argv;
    static struct parser p;
    run(&p, "a = 1 + 2 * 3 - 4 / 2;\n"
            "b = (a + 1) * (a - 1) % 7;\n"
            "c = -a * -(b + 2) + ~0;\n"
            "d = 1 << 40 | 0xff & 0x3c ^ 5;\n"
            "e = d >> 3 - 1;\n"
            "f = (((((a)))));\n"
            "g = 100 / -7 + 100 % -7 + -100 / 7 + -100 % 7;\n"
            "h = 0x7fffffffffffffff + 1;\n"
            "i = a * b * c * d % 1000003;\n");
    int64_t acc = 0;
    for (int k = 0; k < 40; k++) {
        p.vars[25] = k; /* z */
        p.src = "(z * z + 3 * z - 7) * (z % 5 - 2) ^ z << 2";
        next_token(&p);
        acc += expr(&p, 0);
    }
    hw_printf("loop acc=%lld tokens=%d\n", (long long)acc, p.tokens);
    return (int)(((uint64_t)acc + (uint64_t)p.vars[8]) & 0x7f);
}
