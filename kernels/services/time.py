"""Time: jiffies, busy-wait delays and sleeps advancing the virtual clock, ktime readers and
jiffies conversions (kernel/time/time.c, include/linux/delay.h, arch/arm64/lib/delay.c)."""

from __future__ import annotations

import struct

from kernels.services.kernel import HZ, Kernel

NSEC_PER_SEC = 1_000_000_000
LONG_MAX = (1 << 63) - 1
MAX_SCHEDULE_TIMEOUT = LONG_MAX
MAX_JIFFY_OFFSET = (LONG_MAX >> 1) - 1
# udelay(n) calls __const_udelay(n * 0x10C7) and ndelay(n) __const_udelay(n * 5): xloops are
# seconds scaled by 2^32 (UDELAY_MULT = 2^32 / 10^6, NDELAY_MULT = 2^32 / 10^9, delay.h)
XLOOPS_PER_SECOND = 1 << 32
# the emulated wall clock starts at 2025-01-01T00:00:00Z (CLOCK_REALTIME = boot time + offset)
REALTIME_AT_BOOT_NS = 1_735_689_600 * NSEC_PER_SEC
TAI_OFFSET_NS = 37 * NSEC_PER_SEC  # TAI - UTC since 2017 (IERS Bulletin C)
TK_OFFS_REAL, TK_OFFS_BOOT, TK_OFFS_TAI = 0, 1, 2  # enum tk_offsets (timekeeping.h)


def jiffies_ns(count: int) -> int:
    return count * NSEC_PER_SEC // HZ


def __const_udelay(kernel: Kernel, xloops: int) -> None:
    kernel.sleep(xloops * NSEC_PER_SEC // XLOOPS_PER_SECOND)


def __udelay(kernel: Kernel, usecs: int) -> None:
    kernel.sleep(usecs * 1000)


def __ndelay(kernel: Kernel, nsecs: int) -> None:
    kernel.sleep(nsecs)


def __msecs_to_jiffies(kernel: Kernel, msecs: int) -> int:
    msecs &= 0xFFFFFFFF
    if msecs >> 31:  # (int)m < 0
        return MAX_JIFFY_OFFSET
    step = 1000 // HZ
    return (msecs + step - 1) // step


def __usecs_to_jiffies(kernel: Kernel, usecs: int) -> int:
    usecs &= 0xFFFFFFFF
    step = 1_000_000 // HZ
    if usecs > MAX_JIFFY_OFFSET * step:
        return MAX_JIFFY_OFFSET
    return (usecs + step - 1) // step


def jiffies_to_msecs(kernel: Kernel, count: int) -> int:
    return (count * (1000 // HZ)) & 0xFFFFFFFF


def jiffies_to_usecs(kernel: Kernel, count: int) -> int:
    return (count * (1_000_000 // HZ)) & 0xFFFFFFFF


def msleep(kernel: Kernel, msecs: int) -> None:
    """Sleeps msecs_to_jiffies(msecs) + 1 jiffies, as kernel/time/timer.c msleep does."""
    kernel.sleep(jiffies_ns(__msecs_to_jiffies(kernel, msecs) + 1))


def msleep_interruptible(kernel: Kernel, msecs: int) -> int:
    msleep(kernel, msecs)
    return 0  # no signals in the emulation: the full time elapsed


def usleep_range_state(kernel: Kernel, min_us: int, max_us: int, state: int) -> None:
    """An hrtimer with range [min, max]: on an otherwise idle system it fires at ``max``."""
    kernel.sleep(max_us * 1000)


def schedule_timeout(kernel: Kernel, timeout: int) -> int:
    if timeout == MAX_SCHEDULE_TIMEOUT:
        raise kernel.error("schedule_timeout(MAX_SCHEDULE_TIMEOUT) with nothing to wake the "
                           "task: it would sleep forever")
    if timeout >> 63:
        raise kernel.error(f"schedule_timeout: wrong timeout value {timeout - (1 << 64)}")
    kernel.sleep(jiffies_ns(timeout))
    return 0


def ktime_get(kernel: Kernel) -> int:
    return kernel.now_ns()


def ktime_get_with_offset(kernel: Kernel, offset: int) -> int:
    now = kernel.now_ns()
    if offset == TK_OFFS_REAL:
        return now + REALTIME_AT_BOOT_NS
    if offset == TK_OFFS_TAI:
        return now + REALTIME_AT_BOOT_NS + TAI_OFFSET_NS
    return now  # TK_OFFS_BOOT: never suspended, boot time equals monotonic


def ktime_get_real_ts64(kernel: Kernel, ts: int) -> None:
    now = kernel.now_ns() + REALTIME_AT_BOOT_NS
    kernel.write(ts, struct.pack("<qq", now // NSEC_PER_SEC, now % NSEC_PER_SEC))


def ktime_get_ts64(kernel: Kernel, ts: int) -> None:
    now = kernel.now_ns()
    kernel.write(ts, struct.pack("<qq", now // NSEC_PER_SEC, now % NSEC_PER_SEC))


def init_jiffies(kernel: Kernel, addr: int) -> None:
    kernel.jiffies_addr = addr
    kernel.tick()


FUNCTIONS = {
    "__const_udelay": __const_udelay, "__udelay": __udelay, "__ndelay": __ndelay,
    "__msecs_to_jiffies": __msecs_to_jiffies, "__usecs_to_jiffies": __usecs_to_jiffies,
    "jiffies_to_msecs": jiffies_to_msecs, "jiffies_to_usecs": jiffies_to_usecs,
    "msleep": msleep, "msleep_interruptible": msleep_interruptible,
    "usleep_range_state": usleep_range_state, "schedule_timeout": schedule_timeout,
    "schedule_timeout_uninterruptible": schedule_timeout,
    "schedule_timeout_interruptible": schedule_timeout,
    "schedule_timeout_killable": schedule_timeout, "schedule_timeout_idle": schedule_timeout,
    "ktime_get": ktime_get, "ktime_get_mono_fast_ns": ktime_get, "ktime_get_raw": ktime_get,
    "ktime_get_with_offset": ktime_get_with_offset, "ktime_get_real_ts64": ktime_get_real_ts64,
    "ktime_get_ts64": ktime_get_ts64,
}
DATA = {"jiffies": (8, init_jiffies)}
