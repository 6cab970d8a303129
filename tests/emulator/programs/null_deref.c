#include "hwrt.h"

int main(int argc, char **argv) {
    volatile int *p = (volatile int *)(uintptr_t)(argc - 1);
    hw_printf("about to fault\n");
    hw_flush();
    *p = 42;
    return 0;
}
