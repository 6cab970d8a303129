"""Kernel objects built from BTF, device tree properties, the device_property layer and the
platform bus services, through real machines (native and translated)."""

import struct

import pytest

from kernels.objects import (
    DeviceNode,
    Resource,
    build_amba_device,
    build_node,
    build_platform_device,
    encode_property,
)

MASK = (1 << 64) - 1
EINVAL, ENODATA, EOVERFLOW, ENXIO, EBUSY = 22, 61, 75, 6, 16
INT_MAX = 2**31 - 1


def neg(code: int) -> int:
    return -code & MASK


NODE = DeviceNode("watchdog@30000000", {
    "compatible": ["vendor,chip-v2", "vendor,chip"],
    "clock-frequency": 24_000_000,
    "cells": [1, 2, 3, 0xDEADBEEF],
    "big": (0x12345678_9ABCDEF0).to_bytes(8, "big"),
    "label": "main-wdt",
    "clock-names": ["apb", "core", "ref"],
    "wakeup-source": True,
    "bad-string": b"abc",
})
RESOURCES = [Resource.mem(0x30000000, 0x1000, "regs"), Resource.irq(37, "bark"),
             Resource.mem(0x30010000, 0x100, "ctrl"), Resource.irq(38, "bite")]


@pytest.fixture
def device(km):
    node = build_node(km.kernel, NODE)
    pdev = build_platform_device(km.kernel, "vendor-wdt", RESOURCES, node,
                                 dev_name="30000000.watchdog",
                                 bus=km.symbols.data["platform_bus_type"])
    dev = pdev + km.kernel.btf.offsetof("platform_device", "dev")
    return node, pdev, dev


def test_objects_read_back_through_btf(km, device, btf):
    node, pdev, dev = device
    k = km.kernel
    assert k.cstring(k.get(node, "device_node", "full_name")) == b"watchdog@30000000"
    assert k.cstring(k.get(node, "device_node", "name")) == b"watchdog"
    assert k.get(dev, "device", "of_node") == node
    assert k.get(dev, "device", "fwnode") == node + btf.offsetof("device_node", "fwnode")
    assert k.cstring(k.get(dev, "device", "kobj.name")) == b"30000000.watchdog"
    assert k.get(pdev, "platform_device", "num_resources") == 4
    assert k.get(pdev, "platform_device", "id") == 0xFFFFFFFF  # PLATFORM_DEVID_NONE (-1)
    adev = build_amba_device(k, "30020000.wdt", Resource.mem(0x30020000, 0x1000), 0x00141805,
                             (39,), node)
    assert k.get(adev, "amba_device", "periphid") == 0x00141805
    assert k.get(adev, "amba_device", "irq[0]") == 39
    assert k.get(adev, "amba_device", "res.start") == 0x30020000
    assert encode_property([1, 2]) == b"\0\0\0\1\0\0\0\2"


def test_of_property_reads(km, device):
    node, _, _ = device
    s, out = km.string, km.machine.alloc(64)
    assert km.service("of_property_read_variable_u32_array", node, s(b"cells"), out, 1, 8) == 4
    assert struct.unpack("<4I", km.machine.read(out, 16)) == (1, 2, 3, 0xDEADBEEF)
    assert km.service("of_property_read_variable_u32_array", node, s(b"cells"), out, 2, 0) == 2
    assert km.service("of_property_read_variable_u32_array", node, s(b"cells"), out, 5, 0) == \
        neg(EOVERFLOW)
    assert km.service("of_property_read_variable_u32_array", node, s(b"cells"), out, 1, 3) == \
        neg(EOVERFLOW)
    assert km.service("of_property_read_variable_u32_array", node, s(b"nope"), out, 1, 0) == \
        neg(EINVAL)
    assert km.service("of_property_read_u64", node, s(b"big"), out) == 0
    assert km.machine.read_u64(out) == 0x12345678_9ABCDEF0
    assert km.service("of_property_read_u32_index", node, s(b"cells"), 3, out) == 0
    assert km.machine.read(out, 4) == struct.pack("<I", 0xDEADBEEF)
    assert km.service("of_property_read_u32_index", node, s(b"cells"), 4, out) == neg(EOVERFLOW)
    assert km.service("of_property_count_elems_of_size", node, s(b"cells"), 4) == 4
    assert km.service("of_property_count_elems_of_size", node, s(b"cells"), 3) == neg(EINVAL)


def test_of_strings_and_lookup(km, device):
    node, _, _ = device
    s, out = km.string, km.machine.alloc(64)
    assert km.service("of_property_read_string", node, s(b"label"), out) == 0
    assert km.kernel.cstring(km.machine.read_u64(out)) == b"main-wdt"
    assert km.service("of_property_read_string", node, s(b"bad-string"), out) == neg(84)
    assert km.service("of_property_read_string_helper", node, s(b"clock-names"), 0, 0, 0) == 3
    assert km.service("of_property_read_string_helper", node, s(b"clock-names"), out, 2, 1) == 2
    assert [km.kernel.cstring(km.machine.read_u64(out + 8 * i)) for i in range(2)] == \
        [b"core", b"ref"]
    assert km.service("of_property_match_string", node, s(b"clock-names"), s(b"ref")) == 2
    assert km.service("of_property_match_string", node, s(b"clock-names"), s(b"x")) == \
        neg(ENODATA)
    lenp = km.machine.alloc(4)
    prop = km.service("of_find_property", node, s(b"wakeup-source"), lenp)
    assert prop and km.machine.read(lenp, 4) == bytes(4)
    value = km.service("of_get_property", node, s(b"clock-frequency"), lenp)
    assert km.machine.read(value, 4) == struct.pack(">I", 24_000_000)
    assert km.service("of_get_property", node, s(b"nope"), 0) == 0


