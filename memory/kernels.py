"""Bulk kernels as data: what a loop reads, writes and computes, independent of any machine."""

from __future__ import annotations

import math
from dataclasses import dataclass

from memory.errors import InvalidRequest
from memory.machine import LINE_BYTES

PATTERNS = ("sequential", "strided", "random")


@dataclass(frozen=True)
class Access:
    """One array a kernel walks: ``nbytes`` of useful elements in a given pattern."""

    pattern: str  # "sequential" | "strided" | "random"
    nbytes: int
    element_bytes: int = 8
    stride_bytes: int = 0  # strided: distance between consecutive elements
    write: bool = False
    dependent: bool = False  # random: each address depends on the previous load (no MLP)

    def __post_init__(self) -> None:
        if self.pattern not in PATTERNS:
            raise InvalidRequest(f"access pattern {self.pattern!r} not in {PATTERNS}")
        if self.nbytes < 0 or self.element_bytes <= 0:
            raise InvalidRequest("access sizes must be positive")
        if self.pattern == "strided" and self.stride_bytes < self.element_bytes:
            raise InvalidRequest("a strided access needs stride_bytes >= element_bytes")

    @property
    def elements(self) -> int:
        return self.nbytes // self.element_bytes

    @property
    def streaming(self) -> bool:
        """Whether the hardware sees it as a stream of neighbouring lines (prefetchable)."""
        return self.pattern == "sequential" or (
            self.pattern == "strided" and self.stride_bytes < LINE_BYTES)

    @property
    def lines(self) -> int:
        """Cache lines moved between memory and the cores."""
        if self.pattern == "sequential":
            return math.ceil(self.nbytes / LINE_BYTES)
        if self.pattern == "strided" and self.stride_bytes < LINE_BYTES:
            return math.ceil(self.elements * self.stride_bytes / LINE_BYTES)
        return self.elements  # every element in a line of its own

    @property
    def traffic_bytes(self) -> int:
        return self.lines * LINE_BYTES


@dataclass(frozen=True)
class Kernel:
    """A loop over arrays plus ``ops`` SIMD-able element operations of ``element_bits`` and
    ``scalar_ops`` instructions that occupy a vector unit for one element (branches, hashing,
    loop control)."""

    name: str
    accesses: tuple[Access, ...]
    ops: int = 0
    element_bits: int = 64
    scalar_ops: int = 0

    @property
    def traffic_bytes(self) -> int:
        return sum(a.traffic_bytes for a in self.accesses)

    @property
    def streaming_lines(self) -> tuple[int, int]:
        """(read lines, written lines) of the streaming accesses."""
        reads = sum(a.lines for a in self.accesses if a.streaming and not a.write)
        writes = sum(a.lines for a in self.accesses if a.streaming and a.write)
        return reads, writes

    @property
    def random_lines(self) -> int:
        return sum(a.lines for a in self.accesses if not a.streaming)


def stream_kernels(elements: int) -> dict[str, Kernel]:
    """STREAM's four kernels on arrays of ``elements`` doubles (non-temporal stores)."""
    n = elements * 8

    def seq(write: bool = False) -> Access:
        return Access("sequential", n, write=write)

    return {
        "copy": Kernel("copy", (seq(), seq(write=True))),  # c[i] = a[i]
        "scale": Kernel("scale", (seq(), seq(write=True)), ops=elements),  # b[i] = q*c[i]
        "add": Kernel("add", (seq(), seq(), seq(write=True)), ops=elements),  # c = a + b
        "triad": Kernel("triad", (seq(), seq(), seq(write=True)), ops=2 * elements),  # a=b+q*c
    }


# Bytes STREAM credits per element (it counts no write-allocate traffic).
STREAM_BYTES_PER_ELEMENT = {"copy": 16, "scale": 16, "add": 24, "triad": 24}
