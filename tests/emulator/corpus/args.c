/* Prints its command line: argc and each argument after argv[0] with its length and a hash
 * (argv[0] is only checked to exist, since each runner names the program differently). */
#include "hwrt.h"

int main(int argc, char **argv) {
    hw_printf("argc=%d\n", argc);
    HW_CHECK(argc >= 1 && argv[0] != NULL && argv[argc] == NULL);
    uint32_t h = 2166136261u;
    for (int i = 1; i < argc; i++) {
        uint32_t ah = 2166136261u;
        for (const char *p = argv[i]; *p; p++) ah = (ah ^ (uint8_t)*p) * 16777619u;
        hw_printf("argv[%d]=\"%s\" len=%u fnv=%08x\n", i, argv[i], (unsigned)strlen(argv[i]), ah);
        h = (h ^ ah) * 16777619u;
    }
    hw_printf("all=%08x\n", h);
    return argc;
}
