#include "hwrt.h"

/* Code written into anonymous memory runs when it was mapped PROT_EXEC (a JIT's first step)
 * and faults when it was not; argv[1] picks which. */
int main(int argc, char **argv) {
    int prot = HW_PROT_READ | HW_PROT_WRITE | (argc > 1 && argv[1][0] == 'x' ? HW_PROT_EXEC : 0);
    uint32_t *code = hw_mmap(NULL, 4096, prot, HW_MAP_PRIVATE | HW_MAP_ANONYMOUS, -1, 0);
    code[0] = 0x52800540; /* mov w0, #42 */
    code[1] = 0xd65f03c0; /* ret */
    int (*fn)(void) = (int (*)(void))(uintptr_t)code;
    hw_printf("calling\n");
    hw_flush();
    hw_printf("returned %d\n", fn());
    return 0;
}
