"""Register maps over MMIO and syscon lookup by phandle, through real machines."""

import struct

import pytest

from kernels.errors import KernelServiceError
from kernels.objects import DeviceNode, build_node
from kernels.runner import first_divergence, run_module

MASK = (1 << 64) - 1
SYSCON = 0x30010000


@pytest.fixture
def regmap(km):
    km.kernel.syscons[7] = (SYSCON, SYSCON + 0xFFF)
    node = build_node(km.kernel, DeviceNode("wdt@30000000", {"vendor,syscon": 7, "bad": 9}))
    return node, km.service("syscon_regmap_lookup_by_phandle", node, km.string(b"vendor,syscon"))


def test_syscon_lookup(km, regmap):
    node, first = regmap
    assert km.kernel.iomaps[-1].phys == SYSCON
    assert km.service("syscon_regmap_lookup_by_phandle", node, km.string(b"vendor,syscon")) \
        == first  # shared
    assert km.service("syscon_regmap_lookup_by_phandle", node, km.string(b"bad")) == -19 & MASK
    assert km.service("syscon_regmap_lookup_by_phandle", node, km.string(b"nope")) == -19 & MASK


def test_regmap_accesses_are_traced(km, regmap):
    _, rm = regmap
    val, change = km.machine.alloc(4), km.machine.alloc(1)
    assert km.service("regmap_write", rm, 0x10, 0xF0F0) == 0
    assert km.service("regmap_update_bits_base", rm, 0x10, 0xFF, 0x0F, change, 0, 0) == 0
    assert km.machine.read(change, 1) == b"\x01"
    assert km.service("regmap_update_bits_base", rm, 0x10, 0xFF, 0x0F, change, 0, 0) == 0
    assert km.machine.read(change, 1) == b"\x00"
    assert km.service("regmap_read", rm, 0x10, val) == 0
    assert struct.unpack("<I", km.machine.read(val, 4))[0] == 0xF00F
    virt = km.kernel.iomaps[-1].virt
    assert [(a.addr - virt, a.write, a.value) for a in km.machine.mmio_trace] == [
        (0x10, True, 0xF0F0), (0x10, False, 0xF0F0), (0x10, True, 0xF00F),
        (0x10, False, 0xF00F), (0x10, False, 0xF00F)]
    with pytest.raises(KernelServiceError, match="register 0x1002 outside"):
        km.service("regmap_read", rm, 0x1002, val)


def test_armada_watchdog_through_its_syscon(kernel_package, btf):
    """armada_37xx_wdt's written description has a syscon: the whole lifecycle completes, with
    identical traces touching both the watchdog block and the system controller."""
    native = run_module(kernel_package, "armada_37xx_wdt", "native", btf)
    translated = run_module(kernel_package, "armada_37xx_wdt", "translate", btf)
    assert native.completed and translated.completed and native.description == "written"
    assert first_divergence(native, translated) is None
    assert len({a.addr & ~0xFFF for a in native.trace}) == 2
