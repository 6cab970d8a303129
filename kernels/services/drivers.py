"""Driver registration: platform and AMBA drivers register with the emulated driver core, which
records probe/remove, dev_pm_ops and ID tables for the runner to bind a device to."""

from __future__ import annotations

from kernels.driver_model import read_amba_driver, read_platform_driver
from kernels.services.kernel import Kernel


def _register(kernel: Kernel, driver) -> int:
    if any(d.addr == driver.addr for d in kernel.drivers):
        raise kernel.error(f"driver {driver.name!r} registered twice")
    kernel.drivers.append(driver)
    return 0


def _unregister(kernel: Kernel, addr: int, bus: str) -> None:
    for i, driver in enumerate(kernel.drivers):
        if driver.addr == addr and driver.bus == bus:
            del kernel.drivers[i]
            return
    raise kernel.error(f"{bus} driver 0x{addr:x} unregistered but never registered")


def __platform_driver_register(kernel: Kernel, drv: int, owner: int) -> int:
    return _register(kernel, read_platform_driver(kernel, drv))


def platform_driver_unregister(kernel: Kernel, drv: int) -> None:
    _unregister(kernel, drv, "platform")


def __platform_register_drivers(kernel: Kernel, drivers: int, count: int, owner: int) -> int:
    for i in range(count):
        __platform_driver_register(kernel, kernel.u64(drivers + 8 * i), owner)
    return 0


def platform_unregister_drivers(kernel: Kernel, drivers: int, count: int) -> None:
    for i in reversed(range(count)):
        platform_driver_unregister(kernel, kernel.u64(drivers + 8 * i))


def amba_driver_register(kernel: Kernel, drv: int) -> int:
    return _register(kernel, read_amba_driver(kernel, drv))


def amba_driver_unregister(kernel: Kernel, drv: int) -> None:
    _unregister(kernel, drv, "amba")


def init_amba_bus(kernel: Kernel, addr: int) -> None:
    kernel.put(addr, "bus_type", "name", kernel.heap_string("amba"))


FUNCTIONS = {
    "__platform_driver_register": __platform_driver_register,
    "platform_driver_unregister": platform_driver_unregister,
    "__platform_register_drivers": __platform_register_drivers,
    "platform_unregister_drivers": platform_unregister_drivers,
    "amba_driver_register": amba_driver_register,
    "amba_driver_unregister": amba_driver_unregister,
}
DATA = {"amba_bustype": ("struct bus_type", init_amba_bus)}
