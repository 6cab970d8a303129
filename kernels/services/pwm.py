"""The PWM core (drivers/pwm/core.c): chip registration for PWM controller drivers, and PWM
lookup by the "pwms" device-tree property (<phandle channel period flags> cells) for consumers,
whose applied states are logged so both machines can be compared."""

from __future__ import annotations

import struct

from kernels.errno import EINVAL, ENOENT, MASK64
from kernels.services.kernel import Kernel
from kernels.services.of import property_value

PWM_POLARITY_INVERTED = 1


def pwmchip_add(kernel: Kernel, chip: int) -> int:
    """Validate the chip, give it a base number and its per-channel pwm_device array."""
    ops, npwm = kernel.get(chip, "pwm_chip", "ops"), kernel.get(chip, "pwm_chip", "npwm")
    if not ops or not npwm or not kernel.get(ops, "pwm_ops", "apply"):
        return -EINVAL & MASK64
    chips = kernel.registered.setdefault("pwm", [])
    base = sum(kernel.get(c, "pwm_chip", "npwm") for c in chips)
    size = kernel.btf.sizeof("pwm_device")
    pwms = kernel.zalloc("pwm_device", npwm)
    for k in range(npwm):
        kernel.put(pwms + k * size, "pwm_device", "hwpwm", k)
        kernel.put(pwms + k * size, "pwm_device", "pwm", base + k)
        kernel.put(pwms + k * size, "pwm_device", "chip", chip)
    kernel.put(chip, "pwm_chip", "base", base)
    kernel.put(chip, "pwm_chip", "pwms", pwms)
    chips.append(chip)
    return 0


def pwmchip_remove(kernel: Kernel, chip: int) -> None:
    chips = kernel.registered.get("pwm", [])
    if chip not in chips:
        raise kernel.error(f"pwmchip_remove of 0x{chip:x}, never added")
    chips.remove(chip)
    kernel.heap.free(kernel.get(chip, "pwm_chip", "pwms"))


def devm_pwmchip_add(kernel: Kernel, dev: int, chip: int) -> int:
    result = pwmchip_add(kernel, chip)
    if result == 0:
        kernel.devres_add(dev, "devm_pwmchip_add", chip, lambda: pwmchip_remove(kernel, chip))
    return result


def devm_pwm_get(kernel: Kernel, dev: int, con_id: int) -> int:
    """The PWM the device's "pwms" property names (its first channel), with the period and
    polarity of its cells as the PWM's arguments; -ENOENT if the device names none."""
    node = kernel.get(dev, "device", "of_node")
    value = property_value(kernel, node, b"pwms") if node else None
    if value is None or len(value) < 12:
        return -ENOENT & MASK64
    cells = struct.unpack(f">{len(value) // 4}I", value[:16])
    phandle, channel, period = cells[:3]
    flags = cells[3] if len(cells) > 3 else 0
    pwm = kernel.new("pwm_device", {"hwpwm": channel, "pwm": phandle << 8 | channel,
                                    "args.period": period,
                                    "args.polarity": flags & PWM_POLARITY_INVERTED,
                                    "label": con_id})
    kernel.pwms[pwm] = (phandle, channel)
    kernel.devres_add(dev, "devm_pwm_get", pwm, lambda: kernel.pwms.pop(pwm, None))
    return pwm


def pwm_apply_state(kernel: Kernel, pwm: int, state: int) -> int:
    """Validate and apply a struct pwm_state (pwm_apply_state()); the change is logged."""
    if pwm not in kernel.pwms or not state:
        return -EINVAL & MASK64
    period = kernel.get(state, "pwm_state", "period")
    duty = kernel.get(state, "pwm_state", "duty_cycle")
    enabled = kernel.get(state, "pwm_state", "enabled") & 1
    if period == 0 or duty > period:
        return -EINVAL & MASK64
    size = kernel.btf.sizeof("pwm_state")
    kernel.write(pwm + kernel.offset("pwm_device", "state"), kernel.read(state, size))
    kernel.pwm_log.append((kernel.now_ns(), kernel.pwms[pwm], period, duty, enabled))
    return 0


FUNCTIONS = {
    "devm_pwm_get": devm_pwm_get,
    "pwm_apply_state": pwm_apply_state,
    "pwmchip_add": pwmchip_add,
    "pwmchip_remove": pwmchip_remove,
    "devm_pwmchip_add": devm_pwmchip_add,
}
DATA: dict = {}
