#include "hwrt.h"

/* A "ret" in .data: calling it must fault, as data is not executable (in both modes). */
static uint32_t not_code[1] = {0xd65f03c0};

int main(int argc, char **argv) {
    (void)argc;
    (void)argv;
    void (*fn)(void) = (void (*)(void))(uintptr_t)not_code;
    hw_printf("about to call data\n");
    hw_flush();
    fn();
    return 0;
}