def test_compatible_scores_follow_the_kernel(km, device):
    node, _, _ = device
    s = km.string
    assert km.service("of_device_is_compatible", node, s(b"vendor,chip-v2")) == INT_MAX // 2
    assert km.service("of_device_is_compatible", node, s(b"VENDOR,CHIP")) == INT_MAX // 2 - 4
    assert km.service("of_device_is_compatible", node, s(b"vendor,chip-v")) == 0
    assert km.service("of_device_is_compatible", node, s(b"other,chip")) == 0


def test_match_data_picks_the_best_compatible(km, device, btf):
    node, _, dev = device
    size = btf.sizeof("struct of_device_id")
    table = km.machine.alloc(3 * size)
    for i, (compat, data) in enumerate(((b"vendor,chip", 0x1111), (b"vendor,chip-v2", 0x2222))):
        km.machine.write(table + i * size + btf.offsetof("of_device_id", "compatible"), compat)
        km.kernel.put(table + i * size, "of_device_id", "data", data)
    driver = km.machine.alloc(btf.sizeof("struct device_driver"))
    km.kernel.put(driver, "device_driver", "of_match_table", table)
    assert km.service("of_device_get_match_data", dev) == 0  # not bound to a driver yet
    km.kernel.put(dev, "device", "driver", driver)
    assert km.service("of_device_get_match_data", dev) == 0x2222


def test_device_property_layer(km, device):
    node, _, dev = device
    s, out = km.string, km.machine.alloc(64)
    fwnode = km.service("__dev_fwnode", dev)
    assert fwnode == km.kernel.get(dev, "device", "fwnode")
    assert km.service("device_property_read_u32_array", dev, s(b"cells"), 0, 0) == 4
    assert km.service("device_property_read_u32_array", dev, s(b"cells"), out, 2) == 0
    assert km.machine.read(out, 8) == struct.pack("<2I", 1, 2)
    assert km.service("device_property_read_u64_array", dev, s(b"big"), out, 1) == 0
    assert km.machine.read_u64(out) == 0x12345678_9ABCDEF0
    assert km.service("device_property_present", dev, s(b"wakeup-source")) == 1
    assert km.service("device_property_present", dev, s(b"nope")) == 0
    assert km.service("device_property_read_string", dev, s(b"label"), out) == 0
    assert km.kernel.cstring(km.machine.read_u64(out)) == b"main-wdt"
    assert km.service("fwnode_property_read_u32_array", fwnode, s(b"nope"), out, 1) == \
        neg(EINVAL)


def test_platform_resources_and_irqs(km, device):
    _, pdev, _ = device
    s = km.string
    mem1 = km.service("platform_get_resource", pdev, 0x200, 1)
    assert km.kernel.get(mem1, "resource", "start") == 0x30010000
    assert km.service("platform_get_resource", pdev, 0x200, 2) == 0
    assert km.service("platform_get_resource_byname", pdev, 0x200, s(b"ctrl")) == mem1
    assert km.service("platform_get_irq", pdev, 1) == 38
    assert km.service("platform_get_irq_byname", pdev, s(b"bark")) == 37
    assert km.service("platform_irq_count", pdev) == 2
    assert km.service("platform_get_irq_optional", pdev, 2) == neg(ENXIO)
    assert km.service("platform_get_irq", pdev, 2) == neg(ENXIO)
    # no driver bound yet: dev_driver_string gives the bus name
    assert km.kernel.log[-1].text == \
        "platform 30000000.watchdog: error -ENXIO: IRQ index 2 not found"
    assert km.kernel.log[-1].level == 3


def test_ioremap_claims_maps_and_releases(km, device):
    _, pdev, dev = device
    regs = km.service("devm_platform_ioremap_resource", pdev, 0)
    k = km.kernel
    assert k.layout.ioremap_base <= regs < k.layout.ioremap_limit and regs & 0xFFF == 0
    km.machine.write(regs + 0xFFC, b"\x01\x02\x03\x04")
    assert km.machine.read(regs + 0xFFC, 4) == b"\x01\x02\x03\x04"
    ctrl = km.service("devm_platform_ioremap_resource_byname", pdev, km.string(b"ctrl"))
    assert ctrl > regs and [m.phys for m in k.iomaps] == [0x30000000, 0x30010000]
    assert km.service("devm_platform_ioremap_resource", pdev, 0) == neg(EBUSY)
    assert "can't request region for resource [mem 0x30000000-0x30000fff]" in k.log[-1].text
    assert km.service("devm_platform_ioremap_resource", pdev, 5) == neg(EINVAL)
    assert k.devres_release_all(dev) == ["devm_ioremap", "devm_ioremap"]
    assert k.iomaps == []
