/*
 * hwrt.h - the tiny header-only runtime of hwemu's guest test programs.
 *
 * A program is one C file: `#include "hwrt.h"` and `int main(int argc, char **argv)`.
 * The same source builds for three targets (see emulator/toolchain.py):
 *
 *   aarch64  static freestanding Linux AArch64 ELF: `_start` below, syscalls with `svc #0`
 *            (number in x8, arguments x0-x5, result x0), integer only (no FP/SIMD).
 *   thumb    Cortex-M4 EM_ARM ELF with Linux ARM EABI style syscalls: `svc #0`, number in r7,
 *            arguments r0-r5, result r0.  The few compiler helpers a freestanding ARMv7-M build
 *            calls (__aeabi_uldivmod, __aeabi_memcpy, ...) are defined here.
 *   host     -DHWRT_HOST: gcc against the host libc (write/read/exit/malloc), for reference
 *            output.  No `_start`; hw_printf is still the one below, so output is byte-identical.
 *
 * API (all `static`, prefixed hw_):
 *   hw_printf(fmt, ...)        %d %i %u %x %X %c %s %p %% with l/ll/z/h/hh length modifiers,
 *                              a field width and the '-' and '0' flags.  Output is buffered and
 *                              flushed when the buffer fills, by hw_flush() and at exit.
 *   hw_putchar, hw_puts, hw_flush, hw_write(fd, buf, n), hw_read(buf, n) (stdin), hw_exit(code)
 *   hw_malloc/hw_calloc/hw_realloc/hw_free  size-class allocator over brk (host: libc malloc)
 *   hw_writev, hw_getpid, hw_uname, hw_clock_gettime, hw_mmap, hw_munmap  thin syscall wrappers
 *   hw_udivmod64, hw_sdivmod64 64-bit division from 32-bit divides (thumb's __aeabi_[u]ldivmod)
 *   HW_CHECK(cond)             prints the failed condition and exits with status 99
 *   hw_repeat(argc, argv, body) runs body() argv[1] times (default once) and returns its last
 *                              status; only the last round's hw_printf output is written, so a
 *                              benchmark can scale a fixed-size program's work (bench/dbt.py)
 *
 * -DHWRT_LIBC_PRINTF (host only) makes hw_printf the libc printf, so tests can check hw_printf
 * against glibc on the same program.
 *
 * Rules for programs that must give the same output everywhere: print 64-bit values through
 * (u)int64_t with %lld/%llu/%llx (`long` and size_t are 32-bit on thumb), never print pointers or
 * anything derived from addresses, and keep to one translation unit (the runtime's state and the
 * libc-named functions the compiler calls live in this header).
 */
#ifndef HWRT_H
#define HWRT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#if !defined(HWRT_HOST) && !defined(__aarch64__) && !(defined(__arm__) && defined(__thumb2__))
#error "hwrt.h: build for aarch64, thumb (ARMv7-M) or the host with -DHWRT_HOST"
#endif

/* Linux constants shared by arm, arm64 and x86-64 (include/uapi/asm-generic/mman-common.h,
 * include/uapi/linux/time.h). */
#define HW_PROT_READ 1
#define HW_PROT_WRITE 2
#define HW_PROT_EXEC 4
#define HW_MAP_PRIVATE 0x02
#define HW_MAP_ANONYMOUS 0x20
#define HW_MAP_FAILED ((void *)-1)
#define HW_CLOCK_MONOTONIC 1

struct hw_iovec {
    const void *base;
    size_t len;
};

/* struct new_utsname of the Linux ABI: six 65-byte fields. */
struct hw_utsname {
    char sysname[65];
    char nodename[65];
    char release[65];
    char version[65];
    char machine[65];
    char domainname[65];
};

/* The kernel's timespec for clock_gettime on both guests: `long` seconds and nanoseconds. */
struct hw_timespec {
    long tv_sec;
    long tv_nsec;
};

/* Every runtime function is static; `unused` keeps -Wall quiet about the ones a program skips. */
#define HWRT_FN static __attribute__((unused))

