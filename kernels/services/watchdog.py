"""The watchdog core as drivers call it (drivers/watchdog/watchdog_core.c)."""

from __future__ import annotations

from kernels.errno import EINVAL, MASK64
from kernels.services.kernel import Kernel
from kernels.services.of import find_property
from kernels.services.printk import LOGLEVEL, log

UINT_MAX = 0xFFFFFFFF


def _name(kernel: Kernel, wdd: int) -> str:
    parent = kernel.get(wdd, "watchdog_device", "parent")
    if parent:
        name = kernel.get(parent, "device", "init_name") or kernel.get(parent, "device",
                                                                        "kobj.name")
        return kernel.cstring(name).decode("latin-1") if name else "(null)"
    info = kernel.get(wdd, "watchdog_device", "info")
    identity = info + kernel.btf.offsetof("watchdog_info", "identity")
    return kernel.cstring(identity, 32).decode("latin-1") if info else ""


def _invalid(kernel: Kernel, wdd: int, t: int) -> bool:
    """watchdog_timeout_invalid()."""
    get = lambda path: kernel.get(wdd, "watchdog_device", path)  # noqa: E731
    return (t > UINT_MAX // 1000 or t < get("min_timeout")
            or (not get("max_hw_heartbeat_ms") and get("max_timeout") and t > get("max_timeout")))


def watchdog_init_timeout(kernel: Kernel, wdd: int, timeout_parm: int, dev: int) -> int:
    """Driver-supplied value first, then the "timeout-sec" DT property (kernel order)."""
    name, result = _name(kernel, wdd), 0
    lo, hi = (kernel.get(wdd, "watchdog_device", p) for p in ("min_timeout", "max_timeout"))
    if hi and lo > hi:  # watchdog_check_min_max_timeout()
        log(kernel, LOGLEVEL["info"], "Invalid min and max timeout values, resetting to 0!")
        kernel.put(wdd, "watchdog_device", "min_timeout", 0)
        kernel.put(wdd, "watchdog_device", "max_timeout", 0)
    timeout_parm &= UINT_MAX
    if timeout_parm:
        if not _invalid(kernel, wdd, timeout_parm):
            kernel.put(wdd, "watchdog_device", "timeout", timeout_parm)
            return 0
        log(kernel, LOGLEVEL["err"], f"{name}: driver supplied timeout ({timeout_parm}) out of "
                                     f"range")
        result = -EINVAL
    node = kernel.get(dev, "device", "of_node") if dev else 0
    prop = find_property(kernel, node, b"timeout-sec") if node else 0
    value = kernel.read(kernel.get(prop, "property", "value"), 4) if prop and kernel.get(
        prop, "property", "length") >= 4 else None
    if value is not None:
        t = int.from_bytes(value, "big")
        if t and not _invalid(kernel, wdd, t):
            kernel.put(wdd, "watchdog_device", "timeout", t)
            return 0
        log(kernel, LOGLEVEL["err"], f"{name}: DT supplied timeout ({t}) out of range")
        result = -EINVAL
    current = kernel.get(wdd, "watchdog_device", "timeout")
    if result < 0 and current:
        log(kernel, LOGLEVEL["warn"], f"{name}: falling back to default timeout ({current})")
    return result & MASK64


def watchdog_register_device(kernel: Kernel, wdd: int) -> int:
    if not kernel.get(wdd, "watchdog_device", "info") or not kernel.get(
            wdd, "watchdog_device", "ops"):
        return -EINVAL & MASK64
    devices = kernel.registered.setdefault("watchdog", [])
    kernel.put(wdd, "watchdog_device", "id", len(devices))
    devices.append(wdd)
    return 0


def watchdog_unregister_device(kernel: Kernel, wdd: int) -> None:
    devices = kernel.registered.get("watchdog", [])
    if wdd not in devices:
        raise kernel.error(f"watchdog_unregister_device of 0x{wdd:x}, never registered")
    devices.remove(wdd)


def devm_watchdog_register_device(kernel: Kernel, dev: int, wdd: int) -> int:
    result = watchdog_register_device(kernel, wdd)
    if result == 0:
        kernel.devres_add(dev, "devm_watchdog_register_device", wdd,
                          lambda: watchdog_unregister_device(kernel, wdd))
    return result


def watchdog_set_restart_priority(kernel: Kernel, wdd: int, priority: int) -> None:
    kernel.put(wdd, "watchdog_device", "restart_nb.priority", priority)


def watchdog_notify_pretimeout(kernel: Kernel, wdd: int) -> None:
    log(kernel, LOGLEVEL["info"], f"watchdog{kernel.get(wdd, 'watchdog_device', 'id')}: "
                                  f"pretimeout event")


FUNCTIONS = {
    "watchdog_init_timeout": watchdog_init_timeout,
    "watchdog_register_device": watchdog_register_device,
    "watchdog_unregister_device": watchdog_unregister_device,
    "devm_watchdog_register_device": devm_watchdog_register_device,
    "watchdog_set_restart_priority": watchdog_set_restart_priority,
    "watchdog_notify_pretimeout": watchdog_notify_pretimeout,
}
