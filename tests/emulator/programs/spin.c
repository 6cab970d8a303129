#include "hwrt.h"

int main(int argc, char **argv) {
    volatile uint64_t n = 0;
    for (;;)
        n++;
    return 0;
}