HWRT_FN void hw_flush(void);

/* ------------------------------------------------------------------------------------------ */
/* 64-bit division from 32-bit hardware divides (ARMv7-M has only UDIV/SDIV 32/32): what thumb  */
/* builds call for every 64-bit `/` and `%`.  Portable C, so every target can cross-check it.   */
/* ------------------------------------------------------------------------------------------ */

/* The thumb shims below call these from assembly, so keep them there even when C does not. */
#if defined(__arm__) && !defined(HWRT_HOST)
#define HWRT_ASM_CALLED __attribute__((used))
#else
#define HWRT_ASM_CALLED
#endif

/* (u1:u0) / v for u1 < v, by Knuth's algorithm D with two 16-bit quotient digits: the divisor
 * is normalised so each digit's 32/16 estimate is at most two too large, then corrected. */
HWRT_FN uint32_t hwrt_div64by32(uint32_t u1, uint32_t u0, uint32_t v, uint32_t *rem) {
    unsigned s = (unsigned)__builtin_clz(v);
    v <<= s;
    uint32_t vh = v >> 16, vl = v & 0xffffu;
    uint32_t part = s ? u1 << s | u0 >> (32 - s) : u1; /* running remainder, always < v */
    uint32_t low = u0 << s;
    uint32_t digit[2] = {low >> 16, low & 0xffffu};
    uint32_t q = 0;
    for (int i = 0; i < 2; i++) {
        uint32_t qd = part / vh, rhat = part - qd * vh;
        while (qd > 0xffffu || qd * vl > (rhat << 16 | digit[i])) {
            qd--;
            rhat += vh;
            if (rhat > 0xffffu) break;
        }
        part = (part << 16) + digit[i] - qd * v; /* exact modulo 2^32: the result is < v */
        q = q << 16 | qd;
    }
    *rem = part >> s;
    return q;
}

/* Unsigned 64-bit quotient, remainder in *rem.  Division by zero gives 0 remainder n (AArch64's
 * UDIV gives 0 too). */
HWRT_FN HWRT_ASM_CALLED uint64_t hw_udivmod64(uint64_t n, uint64_t d, uint64_t *rem) {
    uint32_t nh = (uint32_t)(n >> 32), nl = (uint32_t)n, dh = (uint32_t)(d >> 32);
    uint32_t dl = (uint32_t)d, r;
    if (d > n || d == 0) {
        *rem = n;
        return 0;
    }
    if (dh == 0) {
        if (nh == 0) {
            uint32_t q = nl / dl;
            *rem = nl - q * dl;
            return q;
        }
        uint32_t qh = nh / dl;
        uint32_t ql = hwrt_div64by32(nh - qh * dl, nl, dl, &r);
        *rem = r;
        return (uint64_t)qh << 32 | ql;
    }
    /* d >= 2^32, so the quotient fits 32 bits: divide n/2 by the top word of the normalised
     * divisor and scale back; one less than that estimate is the quotient or one below it */
    unsigned s = (unsigned)__builtin_clz(dh);
    uint32_t top = (uint32_t)((d << s) >> 32);
    uint64_t half = n >> 1;
    uint64_t q = hwrt_div64by32((uint32_t)(half >> 32), (uint32_t)half, top, &r);
    q = q << s >> 31;
    if (q) q--;
    uint64_t left = n - q * d;
    if (left >= d) {
        q++;
        left -= d;
    }
    *rem = left;
    return q;
}

/* Signed: truncates toward zero; the remainder takes the dividend's sign (C semantics). */
HWRT_FN HWRT_ASM_CALLED int64_t hw_sdivmod64(int64_t n, int64_t d, int64_t *rem) {
    uint64_t un = n < 0 ? 0 - (uint64_t)n : (uint64_t)n;
    uint64_t ud = d < 0 ? 0 - (uint64_t)d : (uint64_t)d;
    uint64_t ur;
    uint64_t uq = hw_udivmod64(un, ud, &ur);
    *rem = (int64_t)(n < 0 ? 0 - ur : ur);
    return (int64_t)((n < 0) != (d < 0) ? 0 - uq : uq);
}

