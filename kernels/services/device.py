"""Device objects of the driver core (drivers/base/core.c, lib/kobject.c, fs/sysfs/group.c) as
subsystem cores that create their own devices (w1 bus masters, class devices) call them: names,
registration, reference counts ending in the device's release callback, attribute groups."""

from __future__ import annotations

from kernels.errno import EINVAL, MASK64
from kernels.format import render
from kernels.services.convention import GuestCall
from kernels.services.kernel import Kernel


def dev_set_name(kernel: Kernel, dev: int, fmt: int, varargs) -> int:
    """kobject_set_name_vargs: a heap copy of the formatted name, '/' turned into '!'."""
    text = render(kernel.cstring(fmt, 1 << 12), varargs, kernel).replace("/", "!")
    kernel.put(dev, "device", "kobj.name", kernel.heap_string(text))
    return 0


def device_initialize(kernel: Kernel, dev: int) -> None:
    """The caller's reference: the last put_device releases the device."""
    kernel.device_refs[dev] = 1


def device_add(kernel: Kernel, dev: int) -> int:
    """Name the device (init_name, else the name set before) and list it as registered."""
    init_name = kernel.get(dev, "device", "init_name")
    if init_name:
        name = kernel.cstring(init_name).decode("latin-1")
        kernel.put(dev, "device", "kobj.name", kernel.heap_string(name))
        kernel.put(dev, "device", "init_name", 0)
    if not kernel.get(dev, "device", "kobj.name"):
        return -EINVAL & MASK64  # "error: kobject name not set", as device_add fails
    kernel.registered.setdefault("device", []).append(dev)
    return 0


def device_register(kernel: Kernel, dev: int) -> int:
    device_initialize(kernel, dev)
    return device_add(kernel, dev)


def get_device(kernel: Kernel, dev: int) -> int:
    if dev:
        kernel.device_refs[dev] = kernel.device_refs.get(dev, 0) + 1
    return dev


def put_device(kernel: Kernel, dev: int):
    """Drop a reference; the last one calls the device's release: dev->release, else its
    type's, else its class's (device_release)."""
    if not dev:
        return
    refs = kernel.device_refs
    if dev not in refs:
        raise kernel.error(f"put_device on 0x{dev:x}, which was never initialized")
    refs[dev] -= 1
    if refs[dev]:
        return
    del refs[dev]
    release = kernel.get(dev, "device", "release")
    device_type, device_class = kernel.get(dev, "device", "type"), kernel.get(dev, "device",
                                                                             "class")
    if not release and device_type:
        release = kernel.get(device_type, "device_type", "release")
    if not release and device_class:
        release = kernel.get(device_class, "class", "dev_release")
    if not release:
        raise kernel.error(f"device 0x{dev:x} has no release() function (the kernel warns "
                           f"and leaks it)")
    yield GuestCall(release, (dev,))


def device_del(kernel: Kernel, dev: int) -> None:
    """Unlist the device and its sysfs groups; the reference from device_initialize stays."""
    devices = kernel.registered.get("device", [])
    if dev not in devices:
        raise kernel.error(f"device_del of 0x{dev:x}, which is not registered")
    devices.remove(dev)
    kernel.sysfs_groups.pop(dev + kernel.offset("device", "kobj"), None)


def device_unregister(kernel: Kernel, dev: int):
    device_del(kernel, dev)
    yield from put_device(kernel, dev)


def sysfs_create_group(kernel: Kernel, kobj: int, group: int) -> int:
    """Record the attribute group on the kobject (the files a user would see in sysfs)."""
    if not group or not kernel.get(group, "attribute_group", "attrs") and not kernel.get(
            group, "attribute_group", "bin_attrs"):
        return -EINVAL & MASK64
    groups = kernel.sysfs_groups.setdefault(kobj, [])
    if group in groups:
        return -17 & MASK64  # EEXIST: the group's files already exist
    groups.append(group)
    return 0


def sysfs_remove_group(kernel: Kernel, kobj: int, group: int) -> None:
    groups = kernel.sysfs_groups.get(kobj, [])
    if group in groups:
        groups.remove(group)


FUNCTIONS = {
    "dev_set_name": dev_set_name,
    "device_initialize": device_initialize,
    "device_add": device_add,
    "device_register": device_register,
    "get_device": get_device,
    "put_device": put_device,
    "device_del": device_del,
    "device_unregister": device_unregister,
    "sysfs_create_group": sysfs_create_group,
    "sysfs_remove_group": sysfs_remove_group,
}
DATA: dict = {}
