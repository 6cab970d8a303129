"""The platform bus as drivers use it (drivers/base/platform.c, lib/devres.c): resources, IRQs
and MMIO mappings of a platform device."""

from __future__ import annotations

import struct

from kernels.errno import MASK64
from kernels.objects import IORESOURCE_IRQ, IORESOURCE_MEM, IORESOURCE_TYPE_BITS
from kernels.services.kernel import Kernel
from kernels.services.printk import LOGLEVEL, dev_prefix, log

EINVAL, ENXIO, EBUSY, ENOMEM = 22, 6, 16, 12


def err(code: int) -> int:
    return -code & MASK64


def _resources(kernel: Kernel, pdev: int):
    base = kernel.get(pdev, "platform_device", "resource")
    size = kernel.btf.sizeof("struct resource")
    for i in range(kernel.get(pdev, "platform_device", "num_resources")):
        yield base + i * size


def _dev(kernel: Kernel, pdev: int) -> int:
    return pdev + kernel.btf.offsetof("platform_device", "dev")


def _type(kernel: Kernel, res: int) -> int:
    return kernel.get(res, "resource", "flags") & IORESOURCE_TYPE_BITS


def _name(kernel: Kernel, res: int) -> bytes:
    name = kernel.get(res, "resource", "name")
    return kernel.cstring(name) if name else b""


def platform_get_resource(kernel: Kernel, pdev: int, kind: int, num: int) -> int:
    for res in _resources(kernel, pdev):
        if _type(kernel, res) == kind & 0xFFFFFFFF:
            if num == 0:
                return res
            num -= 1
    return 0


def platform_get_resource_byname(kernel: Kernel, pdev: int, kind: int, name: int) -> int:
    wanted = kernel.cstring(name)
    for res in _resources(kernel, pdev):
        if _type(kernel, res) == kind & 0xFFFFFFFF and _name(kernel, res) == wanted:
            return res
    return 0


def platform_get_irq_optional(kernel: Kernel, pdev: int, num: int) -> int:
    res = platform_get_resource(kernel, pdev, IORESOURCE_IRQ, num & 0xFFFFFFFF)
    return kernel.get(res, "resource", "start") if res else err(ENXIO)


def platform_get_irq(kernel: Kernel, pdev: int, num: int) -> int:
    irq = platform_get_irq_optional(kernel, pdev, num)
    if irq >> 63:
        log(kernel, LOGLEVEL["err"], f"{dev_prefix(kernel, _dev(kernel, pdev))}error -ENXIO: "
                                     f"IRQ index {num & 0xFFFFFFFF} not found")
    return irq


def platform_get_irq_byname_optional(kernel: Kernel, pdev: int, name: int) -> int:
    res = platform_get_resource_byname(kernel, pdev, IORESOURCE_IRQ, name)
    return kernel.get(res, "resource", "start") if res else err(ENXIO)


def platform_get_irq_byname(kernel: Kernel, pdev: int, name: int) -> int:
    irq = platform_get_irq_byname_optional(kernel, pdev, name)
    if irq >> 63:
        log(kernel, LOGLEVEL["err"], f"{dev_prefix(kernel, _dev(kernel, pdev))}error -ENXIO: "
                                     f"IRQ {kernel.cstring(name).decode('latin-1')} not found")
    return irq


def platform_irq_count(kernel: Kernel, pdev: int) -> int:
    return sum(_type(kernel, res) == IORESOURCE_IRQ for res in _resources(kernel, pdev))


def _claim(kernel: Kernel, dev: int, start: int, size: int, requested: bool = False) -> int:
    """Map and record a managed mapping; returns the virtual address."""
    virt = kernel.ioremap(start, size, requested)
    kernel.devres_add(dev, "devm_ioremap", virt, lambda: kernel.iounmap(virt))
    return virt


def devm_ioremap_resource(kernel: Kernel, dev: int, res: int) -> int:
    """Request the region (-EBUSY if already claimed) and map it; ERR_PTR on failure."""
    prefix = dev_prefix(kernel, dev)
    if not res or _type(kernel, res) != IORESOURCE_MEM:
        log(kernel, LOGLEVEL["err"], f"{prefix}invalid resource")
        return err(EINVAL)
    start, end = kernel.get(res, "resource", "start"), kernel.get(res, "resource", "end")
    if any(m.requested and m.phys < end + 1 and start < m.phys + m.size
           for m in kernel.iomaps):
        log(kernel, LOGLEVEL["err"], f"{prefix}can't request region for resource "
                                     f"[mem 0x{start:08x}-0x{end:08x}]")
        return err(EBUSY)
    return _claim(kernel, dev, start, end - start + 1, requested=True)


def devm_ioremap(kernel: Kernel, dev: int, offset: int, size: int) -> int:
    return _claim(kernel, dev, offset, size)


def devm_iounmap(kernel: Kernel, dev: int, addr: int) -> None:
    entry = kernel.devres_remove(dev, "devm_ioremap", addr)
    if entry is None:
        raise kernel.error(f"devm_iounmap of 0x{addr:x}, not a managed mapping")
    entry.release()


def devm_platform_ioremap_resource(kernel: Kernel, pdev: int, index: int) -> int:
    res = platform_get_resource(kernel, pdev, IORESOURCE_MEM, index)
    return devm_ioremap_resource(kernel, _dev(kernel, pdev), res)


def devm_platform_ioremap_resource_byname(kernel: Kernel, pdev: int, name: int) -> int:
    res = platform_get_resource_byname(kernel, pdev, IORESOURCE_MEM, name)
    return devm_ioremap_resource(kernel, _dev(kernel, pdev), res)


def devm_platform_get_and_ioremap_resource(kernel: Kernel, pdev: int, index: int,
                                           out: int) -> int:
    res = platform_get_resource(kernel, pdev, IORESOURCE_MEM, index)
    if out:
        kernel.write(out, struct.pack("<Q", res))
    return devm_ioremap_resource(kernel, _dev(kernel, pdev), res)


def init_platform_bus(kernel: Kernel, addr: int) -> None:
    kernel.put(addr, "bus_type", "name", kernel.heap_string("platform"))


FUNCTIONS = {
    "platform_get_resource": platform_get_resource,
    "platform_get_resource_byname": platform_get_resource_byname,
    "platform_get_irq": platform_get_irq, "platform_get_irq_optional": platform_get_irq_optional,
    "platform_get_irq_byname": platform_get_irq_byname,
    "platform_get_irq_byname_optional": platform_get_irq_byname_optional,
    "platform_irq_count": platform_irq_count,
    "devm_ioremap_resource": devm_ioremap_resource, "devm_ioremap": devm_ioremap,
    "devm_iounmap": devm_iounmap,
    "devm_platform_ioremap_resource": devm_platform_ioremap_resource,
    "devm_platform_ioremap_resource_byname": devm_platform_ioremap_resource_byname,
    "devm_platform_get_and_ioremap_resource": devm_platform_get_and_ioremap_resource,
}
DATA = {"platform_bus_type": ("struct bus_type", init_platform_bus)}
