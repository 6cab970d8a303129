"""Bulk MMIO helpers of arm64 (arch/arm64/kernel/io.c): byte accesses up to 8-byte alignment,
then 64-bit accesses, then bytes, each served by the device model and traced."""

from __future__ import annotations

from kernels.services.kernel import Kernel


def _chunks(addr: int, count: int):
    """(offset, width) of the accesses arm64's __memcpy_fromio/__memcpy_toio/__memset_io make."""
    offset = 0
    while count and (addr + offset) % 8:
        yield offset, 1
        offset, count = offset + 1, count - 1
    while count >= 8:
        yield offset, 8
        offset, count = offset + 8, count - 8
    while count:
        yield offset, 1
        offset, count = offset + 1, count - 1


def __memcpy_fromio(kernel: Kernel, to: int, src: int, count: int) -> None:
    for offset, width in _chunks(src, count):
        value = kernel.io_read(src + offset, width)
        kernel.write(to + offset, value.to_bytes(width, "little"))


def __memcpy_toio(kernel: Kernel, dst: int, src: int, count: int) -> None:
    for offset, width in _chunks(dst, count):
        value = int.from_bytes(kernel.read(src + offset, width), "little")
        kernel.io_write(dst + offset, width, value)


def __memset_io(kernel: Kernel, dst: int, c: int, count: int) -> None:
    byte = c & 0xFF
    for offset, width in _chunks(dst, count):
        kernel.io_write(dst + offset, width, int.from_bytes(bytes([byte]) * width, "little"))


FUNCTIONS = {"__memcpy_fromio": __memcpy_fromio, "__memcpy_toio": __memcpy_toio,
             "__memset_io": __memset_io}