/* ------------------------------------------------------------------------------------------ */
/* Host: everything maps onto libc.                                                            */
/* ------------------------------------------------------------------------------------------ */
#ifdef HWRT_HOST
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#ifdef HWRT_LIBC_PRINTF
#include <stdio.h>
#define hw_printf printf
#define hw_vprintf vprintf
#endif

HWRT_FN long hwrt_write(int fd, const void *buf, size_t n) { return write(fd, buf, n); }
HWRT_FN long hw_read(void *buf, size_t n) { return read(0, buf, n); }

/* Flush buffered output, then leave with `code` (like exit_group). */
HWRT_FN __attribute__((noreturn)) void hw_exit(int code) {
    hw_flush();
    _exit(code);
}

HWRT_FN void *hw_malloc(size_t n) { return malloc(n); }
HWRT_FN void *hw_calloc(size_t count, size_t size) { return calloc(count, size); }
HWRT_FN void *hw_realloc(void *p, size_t n) { return realloc(p, n); }
HWRT_FN void hw_free(void *p) { free(p); }

HWRT_FN long hw_writev(int fd, const struct hw_iovec *iov, int count) {
    return writev(fd, (const struct iovec *)iov, count);
}
HWRT_FN long hw_getpid(void) { return getpid(); }
HWRT_FN long hw_uname(struct hw_utsname *u) { return uname((struct utsname *)u); }
HWRT_FN long hw_clock_gettime(int clock, struct hw_timespec *ts) {
    struct timespec t;
    int rc = clock_gettime(clock, &t);
    ts->tv_sec = t.tv_sec;
    ts->tv_nsec = t.tv_nsec;
    return rc;
}
HWRT_FN void *hw_mmap(void *addr, size_t len, int prot, int flags, int fd, long off) {
    return mmap(addr, len, prot, flags, fd, off);
}
HWRT_FN long hw_munmap(void *addr, size_t len) { return munmap(addr, len); }

/* main returns into libc, which runs destructors before exiting: flush there. */
HWRT_FN __attribute__((destructor)) void hwrt_flush_at_exit(void) { hw_flush(); }

#else /* freestanding guests */

/* ------------------------------------------------------------------------------------------ */
/* Syscalls                                                                                    */
/* ------------------------------------------------------------------------------------------ */
#if defined(__aarch64__)
/* include/uapi/asm-generic/unistd.h */
#define HWRT_NR_read 63
#define HWRT_NR_write 64
#define HWRT_NR_writev 66
#define HWRT_NR_exit 93
#define HWRT_NR_exit_group 94
#define HWRT_NR_clock_gettime 113
#define HWRT_NR_uname 160
#define HWRT_NR_getpid 172
#define HWRT_NR_brk 214
#define HWRT_NR_munmap 215
#define HWRT_NR_mmap 222

HWRT_FN long hwrt_syscall(long nr, long a0, long a1, long a2, long a3, long a4, long a5) {
    register long x8 __asm__("x8") = nr;
    register long x0 __asm__("x0") = a0;
    register long x1 __asm__("x1") = a1;
    register long x2 __asm__("x2") = a2;
    register long x3 __asm__("x3") = a3;
    register long x4 __asm__("x4") = a4;
    register long x5 __asm__("x5") = a5;
    __asm__ volatile("svc #0"
                     : "+r"(x0)
                     : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
                     : "memory");
    return x0;
}
#else
/* arch/arm/tools/syscall.tbl (EABI numbers; mmap is mmap2, whose offset counts 4 KiB pages) */
#define HWRT_NR_exit 1
#define HWRT_NR_read 3
#define HWRT_NR_write 4
#define HWRT_NR_getpid 20
#define HWRT_NR_brk 45
#define HWRT_NR_munmap 91
#define HWRT_NR_uname 122
#define HWRT_NR_writev 146
#define HWRT_NR_mmap 192
#define HWRT_NR_exit_group 248
#define HWRT_NR_clock_gettime 263

