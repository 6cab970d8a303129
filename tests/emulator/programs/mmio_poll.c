/* Drives a memory-mapped device the way a driver does: enable, poll a status bit, read a data
 * FIFO, a 64-bit register write and read-back, a final write of the checksum. */
#include "hwrt.h"

#define DEV 0x48000000UL

static inline uint32_t readl(uintptr_t a) { return *(volatile uint32_t *)a; }
static inline void writel(uint32_t v, uintptr_t a) { *(volatile uint32_t *)a = v; }

int main(int argc, char **argv) {
    writel(0x1, DEV + 0x0);
    while (!(readl(DEV + 0x4) & 1))
        ;
    uint32_t sum = 0;
    for (int i = 0; i < 4; i++)
        sum += readl(DEV + 0x8);
    *(volatile uint64_t *)(DEV + 0x10) = 0x1122334455667788ull;
    uint64_t q = *(volatile uint64_t *)(DEV + 0x10);
    writel(sum, DEV + 0xc);
    hw_printf("%u %llx\n", sum, (unsigned long long)q);
    return 0;
}
