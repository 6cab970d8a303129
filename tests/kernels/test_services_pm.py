"""Runtime PM (driver callbacks run as guest code from inside the services) and the bulk MMIO
helpers, through real machines (native and translated)."""

import struct

import pytest

from kernels.objects import Resource, build_platform_device

MASK = (1 << 64) - 1
RPM_ASYNC, RPM_GET_PUT = 0x01, 0x04


def neg(code: int) -> int:
    return -code & MASK


@pytest.fixture
def pm_device(km, btf):
    """A platform device bound to a driver whose dev_pm_ops has runtime callbacks in C."""
    k = km.kernel
    pdev = build_platform_device(k, "pm-test", [Resource.mem(0x30000000, 0x100)])
    dev = pdev + btf.offsetof("platform_device", "dev")
    ops = km.machine.alloc(btf.sizeof("struct dev_pm_ops"))
    k.put(ops, "dev_pm_ops", "runtime_resume", km.machine.image.symbol("rpm_resume_cb").addr)
    k.put(ops, "dev_pm_ops", "runtime_suspend", km.machine.image.symbol("rpm_suspend_cb").addr)
    driver = km.machine.alloc(btf.sizeof("struct device_driver"))
    k.put(driver, "device_driver", "pm", ops)
    k.put(dev, "device", "driver", driver)
    return pdev, dev


def calls(km) -> int:
    return struct.unpack("<i", km.machine.read(km.machine.image.symbol("rpm_calls").addr, 4))[0]


def status(km, btf, dev) -> str:
    value = km.kernel.get(dev, "device", "power.runtime_status")
    return next(n for n in ("RPM_ACTIVE", "RPM_SUSPENDED")
                if btf.enum_value("enum rpm_status", n) == value)


def test_runtime_pm_state_machine(km, btf, pm_device):
    _, dev = pm_device
    k = km.kernel
    assert km.service("__pm_runtime_resume", dev, RPM_GET_PUT) == neg(13)  # disabled: -EACCES
    assert status(km, btf, dev) == "RPM_SUSPENDED" and calls(km) == 0
    km.service("pm_runtime_enable", dev)
    assert k.get(dev, "device", "power.disable_depth") == 0
    assert km.service("__pm_runtime_resume", dev, RPM_GET_PUT) == 0  # resume callback ran
    assert status(km, btf, dev) == "RPM_ACTIVE" and calls(km) == 1
    assert km.service("__pm_runtime_resume", dev, RPM_GET_PUT) == 1  # already active
    assert k.get(dev, "device", "power.usage_count") == 3  # 1 from the refused first call
    for _ in range(2):
        assert km.service("__pm_runtime_idle", dev, RPM_GET_PUT | RPM_ASYNC) == 0
    assert status(km, btf, dev) == "RPM_ACTIVE" and calls(km) == 1
    assert km.service("__pm_runtime_idle", dev, RPM_GET_PUT | RPM_ASYNC) == 0
    assert status(km, btf, dev) == "RPM_SUSPENDED" and calls(km) == 101  # suspend ran
    km.service("__pm_runtime_idle", dev, RPM_GET_PUT)
    assert "usage count underflow" in k.log[-1].text
    km.service("pm_runtime_enable", dev)
    assert "Unbalanced pm_runtime_enable!" in k.log[-1].text


def test_forced_suspend_resume_and_set_status(km, btf, pm_device):
    _, dev = pm_device
    km.service("pm_runtime_enable", dev)
    assert km.service("__pm_runtime_set_status", dev, 0) == neg(11)  # enabled: -EAGAIN
    km.service("__pm_runtime_disable", dev, 1)
    assert km.service("__pm_runtime_set_status", dev, 0) == 0
    assert status(km, btf, dev) == "RPM_ACTIVE"
    km.service("pm_runtime_enable", dev)
    assert km.service("pm_runtime_force_suspend", dev) == 0
    assert status(km, btf, dev) == "RPM_SUSPENDED" and calls(km) == 100
    assert km.kernel.get(dev, "device", "power.disable_depth") == 1
    assert km.service("pm_runtime_force_resume", dev) == 0
    assert status(km, btf, dev) == "RPM_ACTIVE" and calls(km) == 101
    assert km.kernel.get(dev, "device", "power.disable_depth") == 0


def test_bulk_io_helpers_access_the_device(km, pm_device):
    pdev, dev = pm_device
    regs = km.service("devm_platform_ioremap_resource", pdev, 0)
    buf = km.machine.alloc(32)
    km.machine.write(buf, bytes(range(1, 21)))
    km.service("__memcpy_toio", regs + 3, buf, 20)  # 5 bytes to alignment, one 64-bit, 7 bytes
    widths = [a.width for a in km.machine.mmio_trace]
    assert widths == [1] * 5 + [8] + [1] * 7
    out = km.machine.alloc(32)
    km.service("__memcpy_fromio", out, regs + 3, 20)
    assert km.machine.read(out, 20) == bytes(range(1, 21))
    km.service("__memset_io", regs, 0xAB, 8)
    assert km.machine.mmio_trace[-1].value == 0xABABABABABABABAB
    assert all(a.pc == km.machine.mmio_trace[0].pc for a in km.machine.mmio_trace)
