"""The PWM core as chip drivers call it (drivers/pwm/core.c): chip registration."""

from __future__ import annotations

from kernels.services.kernel import Kernel

EINVAL = 22
MASK64 = (1 << 64) - 1


def pwmchip_add(kernel: Kernel, chip: int) -> int:
    """Validate the chip, give it a base number and its per-channel pwm_device array."""
    ops, npwm = kernel.get(chip, "pwm_chip", "ops"), kernel.get(chip, "pwm_chip", "npwm")
    if not ops or not npwm or not kernel.get(ops, "pwm_ops", "apply"):
        return -EINVAL & MASK64
    chips = kernel.registered.setdefault("pwm", [])
    base = sum(kernel.get(c, "pwm_chip", "npwm") for c in chips)
    size = kernel.btf.sizeof("pwm_device")
    pwms = kernel.heap.alloc(size * npwm)
    kernel.write(pwms, bytes(size * npwm))
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


FUNCTIONS = {
    "pwmchip_add": pwmchip_add,
    "pwmchip_remove": pwmchip_remove,
    "devm_pwmchip_add": devm_pwmchip_add,
}
DATA: dict = {}
