"""External connectors (drivers/extcon/extcon.c) and pin control power states
(drivers/pinctrl/core.c): cable states recorded per connector, with the time they changed."""

from __future__ import annotations

from kernels.errno import EINVAL, MASK64
from kernels.services.kernel import Kernel

EXTCON_NONE = 0  # include/linux/extcon.h: ends a supported-cable list


def devm_extcon_dev_allocate(kernel: Kernel, dev: int, supported: int) -> int:
    if not supported:
        return -EINVAL & MASK64
    edev = kernel.heap.alloc(kernel.btf.sizeof("struct extcon_dev"))
    kernel.put(edev, "extcon_dev", "supported_cable", supported)
    cables = []
    while (cable := int.from_bytes(kernel.read(supported + 4 * len(cables), 4), "little")):
        cables.append(cable)
    kernel.put(edev, "extcon_dev", "max_supported", len(cables))
    kernel.put(edev, "extcon_dev", "dev.parent", dev)
    kernel.extcon[edev] = {cable: False for cable in cables}
    kernel.devres_add(dev, "devm_extcon_dev_allocate", edev, lambda: kernel.extcon.pop(edev))
    return edev


def devm_extcon_dev_register(kernel: Kernel, dev: int, edev: int) -> int:
    if edev not in kernel.extcon:
        return -EINVAL & MASK64
    kernel.devm_register(dev, "extcon", edev, "devm_extcon_dev_register")
    return 0


def extcon_set_state_sync(kernel: Kernel, edev: int, cable: int, state: int) -> int:
    states = kernel.extcon.get(edev)
    if states is None or cable & 0xFFFFFFFF not in states:
        return -EINVAL & MASK64
    states[cable & 0xFFFFFFFF] = bool(state & 1)
    kernel.extcon_log.append((kernel.now_ns(), cable & 0xFFFFFFFF, bool(state & 1)))
    return 0


def extcon_set_property(kernel: Kernel, edev: int, cable: int, prop: int, value: int) -> int:
    states = kernel.extcon.get(edev)
    return 0 if states is not None and cable & 0xFFFFFFFF in states else -EINVAL & MASK64


def extcon_set_property_capability(kernel: Kernel, edev: int, cable: int, prop: int) -> int:
    return extcon_set_property(kernel, edev, cable, prop, 0)


def pinctrl_pm_select_default_state(kernel: Kernel, dev: int) -> int:
    """Devices without pin control (dev->pins NULL) succeed at once, as in the kernel."""
    return 0


FUNCTIONS = {
    "devm_extcon_dev_allocate": devm_extcon_dev_allocate,
    "devm_extcon_dev_register": devm_extcon_dev_register,
    "extcon_set_state_sync": extcon_set_state_sync, "extcon_set_property": extcon_set_property,
    "extcon_set_property_capability": extcon_set_property_capability,
    "pinctrl_pm_select_default_state": pinctrl_pm_select_default_state,
    "pinctrl_pm_select_sleep_state": pinctrl_pm_select_default_state,
    "pinctrl_pm_select_idle_state": pinctrl_pm_select_default_state,
}
