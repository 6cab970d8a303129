"""GPIO consumers (drivers/gpio/gpiolib.c, gpiolib-devres.c, gpiolib-of.c): descriptors looked
up from "<con_id>-gpios" device tree properties (<phandle line flags> cells), line values kept by
the emulated kernel (`Kernel.gpio_values`, settable by a description or a test), IRQs numbered
from `Kernel.gpio_irq_base`."""

from __future__ import annotations

import struct
from dataclasses import dataclass

from kernels.errno import ENOENT, MASK64
from kernels.services.kernel import Kernel
from kernels.services.of import property_value

GPIOD_FLAGS_BIT_DIR_SET, GPIOD_FLAGS_BIT_DIR_OUT, GPIOD_FLAGS_BIT_DIR_VAL = 1, 2, 4
GPIO_ACTIVE_LOW = 1  # dt-bindings/gpio/gpio.h


@dataclass
class GpioDesc:
    line: tuple[int, int]  # (controller phandle, line number)
    active_low: bool
    output: bool = False


def _lookup(kernel: Kernel, dev: int, con_id: int, index: int) -> tuple[int, int, int] | None:
    node = kernel.get(dev, "device", "of_node")
    prefix = kernel.cstring(con_id) + b"-" if con_id else b""
    for suffix in (b"gpios", b"gpio"):
        value = property_value(kernel, node, prefix + suffix) if node else None
        if value is not None and len(value) >= 12 * (index + 1):
            return struct.unpack_from(">3I", value, 12 * index)
    return None


def _get(kernel: Kernel, dev: int, con_id: int, index: int, flags: int, optional: bool) -> int:
    cells = _lookup(kernel, dev, con_id, index & 0xFFFFFFFF)
    if cells is None:
        return 0 if optional else -ENOENT & MASK64
    phandle, line, dt_flags = cells
    addr = kernel.heap.alloc(kernel.btf.sizeof("struct gpio_desc"))
    desc = kernel.gpio_descs[addr] = GpioDesc((phandle, line), bool(dt_flags & GPIO_ACTIVE_LOW))
    if flags & GPIOD_FLAGS_BIT_DIR_SET and flags & GPIOD_FLAGS_BIT_DIR_OUT:
        _drive(kernel, desc, int(bool(flags & GPIOD_FLAGS_BIT_DIR_VAL)) ^ desc.active_low)
    kernel.devres_add(dev, "devm_gpiod_get", addr, lambda: kernel.gpio_descs.pop(addr, None))
    return addr


def _desc(kernel: Kernel, addr: int) -> GpioDesc:
    return kernel.state_of(kernel.gpio_descs, addr, "GPIO", "GPIO descriptor")


def _drive(kernel: Kernel, desc: GpioDesc, raw: int) -> None:
    desc.output = True
    kernel.gpio_values[desc.line] = raw & 1
    kernel.gpio_log.append((kernel.now_ns(), desc.line, raw & 1))


def devm_gpiod_get_index(kernel: Kernel, dev: int, con_id: int, index: int, flags: int) -> int:
    return _get(kernel, dev, con_id, index, flags, False)


def devm_gpiod_get_index_optional(kernel: Kernel, dev: int, con_id: int, index: int,
                                  flags: int) -> int:
    return _get(kernel, dev, con_id, index, flags, True)


def devm_gpiod_get(kernel: Kernel, dev: int, con_id: int, flags: int) -> int:
    return _get(kernel, dev, con_id, 0, flags, False)


def devm_gpiod_get_optional(kernel: Kernel, dev: int, con_id: int, flags: int) -> int:
    return _get(kernel, dev, con_id, 0, flags, True)


def gpiod_get_raw_value(kernel: Kernel, desc: int) -> int:
    return kernel.gpio_values.get(_desc(kernel, desc).line, 0)


def gpiod_get_value(kernel: Kernel, desc: int) -> int:
    return gpiod_get_raw_value(kernel, desc) ^ _desc(kernel, desc).active_low


def gpiod_set_raw_value(kernel: Kernel, desc: int, value: int) -> None:
    _drive(kernel, _desc(kernel, desc), int(bool(value & 0xFFFFFFFF)))


def gpiod_set_value(kernel: Kernel, desc: int, value: int) -> None:
    d = _desc(kernel, desc)
    _drive(kernel, d, int(bool(value & 0xFFFFFFFF)) ^ d.active_low)


def gpiod_direction_output(kernel: Kernel, desc: int, value: int) -> int:
    gpiod_set_value(kernel, desc, value)
    return 0


def gpiod_direction_input(kernel: Kernel, desc: int) -> int:
    _desc(kernel, desc).output = False
    return 0


def gpiod_to_irq(kernel: Kernel, desc: int) -> int:
    return kernel.gpio_irq_base + _desc(kernel, desc).line[1]


def gpiod_set_debounce(kernel: Kernel, desc: int, debounce: int) -> int:
    _desc(kernel, desc)
    return 0


FUNCTIONS = {
    "devm_gpiod_get": devm_gpiod_get, "devm_gpiod_get_optional": devm_gpiod_get_optional,
    "devm_gpiod_get_index": devm_gpiod_get_index,
    "devm_gpiod_get_index_optional": devm_gpiod_get_index_optional,
    "gpiod_get_value": gpiod_get_value, "gpiod_get_value_cansleep": gpiod_get_value,
    "gpiod_get_raw_value": gpiod_get_raw_value, "gpiod_set_value": gpiod_set_value,
    "gpiod_set_value_cansleep": gpiod_set_value, "gpiod_set_raw_value": gpiod_set_raw_value,
    "gpiod_direction_output": gpiod_direction_output,
    "gpiod_direction_input": gpiod_direction_input, "gpiod_to_irq": gpiod_to_irq,
    "gpiod_set_debounce": gpiod_set_debounce,
}
