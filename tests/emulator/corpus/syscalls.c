/* The syscalls beyond write/read/exit/brk: writev, getpid, uname, clock_gettime and anonymous
 * mmap/munmap.  Only facts that hold on every runner are printed (no pid, no times). */
#include "hwrt.h"

int main(int argc, char **argv) {
    (void)argc;
    (void)argv;
    hw_printf("buffered line before writev\n");
    hw_flush(); /* writev bypasses the buffer: keep the order */
    static const char one[] = "writev: part one, ", two[] = "part two\n";
    struct hw_iovec iov[2] = {{one, sizeof one - 1}, {two, sizeof two - 1}};
    long written = hw_writev(1, iov, 2);
    hw_printf("writev returned %ld\n", written);
    HW_CHECK(written == (long)(sizeof one + sizeof two - 2));

    long pid = hw_getpid();
    hw_printf("getpid positive: %d\n", pid > 0);

    struct hw_utsname u;
    memset(&u, 0, sizeof u);
    HW_CHECK(hw_uname(&u) == 0);
    hw_printf("uname sysname=%s\n", u.sysname);

    struct hw_timespec t0, t1;
    HW_CHECK(hw_clock_gettime(HW_CLOCK_MONOTONIC, &t0) == 0);
    volatile uint32_t spin = 0;
    for (int i = 0; i < 1000; i++) spin += (uint32_t)i;
    HW_CHECK(hw_clock_gettime(HW_CLOCK_MONOTONIC, &t1) == 0);
    int monotonic = t1.tv_sec > t0.tv_sec || (t1.tv_sec == t0.tv_sec && t1.tv_nsec >= t0.tv_nsec);
    int in_range = t0.tv_nsec >= 0 && t0.tv_nsec < 1000000000 && t1.tv_nsec < 1000000000;
    hw_printf("clock_gettime monotonic=%d nsec in range=%d\n", monotonic, in_range);

    const size_t len = 3 * 4096 + 100;
    uint8_t *m = hw_mmap(NULL, len, HW_PROT_READ | HW_PROT_WRITE, HW_MAP_PRIVATE | HW_MAP_ANONYMOUS,
                         -1, 0);
    HW_CHECK(m != HW_MAP_FAILED);
    unsigned zeros = 0;
    for (size_t i = 0; i < len; i += 64) zeros += m[i] == 0;
    uint32_t sum = 0;
    for (size_t i = 0; i < len; i++) m[i] = (uint8_t)(i * 7 + (i >> 8));
    for (size_t i = 0; i < len; i++) sum = sum * 31u + m[i];
    hw_printf("mmap: %u pages zeroed=%d checksum=%08x munmap=%ld\n",
              (unsigned)((len + 4095) / 4096), zeros == (unsigned)((len + 63) / 64), sum,
              hw_munmap(m, len));
    return (int)((sum ^ (uint32_t)written) & 0x7f);
}