HWRT_FN long hwrt_syscall(long nr, long a0, long a1, long a2, long a3, long a4, long a5) {
    register long r0 __asm__("r0") = a0;
    register long r1 __asm__("r1") = a1;
    register long r2 __asm__("r2") = a2;
    register long r3 __asm__("r3") = a3;
    register long r4 __asm__("r4") = a4;
    register long r5 __asm__("r5") = a5;
    long saved_r7;
    /* r7 is the Thumb frame pointer, so it cannot be bound as a register variable: swap the
     * number in around the svc and restore it afterwards. */
    __asm__ volatile("mov %[saved], r7\n\t"
                     "mov r7, %[nr]\n\t"
                     "svc #0\n\t"
                     "mov r7, %[saved]"
                     : "+r"(r0), [saved] "=&r"(saved_r7)
                     : [nr] "r"(nr), "r"(r1), "r"(r2), "r"(r3), "r"(r4), "r"(r5)
                     : "memory");
    return r0;
}
#endif

HWRT_FN long hwrt_write(int fd, const void *buf, size_t n) {
    return hwrt_syscall(HWRT_NR_write, fd, (long)buf, (long)n, 0, 0, 0);
}

/* Read up to `n` bytes of stdin; returns the count (0 at end of input) or -errno. */
HWRT_FN long hw_read(void *buf, size_t n) {
    return hwrt_syscall(HWRT_NR_read, 0, (long)buf, (long)n, 0, 0, 0);
}

/* Flush buffered output, then leave with `code` (exit_group). */
HWRT_FN __attribute__((noreturn)) void hw_exit(int code) {
    hw_flush();
    for (;;) {
        hwrt_syscall(HWRT_NR_exit_group, code, 0, 0, 0, 0, 0);
        hwrt_syscall(HWRT_NR_exit, code, 0, 0, 0, 0, 0);
    }
}

HWRT_FN long hw_writev(int fd, const struct hw_iovec *iov, int count) {
    return hwrt_syscall(HWRT_NR_writev, fd, (long)iov, count, 0, 0, 0);
}
HWRT_FN long hw_getpid(void) { return hwrt_syscall(HWRT_NR_getpid, 0, 0, 0, 0, 0, 0); }
HWRT_FN long hw_uname(struct hw_utsname *u) {
    return hwrt_syscall(HWRT_NR_uname, (long)u, 0, 0, 0, 0, 0);
}
HWRT_FN long hw_clock_gettime(int clock, struct hw_timespec *ts) {
    return hwrt_syscall(HWRT_NR_clock_gettime, clock, (long)ts, 0, 0, 0, 0);
}
HWRT_FN void *hw_mmap(void *addr, size_t len, int prot, int flags, int fd, long off) {
#if defined(__aarch64__)
    long rc = hwrt_syscall(HWRT_NR_mmap, (long)addr, (long)len, prot, flags, fd, off);
#else
    long rc = hwrt_syscall(HWRT_NR_mmap, (long)addr, (long)len, prot, flags, fd, off >> 12);
#endif
    /* the kernel returns -errno in [-4095, -1] */
    return (unsigned long)rc >= (unsigned long)-4095 ? HW_MAP_FAILED : (void *)rc;
}
HWRT_FN long hw_munmap(void *addr, size_t len) {
    return hwrt_syscall(HWRT_NR_munmap, (long)addr, (long)len, 0, 0, 0, 0);
}

/* ------------------------------------------------------------------------------------------ */
/* The libc functions the compiler may call on its own (struct copies, zeroing, loops it       */
/* recognises).  External linkage so those calls bind here; `no_builtin` stops the compiler    */
/* from turning these very loops back into calls to themselves.                                 */
/* ------------------------------------------------------------------------------------------ */
#define HWRT_LIBC __attribute__((used, no_builtin))

HWRT_LIBC void *memcpy(void *restrict dst, const void *restrict src, size_t n) {
    unsigned char *d = dst;
    const unsigned char *s = src;
    while (n--) *d++ = *s++;
    return dst;
}

