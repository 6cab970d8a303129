"""Thermal zones of device-tree sensors (drivers/thermal/thermal_of.c, thermal_core.c): zone
registration with the trips described for the sensor, enable/disable, and updates that read
the temperature through the driver's get_temp callback (guest code)."""

from __future__ import annotations

from kernels.errno import EINVAL, ENODEV, MASK64
from kernels.services.convention import GuestCall
from kernels.services.kernel import Kernel

THERMAL_DEVICE_DISABLED, THERMAL_DEVICE_ENABLED = 0, 1


def devm_thermal_of_zone_register(kernel: Kernel, dev: int, sensor_id: int, data: int,
                                  ops: int) -> int:
    """A zone for sensor ``sensor_id`` with the trips its description lists; -ENODEV when no
    thermal zone names the sensor (as of_find_thermal_zone finds none)."""
    trips = kernel.thermal_trips.get(sensor_id & 0xFFFFFFFF)
    if trips is None:
        return -ENODEV & MASK64
    if not ops or not kernel.get(ops, "thermal_zone_device_ops", "get_temp"):
        return -EINVAL & MASK64
    tz = kernel.new("thermal_zone_device", {"id": kernel.registered_count("thermal"),
                                            "devdata": data, "ops": ops})
    trip_size = kernel.btf.sizeof("thermal_trip")
    array = kernel.zalloc("thermal_trip", len(trips))
    for k, (temperature, hysteresis, kind) in enumerate(trips):
        kernel.put(array + k * trip_size, "thermal_trip", "temperature", temperature)
        kernel.put(array + k * trip_size, "thermal_trip", "hysteresis", hysteresis)
        kernel.put(array + k * trip_size, "thermal_trip", "type", kind)
    kernel.put(tz, "thermal_zone_device", "trips", array)
    kernel.put(tz, "thermal_zone_device", "num_trips", len(trips))
    kernel.devm_register(dev, "thermal", tz, "devm_thermal_of_zone_register")
    return tz


def of_thermal_get_ntrips(kernel: Kernel, tz: int) -> int:
    return kernel.get(tz, "thermal_zone_device", "num_trips")


def of_thermal_get_trip_points(kernel: Kernel, tz: int) -> int:
    return kernel.get(tz, "thermal_zone_device", "trips")


def thermal_zone_device_update(kernel: Kernel, tz: int, event: int):
    """Read the temperature through the zone's get_temp (the driver's code) and record it."""
    if kernel.get(tz, "thermal_zone_device", "mode") != THERMAL_DEVICE_ENABLED:
        return None
    get_temp = kernel.get(kernel.get(tz, "thermal_zone_device", "ops"),
                          "thermal_zone_device_ops", "get_temp")
    slot = tz + kernel.offset("thermal_zone_device", "temperature")
    result = yield GuestCall(get_temp, (tz, slot))
    if not result & 0xFFFFFFFF:
        temp = kernel.get(tz, "thermal_zone_device", "temperature")  # int, millicelsius
        kernel.thermal_log.append((kernel.now_ns(), kernel.get(tz, "thermal_zone_device", "id"),
                                   temp - (1 << 32) if temp >> 31 else temp))
    return None


def thermal_zone_device_enable(kernel: Kernel, tz: int):
    kernel.put(tz, "thermal_zone_device", "mode", THERMAL_DEVICE_ENABLED)
    yield from thermal_zone_device_update(kernel, tz, 0)
    return 0


def thermal_zone_device_disable(kernel: Kernel, tz: int) -> int:
    kernel.put(tz, "thermal_zone_device", "mode", THERMAL_DEVICE_DISABLED)
    return 0


FUNCTIONS = {
    "devm_thermal_of_zone_register": devm_thermal_of_zone_register,
    "of_thermal_get_ntrips": of_thermal_get_ntrips,
    "of_thermal_get_trip_points": of_thermal_get_trip_points,
    "thermal_zone_device_update": thermal_zone_device_update,
    "thermal_zone_device_enable": thermal_zone_device_enable,
    "thermal_zone_device_disable": thermal_zone_device_disable,
}
DATA: dict = {}
