"""Modules linked with their dependencies through __ksymtab, and real kernel code from them run
in both machines against a reference."""

import random

import pytest

from kernels.linker import dependency_order, link
from kernels.modules import module_paths
from kernels.session import STACK_CANARY, start

# CAN FD data length codes 9..15 (ISO 11898-1:2015, table 5): 12, 16, 20, 24, 32, 48, 64 bytes
CANFD_DLC_LENGTHS = list(range(9)) + [12, 16, 20, 24, 32, 48, 64]


def crc8_maxim(data: bytes) -> int:
    """Dallas/Maxim 1-Wire CRC-8 (x^8 + x^5 + x^4 + 1, reflected, initial 0)."""
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x8C if crc & 1 else crc >> 1
    return crc


def test_dependency_order(kernel_package):
    index = module_paths(kernel_package)
    assert dependency_order("m_can_platform", index) == ["can_dev", "m_can", "m_can_platform"]
    assert dependency_order("w1-gpio", index) == ["wire", "w1_gpio"]
    assert dependency_order("sp805_wdt", index) == ["sp805_wdt"]


def test_imports_bind_to_the_exporting_module(kernel_package):
    linked = link(kernel_package, "m_can_platform")
    m_can = linked.module("m_can")
    assert [m.name for m in linked.modules] == ["can_dev", "m_can", "m_can_platform"]
    assert linked.symbols.exports["m_can_class_register"] == \
        m_can.image.symbols["m_can_class_register"].addr
    assert "m_can_class_register" not in linked.symbols.traps
    assert "__platform_driver_register" in linked.symbols.traps
    bases = [m.base for m in linked.modules]
    assert bases == sorted(bases) and all(b % 0x1000 == 0 for b in bases)
    image = linked.image()
    assert image.symbols["m_can:m_can_class_register"].addr == \
        linked.symbols.exports["m_can_class_register"]
    assert "init_module" in image.symbols and "can_dev:init_module" in image.symbols


@pytest.mark.parametrize("mode", ["native", "translate"])
def test_wire_crc8_runs_against_the_reference(kernel_package, btf, mode):
    machine = start(kernel_package, "w1-gpio", mode, btf).machine
    rng = random.Random(1)
    buf = machine.alloc(64)
    for size in (1, 7, 8, 33, 64):
        data = bytes(rng.randrange(256) for _ in range(size))
        machine.write(buf, data)
        assert machine.call("wire:w1_calc_crc8", buf, size) == crc8_maxim(data)


@pytest.mark.parametrize("mode", ["native", "translate"])
def test_can_dev_dlc_tables(kernel_package, btf, mode):
    machine = start(kernel_package, "m_can_platform", mode, btf).machine
    assert [machine.call("can_dev:can_fd_dlc2len", d) for d in range(16)] == CANFD_DLC_LENGTHS
    for length in range(65):
        dlc = machine.call("can_dev:can_fd_len2dlc", length)
        assert CANFD_DLC_LENGTHS[dlc] >= length and (dlc == 0 or
                                                     CANFD_DLC_LENGTHS[dlc - 1] < length)


@pytest.mark.parametrize("mode", ["native", "translate"])
def test_real_module_paths_through_services(kernel_package, btf, mode):
    """m_can_class_allocate_dev reads the stack canary through SP_EL0 (current), asks for a
    device property through the fwnode layer, logs the driver's own message and fails as the
    kernel would for a device without one; can_dev's allocator then gets a net_device from
    the emulated core, which runs can_dev's own setup() (ARPHRD_CAN, CAN_MTU)."""
    session = start(kernel_package, "m_can_platform", mode, btf)
    dev = session.machine.alloc(btf.sizeof("struct device"))
    assert session.call("m_can:m_can_class_allocate_dev", dev, 64) == 0
    assert [r.text for r in session.kernel.log] == \
        [" (null): Could not get Message RAM configuration."]
    task = session.kernel.current()
    assert session.kernel.get(task, "task_struct", "stack_canary") == STACK_CANARY
    ndev = session.call("can_dev:alloc_candev_mqs", 64, 1, 1, 1)
    assert session.kernel.netdevs[ndev] == "allocated"
    assert session.kernel.get(ndev, "net_device", "type") == 280  # ARPHRD_CAN
    assert session.kernel.get(ndev, "net_device", "mtu") == 16  # CAN_MTU
    assert session.kernel.get(ndev, "net_device", "tx_queue_len") == 10  # can_setup's