HWRT_LIBC void *memmove(void *dst, const void *src, size_t n) {
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (d < s) {
        while (n--) *d++ = *s++;
    } else {
        while (n--) d[n] = s[n];
    }
    return dst;
}

HWRT_LIBC void *memset(void *dst, int c, size_t n) {
    unsigned char *d = dst;
    while (n--) *d++ = (unsigned char)c;
    return dst;
}

HWRT_LIBC int memcmp(const void *a, const void *b, size_t n) {
    const unsigned char *x = a, *y = b;
    for (; n; n--, x++, y++)
        if (*x != *y) return *x - *y;
    return 0;
}

HWRT_LIBC size_t strlen(const char *s) {
    const char *p = s;
    while (*p) p++;
    return (size_t)(p - s);
}

HWRT_LIBC int strcmp(const char *a, const char *b) {
    while (*a && *a == *b) a++, b++;
    return (unsigned char)*a - (unsigned char)*b;
}

HWRT_LIBC char *strcpy(char *restrict dst, const char *restrict src) {
    char *d = dst;
    while ((*d++ = *src++)) {
    }
    return dst;
}

#if defined(__arm__)
/* ------------------------------------------------------------------------------------------ */
/* ARM run-time ABI helpers (IHI 0043 "Run-time ABI for the ARM Architecture") that clang calls  */
/* in an ARMv7-M build: 64-bit division and the aligned memcpy/memset/memclr variants.          */
/* ------------------------------------------------------------------------------------------ */
#define HWRT_AEABI __attribute__((used))

/* __aeabi_[u]ldivmod return the quotient in r0:r1 and the remainder in r2:r3: a C function
 * cannot, so these shims pass a stack slot for the remainder and load it into r2:r3. */
#define HWRT_DIVMOD_SHIM(name, impl)                                                         \
    __attribute__((naked, used)) void name(void) {                                           \
        __asm__ volatile("push {r4, lr}\n\t"                                                 \
                         "sub sp, sp, #16\n\t"                                               \
                         "add r4, sp, #8\n\t"                                                \
                         "str r4, [sp]\n\t"                                                  \
                         "bl " #impl "\n\t"                                                  \
                         "ldrd r2, r3, [sp, #8]\n\t"                                         \
                         "add sp, sp, #16\n\t"                                               \
                         "pop {r4, pc}");                                                    \
    }
HWRT_DIVMOD_SHIM(__aeabi_uldivmod, hw_udivmod64)
HWRT_DIVMOD_SHIM(__aeabi_ldivmod, hw_sdivmod64)

HWRT_AEABI void __aeabi_memcpy(void *d, const void *s, size_t n) { memcpy(d, s, n); }
HWRT_AEABI void __aeabi_memcpy4(void *d, const void *s, size_t n) { memcpy(d, s, n); }
HWRT_AEABI void __aeabi_memcpy8(void *d, const void *s, size_t n) { memcpy(d, s, n); }
HWRT_AEABI void __aeabi_memmove(void *d, const void *s, size_t n) { memmove(d, s, n); }
HWRT_AEABI void __aeabi_memmove4(void *d, const void *s, size_t n) { memmove(d, s, n); }
HWRT_AEABI void __aeabi_memmove8(void *d, const void *s, size_t n) { memmove(d, s, n); }
/* note the argument order: (dest, n, c) */
HWRT_AEABI void __aeabi_memset(void *d, size_t n, int c) { memset(d, c, n); }
HWRT_AEABI void __aeabi_memset4(void *d, size_t n, int c) { memset(d, c, n); }
HWRT_AEABI void __aeabi_memset8(void *d, size_t n, int c) { memset(d, c, n); }
HWRT_AEABI void __aeabi_memclr(void *d, size_t n) { memset(d, 0, n); }
HWRT_AEABI void __aeabi_memclr4(void *d, size_t n) { memset(d, 0, n); }
HWRT_AEABI void __aeabi_memclr8(void *d, size_t n) { memset(d, 0, n); }
#endif /* __arm__ */

