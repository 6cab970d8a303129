"""Memory-mapped device models and the trace of every access the guest makes to them.

A device is mapped as ordinary guest memory watched by Unicorn memory hooks (which, unlike
``mmio_map`` callbacks, see the exact program counter): a read hook asks the device for the value
and places it where the load will find it; a write hook hands the stored value to the device.
Both machines record the same :class:`MmioAccess` list, so translated and native runs can be
compared access by access.  A wide access the M core splits into words (a 64-bit load becomes
two 32-bit loads) is merged back, so both machines report one access per guest instruction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True, slots=True)
class MmioAccess:
    cycle: int  # modelled cycle count when the access happened (block granularity)
    pc: int  # guest pc of the accessing instruction
    addr: int
    width: int  # bytes
    value: int
    write: bool

    def key(self) -> tuple:
        """What must match between two runs (cycles differ between cores by design)."""
        return (self.pc, self.addr, self.width, self.value, self.write)

    def line(self) -> str:
        kind = "W" if self.write else "R"
        return (f"{self.cycle:>12} pc=0x{self.pc:08x} {kind}{8 * self.width:<2} "
                f"0x{self.addr:08x} = 0x{self.value:0{2 * self.width}x}")


class Device(Protocol):
    name: str

    def read(self, offset: int, width: int) -> int: ...

    def write(self, offset: int, width: int, value: int) -> None: ...


@dataclass
class RegisterDevice:
    """A bank of little-endian registers with reset values: reads return what was last written
    (or the reset value).  Device models with behaviour subclass it."""

    name: str
    size: int
    reset: dict[int, int] = field(default_factory=dict)  # offset -> 32-bit reset value

    def __post_init__(self) -> None:
        self.bytes = bytearray(self.size)
        for offset, value in self.reset.items():
            self.bytes[offset:offset + 4] = (value & 0xFFFFFFFF).to_bytes(4, "little")

    def read(self, offset: int, width: int) -> int:
        return int.from_bytes(self.bytes[offset:offset + width], "little")

    def write(self, offset: int, width: int, value: int) -> None:
        self.bytes[offset:offset + width] = (value & ((1 << (8 * width)) - 1)).to_bytes(
            width, "little")


def record(trace: list[MmioAccess], access: MmioAccess) -> None:
    """Append ``access``, merging it into the previous one if it continues the same wide access
    of the same instruction."""
    if trace:
        last = trace[-1]
        if (last.pc == access.pc and last.write == access.write
                and access.addr == last.addr + last.width and last.width + access.width <= 16):
            trace[-1] = MmioAccess(last.cycle, last.pc, last.addr, last.width + access.width,
                                   last.value | (access.value << (8 * last.width)), last.write)
            return
    trace.append(access)
