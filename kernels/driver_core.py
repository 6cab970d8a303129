"""Binding a registered driver to a device as the driver core does: match, set dev->driver,
call probe; PM callbacks; unbind (remove, then release the device's managed resources)."""

from __future__ import annotations

from dataclasses import dataclass

from kernels.driver_model import RegisteredDriver
from kernels.errors import KernelsError
from kernels.services.of import compatible_score

MASK32 = 0xFFFFFFFF


@dataclass(frozen=True)
class Bound:
    """A device bound to its driver: the bus device (platform_device / amba_device) and its
    embedded struct device."""

    driver: RegisteredDriver
    bus_device: int
    dev: int


def device_of(kernel, bus: str, bus_device: int) -> int:
    kind = "platform_device" if bus == "platform" else "amba_device"
    return bus_device + kernel.btf.offsetof(kind, "dev")


def amba_match(kernel, driver: RegisteredDriver, periphid: int) -> int:
    """Address of the driver's amba_id entry matching ``periphid`` (amba_lookup)."""
    table = kernel.get(driver.addr, "amba_driver", "id_table")
    size = kernel.btf.sizeof("struct amba_id")
    for i, entry in enumerate(driver.amba_ids):
        if periphid & entry.mask == entry.id:
            return table + i * size
    return 0


def probe(session, driver: RegisteredDriver, bus_device: int) -> tuple[Bound, int]:
    """Bind and call the driver's probe; returns the binding and probe's int result."""
    kernel = session.kernel
    dev = device_of(kernel, driver.bus, bus_device)
    embedded = "driver" if driver.bus == "platform" else "drv"
    kind = "platform_driver" if driver.bus == "platform" else "amba_driver"
    kernel.put(dev, "device", "driver", driver.addr + kernel.btf.offsetof(kind, embedded))
    if driver.bus == "amba":
        periphid = kernel.get(bus_device, "amba_device", "periphid")
        ident = amba_match(kernel, driver, periphid)
        if not ident:
            raise KernelsError(f"{driver.name}: no AMBA ID matches periphid 0x{periphid:08x}")
        result = session.call(driver.probe, bus_device, ident)
    else:
        node = kernel.get(dev, "device", "of_node")
        if driver.of_match and node and not any(
                compatible_score(kernel, node, m.compatible.encode()) for m in driver.of_match):
            raise KernelsError(f"{driver.name}: the device's compatible matches none of the "
                               f"driver's OF table")
        result = session.call(driver.probe, bus_device)
    result &= MASK32
    if result:  # a failed probe releases what it took, as really_probe does
        kernel.devres_release_all(dev)
        kernel.put(dev, "device", "driver", 0)
    return Bound(driver, bus_device, dev), result - (1 << 32) if result >> 31 else result


def pm_callback(session, bound: Bound, name: str) -> int | None:
    """Call dev_pm_ops.<name>(dev) if the driver has it; None if it has not."""
    addr = bound.driver.pm.get(name)
    if addr is None:
        return None
    result = session.call(addr, bound.dev) & MASK32
    return result - (1 << 32) if result >> 31 else result


def remove(session, bound: Bound) -> None:
    """The driver's remove, then devres release (newest first), then dev->driver = NULL."""
    if bound.driver.remove:
        session.call(bound.driver.remove, bound.bus_device)
    session.kernel.devres_release_all(bound.dev)
    session.kernel.put(bound.dev, "device", "driver", 0)


IRQ_HANDLED, IRQ_WAKE_THREAD = 1, 2  # enum irqreturn
IRQ_RESULTS = {0: "none", IRQ_HANDLED: "handled", IRQ_WAKE_THREAD: "woke its thread"}


def raise_irqs(session) -> None:
    """Assert every requested, enabled IRQ line once, in line order, with the device registers
    as they are: the primary handler runs (a missing one wakes the thread, as
    irq_default_primary_handler does), then the thread function if the handler woke it.  Each
    delivery is logged in ``Kernel.irq_log`` as (cycle, irq, what the handlers returned)."""
    kernel = session.kernel
    for irq, action in sorted(kernel.irqs.items()):
        if action.depth:
            continue
        cycle = session.machine.stats.cycles
        result = (session.call(action.handler, irq, action.dev_id) & MASK32
                  if action.handler else IRQ_WAKE_THREAD)
        outcome = IRQ_RESULTS.get(result, f"returned {result}")
        if result == IRQ_WAKE_THREAD and action.thread_fn:
            threaded = session.call(action.thread_fn, irq, action.dev_id) & MASK32
            outcome += f", thread {IRQ_RESULTS.get(threaded, f'returned {threaded}')}"
        kernel.irq_log.append((cycle, irq, outcome))
