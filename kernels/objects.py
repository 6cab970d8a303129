"""Kernel objects built in guest memory from BTF layouts: device tree nodes with properties,
resources, platform and AMBA devices.  Every offset and size comes from the kernel's BTF."""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # kernels.services imports this module (resource flags)
    from kernels.services.kernel import Kernel

# include/linux/ioport.h
IORESOURCE_MEM = 0x00000200
IORESOURCE_IRQ = 0x00000400
IORESOURCE_TYPE_BITS = 0x00001F00


@dataclass(frozen=True)
class Resource:
    start: int
    end: int  # inclusive, as in struct resource
    flags: int
    name: str = ""

    @classmethod
    def mem(cls, start: int, size: int, name: str = "") -> Resource:
        return cls(start, start + size - 1, IORESOURCE_MEM, name)

    @classmethod
    def irq(cls, number: int, name: str = "") -> Resource:
        return cls(number, number, IORESOURCE_IRQ, name)


def encode_property(value) -> bytes:
    """Device tree encoding: str -> NUL-terminated, list of str -> string list, int -> one
    big-endian cell, list of int -> cells, bytes as is, True -> empty (a boolean property)."""
    if value is True:
        return b""
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode() + b"\0"
    if isinstance(value, int):
        return struct.pack(">I", value)
    if all(isinstance(v, str) for v in value):
        return b"".join(v.encode() + b"\0" for v in value)
    return struct.pack(f">{len(value)}I", *value)


@dataclass
class DeviceNode:
    """A device tree node to build: ``full_name`` like "watchdog@fe000000"."""

    full_name: str
    properties: dict[str, object] = field(default_factory=dict)
    phandle: int = 0


def build_node(kernel: Kernel, node: DeviceNode, parent: int = 0) -> int:
    """A struct device_node with its property list (in the given order), under ``parent``."""
    addr = kernel.heap.alloc(kernel.btf.sizeof("struct device_node"))
    name = node.full_name.split("@")[0]
    kernel.put(addr, "device_node", "name", kernel.heap_string(name))
    kernel.put(addr, "device_node", "full_name", kernel.heap_string(node.full_name))
    kernel.put(addr, "device_node", "phandle", node.phandle)
    kernel.put(addr, "device_node", "parent", parent)
    link_at, link_type, link_path = addr, "device_node", "properties"
    for key, value in node.properties.items():
        data = encode_property(value)
        prop = kernel.heap.alloc(kernel.btf.sizeof("struct property"))
        kernel.put(prop, "property", "name", kernel.heap_string(key))
        kernel.put(prop, "property", "length", len(data))
        storage = kernel.heap.alloc(max(len(data), 1), align=8)  # non-NULL even when empty
        kernel.write(storage, data)
        kernel.put(prop, "property", "value", storage)
        kernel.put(link_at, link_type, link_path, prop)
        link_at, link_type, link_path = prop, "property", "next"
    return addr


def build_resources(kernel: Kernel, resources: list[Resource] | tuple[Resource, ...]) -> int:
    size = kernel.btf.sizeof("struct resource")
    base = kernel.heap.alloc(size * max(len(resources), 1))
    for i, res in enumerate(resources):
        fill_resource(kernel, base + i * size, res)
    return base


def fill_resource(kernel: Kernel, addr: int, res: Resource) -> None:
    kernel.put(addr, "resource", "start", res.start)
    kernel.put(addr, "resource", "end", res.end)
    kernel.put(addr, "resource", "flags", res.flags)
    if res.name:
        kernel.put(addr, "resource", "name", kernel.heap_string(res.name))


def _init_device(kernel: Kernel, dev: int, name: str, node: int, bus: int) -> None:
    kernel.put(dev, "device", "kobj.name", kernel.heap_string(name))
    kernel.put(dev, "device", "bus", bus)
    # pm_runtime_init(): runtime PM disabled once, device suspended
    kernel.put(dev, "device", "power.disable_depth", 1)
    kernel.put(dev, "device", "power.runtime_status",
               kernel.btf.enum_value("enum rpm_status", "RPM_SUSPENDED"))
    if node:
        kernel.put(dev, "device", "of_node", node)
        fwnode = node + kernel.btf.offsetof("device_node", "fwnode")
        kernel.put(dev, "device", "fwnode", fwnode)


def build_platform_device(kernel: Kernel, name: str, resources: list[Resource], node: int = 0,
                          dev_name: str | None = None, bus: int = 0) -> int:
    """struct platform_device named like the OF core names it ("fe000000.watchdog"), on
    ``bus`` (the address bound to ``platform_bus_type``)."""
    pdev = kernel.heap.alloc(kernel.btf.sizeof("struct platform_device"))
    kernel.put(pdev, "platform_device", "name", kernel.heap_string(name))
    kernel.put(pdev, "platform_device", "id", -1)  # PLATFORM_DEVID_NONE
    _init_device(kernel, pdev + kernel.btf.offsetof("platform_device", "dev"),
                 dev_name or name, node, bus)
    kernel.put(pdev, "platform_device", "num_resources", len(resources))
    kernel.put(pdev, "platform_device", "resource", build_resources(kernel, resources))
    return pdev


def build_amba_device(kernel: Kernel, dev_name: str, mem: Resource, periphid: int,
                      irqs: tuple[int, ...] = (), node: int = 0, bus: int = 0) -> int:
    """struct amba_device on ``bus`` (the address bound to ``amba_bustype``)."""
    adev = kernel.heap.alloc(kernel.btf.sizeof("struct amba_device"))
    _init_device(kernel, adev + kernel.btf.offsetof("amba_device", "dev"), dev_name, node, bus)
    fill_resource(kernel, adev + kernel.btf.offsetof("amba_device", "res"), mem)
    kernel.put(adev, "amba_device", "periphid", periphid)
    for i, irq in enumerate(irqs):
        kernel.put(adev, "amba_device", f"irq[{i}]", irq)
    return adev
