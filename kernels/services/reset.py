"""Reset controllers as consumers see them (drivers/reset/core.c), and OF platform population
(drivers/of/platform.c) for nodes with child devices."""

from __future__ import annotations

from kernels.errno import ENOENT, MASK64
from kernels.services.kernel import Kernel


def _err_ptr(code: int) -> int:
    return -code & MASK64


def of_reset_control_array_get(kernel: Kernel, node: int, shared: int, optional: int,
                               acquired: int) -> int:
    """A control for every reset the node lists in "resets"; the NULL control (every operation
    a no-op) when it lists none and the lookup is optional, else -ENOENT."""
    from kernels.services.of import property_value

    if property_value(kernel, node, b"resets") is None:
        return 0 if optional & 0xFF else _err_ptr(ENOENT)
    control = kernel.heap.alloc(64)
    kernel.resets[control] = {"asserted": False, "shared": bool(shared & 0xFF)}
    return control


def _control(kernel: Kernel, rstc: int) -> dict | None:
    if rstc == 0:
        return None
    return kernel.state_of(kernel.resets, rstc, "reset", "reset control")


def reset_control_assert(kernel: Kernel, rstc: int) -> int:
    state = _control(kernel, rstc)
    if state is not None:
        state["asserted"] = True
    return 0


def reset_control_deassert(kernel: Kernel, rstc: int) -> int:
    state = _control(kernel, rstc)
    if state is not None:
        state["asserted"] = False
    return 0


def reset_control_put(kernel: Kernel, rstc: int) -> None:
    if _control(kernel, rstc) is not None:
        del kernel.resets[rstc]
        kernel.heap.free(rstc)


def of_platform_populate(kernel: Kernel, root: int, matches: int, lookup: int,
                         parent: int) -> int:
    """Create platform devices for the node's children: the nodes built from descriptions have
    none, so there is nothing to create."""
    if root and kernel.get(root, "device_node", "child"):
        raise kernel.error("of_platform_populate of a node with children is not emulated")
    return 0


def of_platform_depopulate(kernel: Kernel, parent: int) -> None:
    """Nothing was populated."""


FUNCTIONS = {
    "of_reset_control_array_get": of_reset_control_array_get,
    "reset_control_assert": reset_control_assert,
    "reset_control_deassert": reset_control_deassert,
    "reset_control_put": reset_control_put,
    "of_platform_populate": of_platform_populate,
    "of_platform_depopulate": of_platform_depopulate,
}
DATA: dict = {}
