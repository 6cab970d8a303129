"""The RTC class as drivers use it (drivers/rtc/class.c, lib.c): allocation, registration, and
the time conversions (rtc_time64_to_tm, rtc_tm_to_time64 via mktime64, kernel/time/time.c)."""

from __future__ import annotations

import datetime

from kernels.errno import EINVAL, MASK64
from kernels.services.kernel import Kernel
from kernels.services.printk import LOGLEVEL, dev_prefix, log

EPOCH_ORDINAL = datetime.date(1970, 1, 1).toordinal()
TM_FIELDS = ("tm_sec", "tm_min", "tm_hour", "tm_mday", "tm_mon", "tm_year", "tm_wday",
             "tm_yday", "tm_isdst")


def rtc_time64_to_tm(kernel: Kernel, time: int, tm: int) -> None:
    time = time - (1 << 64) if time >> 63 else time
    days, secs = divmod(time, 86400)
    date = datetime.date.fromordinal(EPOCH_ORDINAL + days)
    values = (secs % 60, secs // 60 % 60, secs // 3600, date.day, date.month - 1,
              date.year - 1900, (days + 4) % 7, date.timetuple().tm_yday - 1, 0)
    for name, value in zip(TM_FIELDS, values):
        kernel.put(tm, "rtc_time", name, value)


def mktime64(year: int, mon: int, day: int, hour: int, minute: int, sec: int) -> int:
    """kernel/time/time.c mktime64 (Gauss), unsigned month/year arithmetic included."""
    mon = (mon - 2) & 0xFFFFFFFF
    if mon == 0 or mon >> 31:  # 0 >= (int)(mon -= 2): March-based months, February last
        mon, year = (mon + 12) & 0xFFFFFFFF, (year - 1) & 0xFFFFFFFF
    days = year // 4 - year // 100 + year // 400 + 367 * mon // 12 + day
    return (((days + year * 365 - 719499) * 24 + hour) * 60 + minute) * 60 + sec


def rtc_tm_to_time64(kernel: Kernel, tm: int) -> int:
    get = lambda name: kernel.get(tm, "rtc_time", name)  # noqa: E731
    return mktime64((get("tm_year") + 1900) & 0xFFFFFFFF, (get("tm_mon") + 1) & 0xFFFFFFFF,
                    get("tm_mday"), get("tm_hour"), get("tm_min"), get("tm_sec")) & MASK64


def devm_rtc_allocate_device(kernel: Kernel, dev: int) -> int:
    rtc = kernel.heap.alloc(kernel.btf.sizeof("struct rtc_device"))
    index = kernel.rtc_ids
    kernel.rtc_ids += 1
    kernel.put(rtc, "rtc_device", "id", index)
    kernel.put(rtc, "rtc_device", "dev.parent", dev)
    kernel.put(rtc, "rtc_device", "dev.kobj.name", kernel.heap_string(f"rtc{index}"))
    kernel.devres_add(dev, "devm_rtc_allocate_device", rtc, lambda: kernel.heap.free(rtc))
    return rtc


def __devm_rtc_register_device(kernel: Kernel, owner: int, rtc: int) -> int:
    """Checks the driver gave its ops, records the RTC and prints the kernel's message (the
    alarm initialisation through read_alarm is not emulated)."""
    parent = kernel.get(rtc, "rtc_device", "dev.parent")
    if not kernel.get(rtc, "rtc_device", "ops"):
        log(kernel, LOGLEVEL["debug"], f"{dev_prefix(kernel, parent)}no ops set")
        return -EINVAL & MASK64
    kernel.put(rtc, "rtc_device", "owner", owner)
    kernel.devm_register(parent, "rtc", rtc, "devm_rtc_register_device")
    name = kernel.cstring(kernel.get(rtc, "rtc_device", "dev.kobj.name")).decode()
    log(kernel, LOGLEVEL["info"], f"{dev_prefix(kernel, parent)}registered as {name}")
    return 0


FUNCTIONS = {
    "rtc_time64_to_tm": rtc_time64_to_tm, "rtc_tm_to_time64": rtc_tm_to_time64,
    "devm_rtc_allocate_device": devm_rtc_allocate_device,
    "__devm_rtc_register_device": __devm_rtc_register_device,
}
