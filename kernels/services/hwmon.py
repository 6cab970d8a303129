"""Hardware-monitoring and thermal cooling-device registration (drivers/hwmon/hwmon.c,
drivers/thermal/thermal_core.c), as fan and sensor drivers call them."""

from __future__ import annotations

from kernels.errno import EINVAL, MASK64
from kernels.services.convention import GuestCall
from kernels.services.kernel import Kernel


def devm_hwmon_device_register_with_info(kernel: Kernel, dev: int, name: int, drvdata: int,
                                         info: int, groups: int) -> int:
    """A hwmon class device for the chip description ``info`` (name required, as the core's
    checks do)."""
    if not name or not kernel.cstring(name) or (not info and not groups):
        return -EINVAL & MASK64
    hwmon = kernel.zalloc("struct device")
    kernel.put(hwmon, "device", "parent", dev)
    kernel.put(hwmon, "device", "driver_data", drvdata)
    kernel.devm_register(dev, "hwmon", hwmon, "devm_hwmon_device_register_with_info")
    return hwmon


def devm_thermal_of_cooling_device_register(kernel: Kernel, dev: int, node: int, type_: int,
                                            devdata: int, ops: int):
    """A cooling device; like the core, ask the driver for its maximum state at once."""
    if not ops or not kernel.get(ops, "thermal_cooling_device_ops", "get_max_state"):
        return -EINVAL & MASK64
    cdev = kernel.new("thermal_cooling_device", {"id": kernel.registered_count("cooling"),
                                                 "type": type_, "devdata": devdata, "ops": ops})
    get_max = kernel.get(ops, "thermal_cooling_device_ops", "get_max_state")
    result = yield GuestCall(get_max, (cdev, cdev + kernel.offset("thermal_cooling_device",
                                                                   "max_state")))
    if result & 0xFFFFFFFF:
        return result
    kernel.devm_register(dev, "cooling", cdev, "devm_thermal_of_cooling_device_register")
    return cdev


FUNCTIONS = {
    "devm_hwmon_device_register_with_info": devm_hwmon_device_register_with_info,
    "devm_thermal_of_cooling_device_register": devm_thermal_of_cooling_device_register,
}
DATA: dict = {}