/* ------------------------------------------------------------------------------------------ */
/* Allocator: power-of-two size classes with one free list each, carved from brk.              */
/* Each block has a 16-byte header holding its class, so payloads stay 16-byte aligned.        */
/* ------------------------------------------------------------------------------------------ */
#define HWRT_HEADER 16u
#define HWRT_MIN_CLASS 4 /* 16-byte payloads */
#define HWRT_CLASSES 32
#define HWRT_BRK_CHUNK 65536u

struct hwrt_heap {
    uintptr_t top;   /* next free byte */
    uintptr_t limit; /* current program break */
    void *free_list[HWRT_CLASSES];
};
static struct hwrt_heap hwrt_heap;

/* Move the program break so that [top, top + n) is usable; 0 when the kernel refuses. */
HWRT_FN int hwrt_heap_grow(size_t n) {
    if (hwrt_heap.limit == 0) {
        hwrt_heap.limit = (uintptr_t)hwrt_syscall(HWRT_NR_brk, 0, 0, 0, 0, 0, 0);
        hwrt_heap.top = (hwrt_heap.limit + 15u) & ~(uintptr_t)15u;
    }
    if (hwrt_heap.top + n <= hwrt_heap.limit) return 1;
    uintptr_t want = (hwrt_heap.top + n + HWRT_BRK_CHUNK - 1) & ~(uintptr_t)(HWRT_BRK_CHUNK - 1);
    uintptr_t got = (uintptr_t)hwrt_syscall(HWRT_NR_brk, (long)want, 0, 0, 0, 0, 0);
    if (got < want) return 0;
    hwrt_heap.limit = got;
    return 1;
}

HWRT_FN unsigned hwrt_size_class(size_t n) {
    unsigned c = HWRT_MIN_CLASS;
    while (((size_t)1 << c) < n) c++;
    return c;
}

/* Allocate `n` bytes (16-byte aligned); NULL when the heap cannot grow. */
HWRT_FN void *hw_malloc(size_t n) {
    unsigned c = hwrt_size_class(n);
    if (c >= HWRT_CLASSES) return NULL;
    void *p = hwrt_heap.free_list[c];
    if (p) {
        hwrt_heap.free_list[c] = *(void **)p;
        return p;
    }
    size_t block = HWRT_HEADER + ((size_t)1 << c);
    if (!hwrt_heap_grow(block)) return NULL;
    unsigned char *base = (unsigned char *)hwrt_heap.top;
    hwrt_heap.top += block;
    *(uintptr_t *)base = c;
    return base + HWRT_HEADER;
}

/* Return a block to its class's free list (NULL is ignored). */
HWRT_FN void hw_free(void *p) {
    if (!p) return;
    unsigned c = (unsigned)*(uintptr_t *)((unsigned char *)p - HWRT_HEADER);
    *(void **)p = hwrt_heap.free_list[c];
    hwrt_heap.free_list[c] = p;
}

HWRT_FN void *hw_calloc(size_t count, size_t size) {
    size_t n = count * size;
    if (size && n / size != count) return NULL;
    void *p = hw_malloc(n);
    if (p) memset(p, 0, n);
    return p;
}

HWRT_FN void *hw_realloc(void *p, size_t n) {
    if (!p) return hw_malloc(n);
    size_t have = (size_t)1 << *(uintptr_t *)((unsigned char *)p - HWRT_HEADER);
    if (n <= have) return p;
    void *q = hw_malloc(n);
    if (q) {
        memcpy(q, p, have);
        hw_free(p);
    }
    return q;
}

/* ------------------------------------------------------------------------------------------ */
/* Process entry: the kernel leaves sp -> argc, argv[0..argc-1], NULL, envp..., NULL, auxv.     */
/* ------------------------------------------------------------------------------------------ */
int main(int argc, char **argv);

HWRT_FN __attribute__((used, noreturn)) void hwrt_cstart(uintptr_t *sp) {
    hw_exit(main((int)sp[0], (char **)(sp + 1)));
}

