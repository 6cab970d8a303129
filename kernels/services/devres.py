"""Device-managed actions (drivers/base/devres.c) and wakeup configuration
(drivers/base/power/wakeup.c)."""

from __future__ import annotations

from kernels.services.convention import GuestCall
from kernels.services.kernel import Kernel


def devm_add_action(kernel: Kernel, dev: int, action: int, data: int) -> int:
    """Run guest function ``action(data)`` when ``dev`` is released."""
    kernel.devres_add(dev, f"action:0x{action:x}", data,
                      lambda: kernel.machine.call(action, data))
    return 0


def devm_remove_action(kernel: Kernel, dev: int, action: int, data: int) -> None:
    if kernel.devres_remove(dev, f"action:0x{action:x}", data) is None:
        raise kernel.error(f"devm_remove_action: no action 0x{action:x}(0x{data:x}) on 0x{dev:x}")


def devm_release_action(kernel: Kernel, dev: int, action: int, data: int):
    """Removes the action and runs it (a guest call from inside the service)."""
    if kernel.devres_remove(dev, f"action:0x{action:x}", data) is None:
        raise kernel.error(f"devm_release_action: no action 0x{action:x}(0x{data:x}) on "
                           f"0x{dev:x}")
    yield GuestCall(action, (data,))


def device_set_wakeup_capable(kernel: Kernel, dev: int, capable: int) -> None:
    kernel.put(dev, "device", "power.can_wakeup", capable & 1)


def device_wakeup_enable(kernel: Kernel, dev: int) -> int:
    if not kernel.get(dev, "device", "power.wakeup"):
        source = kernel.heap.alloc(kernel.btf.sizeof("struct wakeup_source"))
        kernel.put(dev, "device", "power.wakeup", source)
    return 0


def device_wakeup_disable(kernel: Kernel, dev: int) -> int:
    kernel.put(dev, "device", "power.wakeup", 0)
    return 0


FUNCTIONS = {
    "devm_add_action": devm_add_action, "devm_remove_action": devm_remove_action,
    "devm_release_action": devm_release_action,
    "device_set_wakeup_capable": device_set_wakeup_capable,
    "device_wakeup_enable": device_wakeup_enable, "device_wakeup_disable": device_wakeup_disable,
}
