"""Runtime power management for one device without parent or children
(drivers/base/power/runtime.c): usage count, disable depth, status, and the driver's runtime
callbacks run as guest code.  The platform bus's generic callbacks make a missing driver
callback a success (pm_generic_runtime_suspend/resume return 0).  Asynchronous requests
(RPM_ASYNC) run synchronously: the work the kernel would queue runs at once, identically in both
machines."""

from __future__ import annotations

from kernels.errno import MASK64
from kernels.services.convention import GuestCall
from kernels.services.kernel import Kernel
from kernels.services.printk import LOGLEVEL, dev_prefix, log

RPM_ASYNC, RPM_NOWAIT, RPM_GET_PUT, RPM_AUTO = 0x01, 0x02, 0x04, 0x08  # pm_runtime.h
EACCES, EAGAIN, EINVAL, EBUSY = 13, 11, 22, 16


def _status(kernel: Kernel, name: str) -> int:
    return kernel.btf.enum_value("enum rpm_status", name)


def _get(kernel: Kernel, dev: int, path: str) -> int:
    return kernel.get(dev, "device", f"power.{path}")


def _put(kernel: Kernel, dev: int, path: str, value: int) -> None:
    kernel.put(dev, "device", f"power.{path}", value)


def _callback(kernel: Kernel, dev: int, name: str) -> int:
    driver = kernel.get(dev, "device", "driver")
    ops = kernel.get(driver, "device_driver", "pm") if driver else 0
    return kernel.get(ops, "dev_pm_ops", name) if ops else 0


def _signed(value: int) -> int:
    value &= 0xFFFFFFFF
    return value - (1 << 32) if value >> 31 else value


def _run(kernel: Kernel, dev: int, name: str):
    """Generator: the driver's runtime callback (0 if it has none); returns its int result."""
    callback = _callback(kernel, dev, name)
    if not callback:
        return 0
    return _signed((yield GuestCall(callback, (dev,))))


def rpm_resume(kernel: Kernel, dev: int):
    if _get(kernel, dev, "disable_depth") > 0:
        active = _get(kernel, dev, "runtime_status") == _status(kernel, "RPM_ACTIVE")
        return 1 if active else -EACCES
    if _get(kernel, dev, "runtime_status") == _status(kernel, "RPM_ACTIVE"):
        return 1
    _put(kernel, dev, "runtime_status", _status(kernel, "RPM_RESUMING"))
    result = yield from _run(kernel, dev, "runtime_resume")
    _put(kernel, dev, "runtime_status", _status(kernel, "RPM_SUSPENDED" if result
                                                 else "RPM_ACTIVE"))
    return result


def rpm_suspend(kernel: Kernel, dev: int):
    if _get(kernel, dev, "disable_depth") > 0:
        return -EACCES
    if _get(kernel, dev, "runtime_status") == _status(kernel, "RPM_SUSPENDED"):
        return 1
    if _get(kernel, dev, "usage_count"):
        return -EAGAIN
    _put(kernel, dev, "runtime_status", _status(kernel, "RPM_SUSPENDING"))
    result = yield from _run(kernel, dev, "runtime_suspend")
    if result in (-EAGAIN, -EBUSY):  # the driver refused: stays active
        _put(kernel, dev, "runtime_status", _status(kernel, "RPM_ACTIVE"))
        return result
    _put(kernel, dev, "runtime_status", _status(kernel, "RPM_ACTIVE" if result
                                                 else "RPM_SUSPENDED"))
    return result


def rpm_idle(kernel: Kernel, dev: int):
    if _get(kernel, dev, "disable_depth") > 0:
        return -EACCES
    if _get(kernel, dev, "usage_count") or _get(kernel, dev, "runtime_status") != _status(
            kernel, "RPM_ACTIVE"):
        return -EAGAIN
    result = yield from _run(kernel, dev, "runtime_idle")
    if result:
        return result
    return (yield from rpm_suspend(kernel, dev))


def _drop_usage(kernel: Kernel, dev: int) -> bool:
    """RPM_GET_PUT on a put: decrement; True if the count reached zero."""
    count = _signed(_get(kernel, dev, "usage_count"))
    if count <= 0:
        log(kernel, LOGLEVEL["warn"], f"{dev_prefix(kernel, dev)}Runtime PM usage count "
                                      f"underflow!")
        return False
    _put(kernel, dev, "usage_count", count - 1)
    return count == 1


def __pm_runtime_resume(kernel: Kernel, dev: int, flags: int):
    if flags & RPM_GET_PUT:
        _put(kernel, dev, "usage_count", _get(kernel, dev, "usage_count") + 1)
    return (yield from rpm_resume(kernel, dev)) & MASK64


def __pm_runtime_idle(kernel: Kernel, dev: int, flags: int):
    if flags & RPM_GET_PUT and not _drop_usage(kernel, dev):
        return 0
    return (yield from rpm_idle(kernel, dev)) & MASK64


def __pm_runtime_suspend(kernel: Kernel, dev: int, flags: int):
    if flags & RPM_GET_PUT and not _drop_usage(kernel, dev):
        return 0
    return (yield from rpm_suspend(kernel, dev)) & MASK64


def pm_runtime_enable(kernel: Kernel, dev: int) -> None:
    depth = _get(kernel, dev, "disable_depth")
    if depth == 0:
        log(kernel, LOGLEVEL["warn"], f"{dev_prefix(kernel, dev)}Unbalanced pm_runtime_enable!")
        return
    _put(kernel, dev, "disable_depth", depth - 1)


def __pm_runtime_disable(kernel: Kernel, dev: int, check_resume: int) -> None:
    _put(kernel, dev, "disable_depth", _get(kernel, dev, "disable_depth") + 1)


def __pm_runtime_set_status(kernel: Kernel, dev: int, status: int) -> int:
    if _get(kernel, dev, "disable_depth") == 0:
        return -EAGAIN & MASK64
    if status not in (_status(kernel, "RPM_ACTIVE"), _status(kernel, "RPM_SUSPENDED")):
        return -EINVAL & MASK64
    _put(kernel, dev, "runtime_status", status)
    return 0


def pm_runtime_force_suspend(kernel: Kernel, dev: int):
    __pm_runtime_disable(kernel, dev, 1)
    if _get(kernel, dev, "runtime_status") == _status(kernel, "RPM_SUSPENDED"):
        return 0
    result = yield from _run(kernel, dev, "runtime_suspend")
    if result:
        pm_runtime_enable(kernel, dev)
        return result & MASK64
    _put(kernel, dev, "runtime_status", _status(kernel, "RPM_SUSPENDED"))
    return 0


def pm_runtime_force_resume(kernel: Kernel, dev: int):
    result = 0
    if _get(kernel, dev, "runtime_status") == _status(kernel, "RPM_SUSPENDED"):
        result = yield from _run(kernel, dev, "runtime_resume")
        if not result:
            _put(kernel, dev, "runtime_status", _status(kernel, "RPM_ACTIVE"))
    pm_runtime_enable(kernel, dev)
    return result & MASK64


FUNCTIONS = {
    "__pm_runtime_resume": __pm_runtime_resume, "__pm_runtime_idle": __pm_runtime_idle,
    "__pm_runtime_suspend": __pm_runtime_suspend, "pm_runtime_enable": pm_runtime_enable,
    "__pm_runtime_disable": __pm_runtime_disable,
    "__pm_runtime_set_status": __pm_runtime_set_status,
    "pm_runtime_force_suspend": pm_runtime_force_suspend,
    "pm_runtime_force_resume": pm_runtime_force_resume,
}