#if defined(__aarch64__)
__attribute__((naked, noreturn)) void _start(void) {
    __asm__ volatile("mov x29, #0\n\t"
                     "mov x30, #0\n\t"
                     "mov x0, sp\n\t"
                     "and x1, x0, #-16\n\t" /* the ABI wants 16-byte alignment; keep it */
                     "mov sp, x1\n\t"
                     "bl hwrt_cstart\n\t"
                     "brk #0");
}
#else
__attribute__((naked, noreturn)) void _start(void) {
    __asm__ volatile("mov r0, sp\n\t"
                     "bic r1, r0, #7\n\t" /* AAPCS: 8-byte aligned stack at public calls */
                     "mov sp, r1\n\t"
                     "mov lr, #0\n\t"
                     "bl hwrt_cstart\n\t"
                     "udf #0");
}
#endif

#endif /* HWRT_HOST */

/* ------------------------------------------------------------------------------------------ */
/* Output: one buffer for stdout, shared by every target.                                      */
/* ------------------------------------------------------------------------------------------ */
#define HWRT_OUTBUF 4096

struct hwrt_out {
    unsigned len;
    char buf[HWRT_OUTBUF];
    int mute; /* hw_repeat's rounds before the last: output is discarded */
};
static struct hwrt_out hwrt_out;

/* Write `n` bytes to `fd` unbuffered (stdout's buffer is flushed first); returns bytes written. */
HWRT_FN long hw_write(int fd, const void *buf, size_t n) {
    hw_flush();
    const char *p = buf;
    size_t done = 0;
    while (done < n) {
        long rc = hwrt_write(fd, p + done, n - done);
        if (rc <= 0) break;
        done += (size_t)rc;
    }
    return (long)done;
}

HWRT_FN void hw_flush(void) {
#ifdef HWRT_LIBC_PRINTF
    fflush(stdout);
#endif
    unsigned n = hwrt_out.mute ? 0 : hwrt_out.len, done = 0;
    hwrt_out.len = 0;
    while (done < n) {
        long rc = hwrt_write(1, hwrt_out.buf + done, n - done);
        if (rc <= 0) break;
        done += (unsigned)rc;
    }
}

HWRT_FN void hw_putchar(int c) {
    if (hwrt_out.len == HWRT_OUTBUF) hw_flush();
    hwrt_out.buf[hwrt_out.len++] = (char)c;
}

/* Print `s` and a newline, like puts. */
HWRT_FN void hw_puts(const char *s) {
    while (*s) hw_putchar(*s++);
    hw_putchar('\n');
}

/* Print `len` characters of `s` padded to `width` (left-justified when `left`). */
HWRT_FN int hwrt_emit(const char *s, int len, int width, int left, char pad) {
    int n = 0;
    if (!left)
        for (; width > len + n; n++) hw_putchar(pad);
    for (int i = 0; i < len; i++) hw_putchar(s[i]);
    n += len;
    if (left)
        for (; width > n; n++) hw_putchar(' ');
    return n;
}

/* Digits of `v` in `base` (10 or 16) into the end of buf[24]; returns the first digit. */
HWRT_FN char *hwrt_digits(uint64_t v, unsigned base, int upper, char *end) {
    const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char *p = end;
    /* 64-bit steps only while the value needs them: on thumb each is a library division */
    while (v >> 32) {
        *--p = set[v % base];
        v /= base;
    }
    uint32_t w = (uint32_t)v;
    do {
        *--p = set[w % base];
        w /= base;
    } while (w);
    return p;
}

