"""Time, locks and arm64 support services through real machines (native and translated)."""

import struct

import pytest

from kernels.config import read_config
from kernels.errors import KernelServiceError
from kernels.services import memory, printk
from kernels.services.arch import NOP
from kernels.services.kernel import HZ, INITIAL_JIFFIES
from kernels.services.time import MAX_JIFFY_OFFSET, MAX_SCHEDULE_TIMEOUT

MASK = (1 << 64) - 1


def test_constants_match_the_package_config(kernel_package):
    config = read_config(kernel_package)
    assert int(config["CONFIG_HZ"]) == HZ
    assert int(config["CONFIG_MESSAGE_LOGLEVEL_DEFAULT"]) == printk.DEFAULT_LEVEL
    # the four kmalloc types memory.KMALLOC_TYPES assumes, 4 KiB pages under SLUB
    assert config["CONFIG_SLUB"] == config["CONFIG_ZONE_DMA"] == config["CONFIG_MEMCG_KMEM"] \
        == config["CONFIG_ARM64_4K_PAGES"] == "y" and memory.KMALLOC_TYPES == 4


def jiffies(km) -> int:
    return km.machine.read_u64(km.symbols.data["jiffies"])


def test_delays_advance_virtual_time_and_jiffies(km):
    start_ns, start_j = km.kernel.now_ns(), jiffies(km)
    assert start_j >= INITIAL_JIFFIES
    km.service("__const_udelay", 100 * 0x10C7)  # udelay(100)
    assert 100_000 <= km.kernel.now_ns() - start_ns < 100_000 + 50_000
    km.service("msleep", 10)  # msecs_to_jiffies(10) + 1 = 4 jiffies at HZ=250
    assert km.kernel.slept_ns == 100_000 + 16_000_000
    km.service("usleep_range_state", 50, 80, 2)
    km.service("__ndelay", 7)
    km.service("__udelay", 3)
    assert km.kernel.slept_ns == 100_000 + 16_000_000 + 80_000 + 7 + 3_000
    assert jiffies(km) - start_j == (km.kernel.now_ns() * HZ // 10**9) - (start_ns * HZ // 10**9)


def test_guest_busy_wait_on_jiffies(km):
    loops = km.machine.call("wait_jiffies", 5)
    assert loops in (17, 18, 19, 20)  # 5 jiffies of 4 ms in 1 ms steps, from mid-jiffy


def test_jiffies_conversions(km):
    assert [km.service("__msecs_to_jiffies", ms) for ms in (0, 1, 4, 5, 1000)] == \
        [0, 1, 1, 2, HZ]
    assert km.service("__msecs_to_jiffies", 2**31) == MAX_JIFFY_OFFSET
    assert [km.service("__usecs_to_jiffies", us) for us in (1, 4000, 4001)] == [1, 1, 2]
    assert km.service("jiffies_to_msecs", HZ) == 1000
    assert km.service("jiffies_to_usecs", 3) == 12000
    assert km.service("schedule_timeout", 2) == 0
    with pytest.raises(KernelServiceError, match="sleep forever"):
        km.service("schedule_timeout", MAX_SCHEDULE_TIMEOUT)


def test_clocks(km):
    a = km.service("ktime_get")
    km.service("msleep", 1)
    b = km.service("ktime_get")
    assert b - a >= 8_000_000  # 1 ms rounds up to 2 jiffies of 4 ms
    ts = km.machine.alloc(16)
    km.service("ktime_get_real_ts64", ts)
    sec, nsec = struct.unpack("<qq", km.machine.read(ts, 16))
    assert sec >= 1_735_689_600 and 0 <= nsec < 10**9
    tai, real = km.service("ktime_get_with_offset", 2), km.service("ktime_get_with_offset", 0)
    assert 0 <= 37 * 10**9 - (tai - real) < 10_000  # a few modeled cycles apart


def test_mutexes(km, btf):
    lock = km.machine.alloc(btf.sizeof("struct mutex"))
    km.service("__mutex_init", lock, 0, 0)
    wait_list = lock + btf.offsetof("mutex", "wait_list")
    assert struct.unpack("<QQ", km.machine.read(wait_list, 16)) == (wait_list, wait_list)
    km.service("mutex_lock", lock)
    owner = km.machine.read_u64(lock + btf.offsetof("mutex", "owner"))
    assert owner == km.kernel.current() != 0
    assert km.service("mutex_trylock", lock) == 0
    with pytest.raises(KernelServiceError, match="already held: a deadlock"):
        km.service("mutex_lock", lock)
    km.service("mutex_unlock", lock)
    assert km.machine.read_u64(lock) == 0
    with pytest.raises(KernelServiceError, match="which this task does not hold"):
        km.service("mutex_unlock", lock)
    assert km.service("mutex_trylock", lock) == 1


def test_spinlock_slow_path(km):
    lock = km.machine.alloc(4)
    km.machine.write(lock, struct.pack("<I", 0x100))  # pending, not locked
    km.service("queued_spin_lock_slowpath", lock, 0x100)
    assert struct.unpack("<I", km.machine.read(lock, 4))[0] & 0xFF == 1
    with pytest.raises(KernelServiceError, match=f"spinlock 0x{lock:x} is already held"):
        km.service("queued_spin_lock_slowpath", lock, 1)


def test_arch_support(km, btf):
    code = km.machine.alloc(16)
    km.machine.write(code, b"\xff" * 16)
    km.service("alt_cb_patch_nops", 0, code, code, 3)
    assert struct.unpack("<4I", km.machine.read(code, 16)) == (NOP, NOP, NOP, 0xFFFFFFFF)
    with pytest.raises(KernelServiceError, match="stack-protector: kernel stack is corrupted"):
        km.service("__stack_chk_fail")
    ops = km.symbols.data["param_ops_bool"]
    assert km.symbols.size("param_ops_bool") == btf.sizeof("struct kernel_param_ops")
    assert km.machine.read(ops, 32) == bytes(32)
    assert km.symbols.size("gic_nonsecure_priorities") == 16
