"""Voltage regulators as consumers see them (drivers/regulator/core.c, devres.c): supplies
named by "<id>-supply" properties, enable counts."""

from __future__ import annotations

from kernels.errno import EIO, ENODEV, MASK64
from kernels.services.kernel import Kernel
from kernels.services.of import property_value


def _get(kernel: Kernel, dev: int, id_: int, optional: bool) -> int:
    node = kernel.get(dev, "device", "of_node")
    name = kernel.cstring(id_).decode("latin-1") if id_ else ""
    described = node and property_value(kernel, node, f"{name}-supply".encode()) is not None
    if not described and optional:
        return -ENODEV & MASK64
    # a supply the device tree does not describe is the kernel's always-on dummy regulator
    reg = kernel.heap.alloc(64)
    kernel.regulators[reg] = {"name": name, "dummy": not described, "enabled": 0}
    kernel.devres_add(dev, "devm_regulator_get", reg, lambda: kernel.regulators.pop(reg, None))
    return reg


def devm_regulator_get(kernel: Kernel, dev: int, id_: int) -> int:
    return _get(kernel, dev, id_, optional=False)


def devm_regulator_get_optional(kernel: Kernel, dev: int, id_: int) -> int:
    return _get(kernel, dev, id_, optional=True)


def _regulator(kernel: Kernel, reg: int) -> dict:
    return kernel.state_of(kernel.regulators, reg, "regulator", "regulator")


def regulator_enable(kernel: Kernel, reg: int) -> int:
    _regulator(kernel, reg)["enabled"] += 1
    return 0


def regulator_disable(kernel: Kernel, reg: int) -> int:
    state = _regulator(kernel, reg)
    if state["enabled"] == 0:
        return -EIO & MASK64  # unbalanced disable
    state["enabled"] -= 1
    return 0


def regulator_is_enabled(kernel: Kernel, reg: int) -> int:
    state = _regulator(kernel, reg)
    return int(state["dummy"] or state["enabled"] > 0)


FUNCTIONS = {
    "devm_regulator_get": devm_regulator_get,
    "devm_regulator_get_optional": devm_regulator_get_optional,
    "regulator_enable": regulator_enable,
    "regulator_disable": regulator_disable,
    "regulator_is_enabled": regulator_is_enabled,
}
DATA: dict = {}
