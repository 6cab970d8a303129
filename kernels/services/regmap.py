"""Register maps over MMIO (drivers/base/regmap/regmap-mmio.c) and system controllers
(drivers/mfd/syscon.c): 32-bit registers, every access served by the device model and traced."""

from __future__ import annotations

import struct
from dataclasses import dataclass

from kernels.errno import ENODEV, MASK64
from kernels.services.kernel import Kernel
from kernels.services.of import find_property


@dataclass(frozen=True)
class RegmapState:
    base: int  # virtual address of register 0
    size: int


def _map(kernel: Kernel, regmap: int) -> RegmapState:
    return kernel.state_of(kernel.regmaps, regmap, "regmap", "regmap")


def _check(kernel: Kernel, state: RegmapState, reg: int) -> None:
    if reg % 4 or reg + 4 > state.size:
        raise kernel.error(f"regmap register 0x{reg:x} outside its 0x{state.size:x}-byte map")


def regmap_read(kernel: Kernel, regmap: int, reg: int, val: int) -> int:
    state = _map(kernel, regmap)
    _check(kernel, state, reg & 0xFFFFFFFF)
    kernel.write(val, struct.pack("<I", kernel.io_read(state.base + (reg & 0xFFFFFFFF), 4)))
    return 0


def regmap_write(kernel: Kernel, regmap: int, reg: int, value: int) -> int:
    state = _map(kernel, regmap)
    _check(kernel, state, reg & 0xFFFFFFFF)
    kernel.io_write(state.base + (reg & 0xFFFFFFFF), 4, value & 0xFFFFFFFF)
    return 0


def regmap_update_bits_base(kernel: Kernel, regmap: int, reg: int, mask: int, value: int,
                            change: int, is_async: int, force: int) -> int:
    state = _map(kernel, regmap)
    reg &= 0xFFFFFFFF
    _check(kernel, state, reg)
    old = kernel.io_read(state.base + reg, 4)
    new = (old & ~mask | value & mask) & 0xFFFFFFFF
    if force & 1 or new != old:
        kernel.io_write(state.base + reg, 4, new)
    if change:
        kernel.write(change, bytes([int(new != old)]))
    return 0


def new_regmap(kernel: Kernel, phys: int, size: int) -> int:
    """Map [phys, phys+size) and wrap it in a regmap object (opaque to drivers)."""
    virt = kernel.ioremap(phys, size)
    regmap = kernel.heap.alloc(kernel.btf.sizeof("struct regmap"))
    kernel.regmaps[regmap] = RegmapState(virt, size)
    return regmap


def syscon_regmap_lookup_by_phandle(kernel: Kernel, np: int, prop: int) -> int:
    """The regmap of the system controller whose phandle is in property ``prop`` of ``np``:
    created on first use (of_iomap of its region), shared afterwards."""
    found = find_property(kernel, np, kernel.cstring(prop)) if np else 0
    if not found or kernel.get(found, "property", "length") < 4:
        return -ENODEV & MASK64
    phandle = struct.unpack(">I", kernel.read(kernel.get(found, "property", "value"), 4))[0]
    region = kernel.syscons.get(phandle)
    if region is None:
        return -ENODEV & MASK64
    if region not in kernel.syscon_regmaps:
        start, end = region
        kernel.syscon_regmaps[region] = new_regmap(kernel, start, end - start + 1)
    return kernel.syscon_regmaps[region]


FUNCTIONS = {
    "regmap_read": regmap_read, "regmap_write": regmap_write,
    "regmap_update_bits_base": regmap_update_bits_base,
    "syscon_regmap_lookup_by_phandle": syscon_regmap_lookup_by_phandle,
}
