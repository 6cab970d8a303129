"""The input core as device drivers call it (drivers/input/input.c, ff-core.c): device
allocation, capabilities, registration, and force-feedback set-up."""

from __future__ import annotations

from kernels.errno import EINVAL, MASK64
from kernels.services.kernel import Kernel

EV_FF = 0x15
FF_RUMBLE, FF_PERIODIC, FF_CNT = 0x50, 0x51, 0x80
# event type -> the input_dev bitmap that input_set_capability() marks (include/linux/input.h)
BITMAPS = {0x01: "keybit", 0x02: "relbit", 0x03: "absbit", 0x04: "mscbit", 0x05: "swbit",
           0x11: "ledbit", 0x12: "sndbit", 0x15: "ffbit"}
EV_PWR = 0x16


def _set_bit(kernel: Kernel, base: int, bit: int) -> None:
    word = base + 8 * (bit // 64)
    kernel.write(word, (kernel.u64(word) | 1 << (bit % 64)).to_bytes(8, "little"))


def _test_bit(kernel: Kernel, base: int, bit: int) -> bool:
    return bool(kernel.u64(base + 8 * (bit // 64)) >> (bit % 64) & 1)


def devm_input_allocate_device(kernel: Kernel, dev: int) -> int:
    idev = kernel.new("input_dev", {"dev.parent": dev, "devres_managed": 1})
    kernel.devres_add(dev, "devm_input_allocate_device", idev, lambda: _release(kernel, idev))
    return idev


def _release(kernel: Kernel, idev: int) -> None:
    devices = kernel.registered.get("input", [])
    if idev in devices:  # a managed device is unregistered before it is freed
        devices.remove(idev)


def input_set_capability(kernel: Kernel, idev: int, type_: int, code: int) -> None:
    type_, code = type_ & 0xFFFFFFFF, code & 0xFFFFFFFF
    if type_ in BITMAPS:
        _set_bit(kernel, idev + kernel.offset("input_dev", BITMAPS[type_]), code)
    elif type_ != EV_PWR:
        raise kernel.error(f"input_set_capability: unknown event type {type_}")
    _set_bit(kernel, idev + kernel.offset("input_dev", "evbit"), type_)


def input_register_device(kernel: Kernel, idev: int) -> int:
    devices = kernel.registered.setdefault("input", [])
    if idev in devices:
        return -EINVAL & MASK64
    devices.append(idev)
    return 0


def input_unregister_device(kernel: Kernel, idev: int) -> None:
    _release(kernel, idev)


def input_ff_create(kernel: Kernel, idev: int, max_effects: int) -> int:
    """The force-feedback state: effect slots and the supported-effect bits copied from the
    device (plus FF_RUMBLE when periodic effects are supported), as ff-core does."""
    max_effects &= 0xFFFFFFFF
    if not max_effects or max_effects > 1024:
        return -EINVAL & MASK64
    ff = kernel.zalloc("ff_device", extra=8 * max_effects)  # + effect_owners[max_effects]
    effects = kernel.zalloc("ff_effect", max_effects)
    kernel.put(ff, "ff_device", "max_effects", max_effects)
    kernel.put(ff, "ff_device", "effects", effects)
    dev_ffbit = idev + kernel.offset("input_dev", "ffbit")
    ff_ffbit = ff + kernel.offset("ff_device", "ffbit")
    for bit in range(FF_CNT):
        if _test_bit(kernel, dev_ffbit, bit):
            _set_bit(kernel, ff_ffbit, bit)
    if _test_bit(kernel, ff_ffbit, FF_PERIODIC):
        _set_bit(kernel, dev_ffbit, FF_RUMBLE)
    kernel.put(idev, "input_dev", "ff", ff)
    _set_bit(kernel, idev + kernel.offset("input_dev", "evbit"), EV_FF)
    return 0


FUNCTIONS = {
    "devm_input_allocate_device": devm_input_allocate_device,
    "input_set_capability": input_set_capability,
    "input_register_device": input_register_device,
    "input_unregister_device": input_unregister_device,
    "input_ff_create": input_ff_create,
}
DATA: dict = {}
