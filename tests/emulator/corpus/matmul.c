/* Matrix multiply in int32 (i-k-j order) and int64 (i-j-k order with a transposed operand),
 * checked against each other, plus trace, transpose and a Freivalds-style check. */
#include "hwrt.h"

#define N 14

static int32_t a32[N][N], b32[N][N], c32[N][N];
static int64_t a64[N][N], bt64[N][N], c64[N][N];

static void mul32(int32_t c[N][N], int32_t a[N][N], int32_t b[N][N]) {
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < N; j++) c[i][j] = 0;
        for (int k = 0; k < N; k++) {
            int32_t aik = a[i][k];
            for (int j = 0; j < N; j++) c[i][j] += aik * b[k][j];
        }
    }
}

static void mul64_transposed(int64_t c[N][N], int64_t a[N][N], int64_t bt[N][N]) {
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            const int64_t *row = a[i], *col = bt[j];
            int64_t sum = 0;
            for (int k = 0; k < N; k++) sum += row[k] * col[k];
            c[i][j] = sum;
        }
}

/* One round of the program's work: argv[1] repeats it (hw_repeat). */
static int body(void) {
    uint32_t s = 31337;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            s = s * 1664525u + 1013904223u;
            a32[i][j] = (int32_t)(s >> 20) - 2048;
            s = s * 1664525u + 1013904223u;
            b32[i][j] = (int32_t)(s >> 22) - 512;
        }
    mul32(c32, a32, b32);
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            a64[i][j] = a32[i][j] * 100003ll;
            bt64[j][i] = b32[i][j] * 99991ll;
        }
    mul64_transposed(c64, a64, bt64);
    int64_t trace = 0;
    uint64_t hash = 0;
    for (int i = 0; i < N; i++) {
        trace += c64[i][i];
        for (int j = 0; j < N; j++) {
            HW_CHECK(c64[i][j] == (int64_t)c32[i][j] * 100003ll * 99991ll);
            hash = hash * 1000003ull ^ (uint64_t)c64[i][j];
        }
    }
    /* Freivalds: (A*B)*x == A*(B*x) for x = (1, 2, 3, ...) */
    int64_t bx[N], abx[N], cx[N];
    for (int i = 0; i < N; i++) {
        bx[i] = cx[i] = 0;
        for (int j = 0; j < N; j++) {
            bx[i] += (int64_t)b32[i][j] * (j + 1);
            cx[i] += (int64_t)c32[i][j] * (j + 1);
        }
    }
    for (int i = 0; i < N; i++) {
        abx[i] = 0;
        for (int k = 0; k < N; k++) abx[i] += (int64_t)a32[i][k] * bx[k];
        HW_CHECK(abx[i] == cx[i]);
    }
    hw_printf("c32[0][0]=%d c32[%d][%d]=%d\n", c32[0][0], N - 1, N - 1, c32[N - 1][N - 1]);
    hw_printf("trace64=%lld hash=%016llx\n", (long long)trace, (unsigned long long)hash);
    for (int j = 0; j < 6; j++) hw_printf("%8d", c32[1][j]);
    hw_printf("\n");
    return (int)((hash ^ (uint64_t)trace) & 0x7f);
}

int main(int argc, char **argv) { return hw_repeat(argc, argv, body); }
