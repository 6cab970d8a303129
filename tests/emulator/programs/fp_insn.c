#include "hwrt.h"

int main(int argc, char **argv) {
    uint64_t out;
    /* an FP/SIMD instruction: the translator must refuse it by name */
    __asm__ volatile("fmov d0, %1\n\tfmov %0, d0" : "=r"(out) : "r"((uint64_t)argc) : "d0");
    return (int)out;
}
