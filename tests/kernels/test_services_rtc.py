"""RTC services: time conversions against Python's calendar (both machines), and the
rtc-meson-vrtc module's lifecycle through registration."""

import calendar
import datetime

from kernels.runner import first_divergence, run_module
from kernels.services.rtc import TM_FIELDS

MASK = (1 << 64) - 1
TIMES = [0, 59, 86399, 86400, 951_782_400, 951_868_799, 1_735_689_600, 4_102_444_800,
         253_402_300_799, -1, -86_401, -2_208_988_800]


def expected_tm(t: int) -> tuple:
    d = datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=t)
    return (d.second, d.minute, d.hour, d.day, d.month - 1, d.year - 1900,
            (d.weekday() + 1) % 7, d.timetuple().tm_yday - 1, 0)


def test_time_conversions_match_the_calendar(km, btf):
    tm = km.machine.alloc(btf.sizeof("struct rtc_time"))
    for t in TIMES:
        km.service("rtc_time64_to_tm", t & MASK, tm)
        fields = tuple(km.kernel.get(tm, "rtc_time", name) for name in TM_FIELDS)
        fields = tuple(v - (1 << 32) if v >> 31 else v for v in fields)
        assert fields == expected_tm(t), t
        back = km.service("rtc_tm_to_time64", tm)
        assert back == t & MASK
        d = datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=t)
        assert back == calendar.timegm(d.timetuple()) & MASK


def test_mktime64_normalises_like_the_kernel(km, btf):
    """Day 0 of March is the last day of February, month 12 (0-based 12) is next January."""
    tm = km.machine.alloc(btf.sizeof("struct rtc_time"))
    for name, value in zip(TM_FIELDS, (0, 0, 0, 0, 2, 100, 0, 0, 0)):
        km.kernel.put(tm, "rtc_time", name, value)
    assert km.service("rtc_tm_to_time64", tm) == calendar.timegm((2000, 2, 29, 0, 0, 0))


def test_rtc_allocation_and_registration(km, btf):
    dev = km.machine.alloc(btf.sizeof("struct device"))
    km.kernel.put(dev, "device", "kobj.name", km.string(b"vrtc"))
    rtc = km.service("devm_rtc_allocate_device", dev)
    assert km.service("__devm_rtc_register_device", 0, rtc) == -22 & MASK  # no ops yet
    km.kernel.put(rtc, "rtc_device", "ops", km.machine.alloc(96))
    assert km.service("__devm_rtc_register_device", 0, rtc) == 0
    assert km.kernel.log[-1].text.endswith("vrtc: registered as rtc0")
    km.kernel.devres_release_all(dev)
    assert km.kernel.registered["rtc"] == []


def test_meson_vrtc_lifecycle(kernel_package, btf):
    native = run_module(kernel_package, "rtc-meson-vrtc", "native", btf)
    translated = run_module(kernel_package, "rtc-meson-vrtc", "translate", btf)
    assert native.completed and translated.completed
    assert first_divergence(native, translated) is None
    assert native.log == translated.log
    assert native.log[-1].endswith(": registered as rtc0")