#ifndef HWRT_LIBC_PRINTF
HWRT_FN int hw_vprintf(const char *fmt, va_list ap) {
    int total = 0;
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            hw_putchar(*fmt);
            total++;
            continue;
        }
        const char *start = fmt++;
        int left = 0, zero = 0, width = 0, longs = 0, halves = 0, size = 0;
        for (;; fmt++) {
            if (*fmt == '-') left = 1;
            else if (*fmt == '0') zero = 1;
            else break;
        }
        while (*fmt >= '0' && *fmt <= '9') width = width * 10 + (*fmt++ - '0');
        for (;; fmt++) {
            if (*fmt == 'l') longs++;
            else if (*fmt == 'h') halves++;
            else if (*fmt == 'z') size = 1;
            else break;
        }
        char tmp[24];
        char *end = tmp + sizeof tmp;
        char pad = zero && !left ? '0' : ' ';
        switch (*fmt) {
        case 'd':
        case 'i': {
            int64_t v = longs >= 2 ? va_arg(ap, long long)
                        : longs    ? va_arg(ap, long)
                        : size     ? (int64_t)va_arg(ap, ptrdiff_t)
                                   : va_arg(ap, int);
            if (halves == 1) v = (short)v;
            if (halves >= 2) v = (signed char)v;
            uint64_t mag = v < 0 ? -(uint64_t)v : (uint64_t)v;
            char *p = hwrt_digits(mag, 10, 0, end);
            if (v < 0) {
                if (pad == '0') { /* sign goes before the zeros: -0042 */
                    hw_putchar('-');
                    total += 1 + hwrt_emit(p, (int)(end - p), width - 1, left, pad);
                    break;
                }
                *--p = '-';
            }
            total += hwrt_emit(p, (int)(end - p), width, left, pad);
            break;
        }
        case 'u':
        case 'x':
        case 'X': {
            uint64_t v = longs >= 2 ? va_arg(ap, unsigned long long)
                         : longs    ? va_arg(ap, unsigned long)
                         : size     ? va_arg(ap, size_t)
                                    : va_arg(ap, unsigned);
            if (halves == 1) v = (unsigned short)v;
            if (halves >= 2) v = (unsigned char)v;
            char *p = hwrt_digits(v, *fmt == 'u' ? 10 : 16, *fmt == 'X', end);
            total += hwrt_emit(p, (int)(end - p), width, left, pad);
            break;
        }
        case 'p': {
            char *p = hwrt_digits((uintptr_t)va_arg(ap, void *), 16, 0, end);
            *--p = 'x';
            *--p = '0';
            total += hwrt_emit(p, (int)(end - p), width, left, ' ');
            break;
        }
        case 'c': {
            char c = (char)va_arg(ap, int);
            total += hwrt_emit(&c, 1, width, left, ' ');
            break;
        }
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s) s = "(null)";
            int len = 0;
            while (s[len]) len++;
            total += hwrt_emit(s, len, width, left, ' ');
            break;
        }
        case '%':
            hw_putchar('%');
            total++;
            break;
        default: /* unknown conversion: print it as written */
            if (!*fmt) fmt--;
            for (const char *q = start; q <= fmt; q++, total++) hw_putchar(*q);
            break;
        }
    }
    return total;
}

/* printf for hwemu guests: see the conversions in the header comment. Returns chars printed. */
HWRT_FN __attribute__((format(printf, 1, 2))) int hw_printf(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = hw_vprintf(fmt, ap);
    va_end(ap);
    return n;
}
#endif /* HWRT_LIBC_PRINTF */

/* Run `body` as often as argv[1] says (decimal, default and minimum 1); return its last status.
 * Every round before the last computes and formats its output, which is then discarded. */
HWRT_FN int hw_repeat(int argc, char **argv, int (*body)(void)) {
    unsigned rounds = 0;
    for (const char *p = argc > 1 ? argv[1] : ""; *p >= '0' && *p <= '9'; p++)
        rounds = rounds * 10 + (unsigned)(*p - '0');
    int status = 0;
    for (unsigned round = 1; round <= rounds || round == 1; round++) {
        hwrt_out.mute = round < rounds;
        status = body();
        hw_flush();
    }
    hwrt_out.mute = 0;
    return status;
}

/* Stop the program with status 99 when `cond` is false, naming the line. */
#define HW_CHECK(cond)                                                                       \
    do {                                                                                     \
        if (!(cond)) {                                                                       \
            hwrt_out.mute = 0;                                                               \
            hw_printf("CHECK failed at line %d: %s\n", __LINE__, #cond);                     \
            hw_exit(99);                                                                     \
        }                                                                                    \
    } while (0)

#endif /* HWRT_H */
