"""The common clock framework as consumers see it (drivers/clk/clk.c, clk-devres.c): clocks
looked up by device and connection id, prepare/enable counts, rates."""

from __future__ import annotations

from dataclasses import dataclass

from kernels.errno import MASK64
from kernels.services.kernel import Kernel
from kernels.services.printk import LOGLEVEL, log

# Rate of a clock no description names: 24 MHz, the reference oscillator of most of the
# targets' SoCs (Amlogic GXBB, Tegra, Marvell Armada 3700 XTAL, Broadcom BCM2711 timer).
DEFAULT_RATE_HZ = 24_000_000


@dataclass
class ClockState:
    dev: int
    con_id: str
    rate: int
    prepare_count: int = 0
    enable_count: int = 0


def clk_get(kernel: Kernel, dev: int, con_id: int) -> int:
    name = kernel.cstring(con_id).decode("latin-1") if con_id else ""
    clk = kernel.heap.alloc(kernel.btf.sizeof("struct clk"))
    kernel.put(clk, "clk", "dev", dev)
    kernel.put(clk, "clk", "con_id", con_id)
    kernel.put(clk, "clk", "max_rate", MASK64)
    kernel.clocks[clk] = ClockState(dev, name, kernel.clock_rates.get(name, DEFAULT_RATE_HZ))
    return clk


def _state(kernel: Kernel, clk: int) -> ClockState | None:
    if clk == 0:
        return None  # the NULL clock of optional lookups: every operation is a no-op
    return kernel.state_of(kernel.clocks, clk, "clock", "clock")


def clk_put(kernel: Kernel, clk: int) -> None:
    if _state(kernel, clk) is not None:
        del kernel.clocks[clk]


def devm_clk_get(kernel: Kernel, dev: int, con_id: int) -> int:
    clk = clk_get(kernel, dev, con_id)
    kernel.devres_add(dev, "devm_clk_get", clk, lambda: clk_put(kernel, clk))
    return clk


def devm_clk_get_enabled(kernel: Kernel, dev: int, con_id: int) -> int:
    clk = clk_get(kernel, dev, con_id)
    clk_prepare(kernel, clk)
    clk_enable(kernel, clk)

    def release() -> None:
        clk_disable(kernel, clk)
        clk_unprepare(kernel, clk)
        clk_put(kernel, clk)
    kernel.devres_add(dev, "devm_clk_get", clk, release)
    return clk


def devm_clk_put(kernel: Kernel, dev: int, clk: int) -> None:
    entry = kernel.devres_remove(dev, "devm_clk_get", clk)
    if entry is None:
        raise kernel.error(f"devm_clk_put of 0x{clk:x}, not a managed clock")
    entry.release()


def clk_prepare(kernel: Kernel, clk: int) -> int:
    state = _state(kernel, clk)
    if state is not None:
        state.prepare_count += 1
    return 0


def clk_unprepare(kernel: Kernel, clk: int) -> None:
    state = _state(kernel, clk)
    if state is None:
        return
    if state.prepare_count == 0:  # the kernel WARNs "... already unprepared"
        log(kernel, LOGLEVEL["warn"], f"clk {state.con_id or '(unnamed)'} already unprepared")
        return
    state.prepare_count -= 1


def clk_enable(kernel: Kernel, clk: int) -> int:
    state = _state(kernel, clk)
    if state is None:
        return 0
    if state.prepare_count == 0:  # the kernel WARNs and refuses with -ESHUTDOWN
        log(kernel, LOGLEVEL["warn"], f"clk {state.con_id or '(unnamed)'} enabled while "
                                      f"unprepared")
        return -108 & MASK64
    state.enable_count += 1
    return 0


def clk_disable(kernel: Kernel, clk: int) -> None:
    state = _state(kernel, clk)
    if state is None:
        return
    if state.enable_count == 0:
        log(kernel, LOGLEVEL["warn"], f"clk {state.con_id or '(unnamed)'} already disabled")
        return
    state.enable_count -= 1


def clk_get_rate(kernel: Kernel, clk: int) -> int:
    state = _state(kernel, clk)
    return state.rate if state is not None else 0


def clk_set_rate(kernel: Kernel, clk: int, rate: int) -> int:
    state = _state(kernel, clk)
    if state is not None:
        state.rate = rate
    return 0


def clk_round_rate(kernel: Kernel, clk: int, rate: int) -> int:
    return rate if _state(kernel, clk) is not None else 0


# --- clk_bulk: arrays of struct clk_bulk_data {const char *id; struct clk *clk;} -------------

def _bulk(kernel: Kernel, num: int, clks: int) -> list[int]:
    size = kernel.btf.sizeof("clk_bulk_data")
    return [kernel.get(clks + k * size, "clk_bulk_data", "clk") for k in range(num)]


def clk_bulk_get_all(kernel: Kernel, dev: int, out: int) -> int:
    """One clock per "clock-names" entry of the device's node (of_clk_bulk_get_all); 0 when
    the node names none."""
    from kernels.services.of import _strings, property_value

    node = kernel.get(dev, "device", "of_node")
    names = _strings(property_value(kernel, node, b"clock-names") or b"") or []
    if not names:
        return 0
    size = kernel.btf.sizeof("clk_bulk_data")
    array = kernel.heap.alloc(size * len(names))
    for k, name in enumerate(names):
        con_id = kernel.heap_string(name.decode("latin-1"))
        kernel.put(array + k * size, "clk_bulk_data", "id", con_id)
        kernel.put(array + k * size, "clk_bulk_data", "clk", clk_get(kernel, dev, con_id))
    kernel.write(out, array.to_bytes(8, "little"))
    return len(names)


def clk_bulk_put_all(kernel: Kernel, num: int, clks: int) -> None:
    for clk in _bulk(kernel, num, clks):
        clk_put(kernel, clk)
    if clks:
        kernel.heap.free(clks)


def clk_bulk_prepare(kernel: Kernel, num: int, clks: int) -> int:
    for clk in _bulk(kernel, num, clks):
        clk_prepare(kernel, clk)
    return 0


def clk_bulk_unprepare(kernel: Kernel, num: int, clks: int) -> None:
    for clk in reversed(_bulk(kernel, num, clks)):
        clk_unprepare(kernel, clk)


def clk_bulk_enable(kernel: Kernel, num: int, clks: int) -> int:
    for clk in _bulk(kernel, num, clks):
        result = clk_enable(kernel, clk)
        if result:
            return result
    return 0


def clk_bulk_disable(kernel: Kernel, num: int, clks: int) -> None:
    for clk in reversed(_bulk(kernel, num, clks)):
        clk_disable(kernel, clk)


FUNCTIONS = {
    "clk_bulk_get_all": clk_bulk_get_all,
    "clk_bulk_put_all": clk_bulk_put_all,
    "clk_bulk_prepare": clk_bulk_prepare,
    "clk_bulk_unprepare": clk_bulk_unprepare,
    "clk_bulk_enable": clk_bulk_enable,
    "clk_bulk_disable": clk_bulk_disable,
    "clk_get": clk_get, "clk_put": clk_put, "devm_clk_get": devm_clk_get,
    "devm_clk_get_optional": devm_clk_get, "devm_clk_get_enabled": devm_clk_get_enabled,
    "devm_clk_get_optional_enabled": devm_clk_get_enabled, "devm_clk_put": devm_clk_put,
    "clk_prepare": clk_prepare, "clk_unprepare": clk_unprepare, "clk_enable": clk_enable,
    "clk_disable": clk_disable, "clk_get_rate": clk_get_rate, "clk_set_rate": clk_set_rate,
    "clk_round_rate": clk_round_rate,
}
