"""Differential testing of guest code, shipped with the package (the pytest plugin and the
project's own tests use it): run the same A64 snippet translated on the M core and natively,
and compare the architectural state afterwards."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from functools import lru_cache

from emulator import layout
from emulator.api import load
from emulator.loader import GuestImage, Segment

CODE_BASE = 0x00400000
DATA_BASE = 0x00500000
DATA_SIZE = 0x1000
STACK = layout.STACK_TOP - 0x4000


@dataclass(frozen=True)
class ArchState:
    """Registers x0..x30 and sp, NZCV and the data buffer after a snippet ran."""

    regs: tuple[int, ...]
    nzcv: int
    memory: bytes

    def differences(self, other: ArchState) -> list[str]:
        out = [f"{_name(n)}: 0x{a:x} != 0x{b:x}"
               for n, (a, b) in enumerate(zip(self.regs, other.regs)) if a != b]
        if self.nzcv != other.nzcv:
            out.append(f"nzcv: {self.nzcv:04b} != {other.nzcv:04b}")
        for k in range(0, len(self.memory), 8):
            if self.memory[k:k + 8] != other.memory[k:k + 8]:
                out.append(f"memory +0x{k:x}: {self.memory[k:k + 8].hex()} != "
                           f"{other.memory[k:k + 8].hex()}")
        return out


def _name(n: int) -> str:
    return "sp" if n == 31 else f"x{n}"


@lru_cache(maxsize=1)
def _keystone():
    import keystone

    return keystone.Ks(keystone.KS_ARCH_ARM64, keystone.KS_MODE_LITTLE_ENDIAN)


def assemble_a64(text: str) -> list[int]:
    """Instruction words for A64 ``text``; a line ``.inst 0x...`` is taken as a raw word (for
    encodings Keystone lacks, such as the LSE atomics)."""
    words: list[int] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith(".inst"):
            words.append(int(line.split()[1], 0))
            continue
        code = bytes(_keystone().asm(line, CODE_BASE + 4 * len(words))[0] or b"")
        if len(code) != 4:
            raise ValueError(f"cannot assemble {line!r}")
        words.append(struct.unpack("<I", code)[0])
    return words


def snippet_image(words: list[int]) -> GuestImage:
    """An image whose code is ``words`` followed by a branch to the API's return address."""
    end = CODE_BASE + 4 * len(words)
    offset = (layout.RETURN_MAGIC - end) >> 2
    branch = 0x14000000 | (offset & 0x03FFFFFF)
    code = b"".join(struct.pack("<I", w) for w in [*words, branch])
    return GuestImage("<snippet>", "aarch64", CODE_BASE, [
        Segment(CODE_BASE, len(code), code, executable=True),
        Segment(DATA_BASE, DATA_SIZE, bytes(DATA_SIZE))])


def run_snippet(words: list[int], mode: str, regs: list[int], nzcv: int = 0,
                memory: bytes = b"", **options) -> ArchState:
    """Run ``words`` once from the given registers (x0..x30, sp), flags and data buffer."""
    machine = load(snippet_image(words), mode, **options)
    machine.write(DATA_BASE, memory.ljust(DATA_SIZE, b"\0")[:DATA_SIZE])
    for n, value in enumerate(regs[:32]):
        machine.set_reg(n, value)
    if len(regs) < 32:
        machine.set_reg(31, STACK)
    machine.set_nzcv(nzcv)
    machine.run_until(CODE_BASE, layout.RETURN_MAGIC)
    return ArchState(tuple(machine.reg(n) for n in range(32)), machine.nzcv(),
                     machine.read(DATA_BASE, DATA_SIZE))


def differential(words: list[int], regs: list[int], nzcv: int = 0,
                 memory: bytes = b"") -> tuple[ArchState, ArchState]:
    """Run the snippet in both modes; AssertionError listing every difference if they differ."""
    translated = run_snippet(words, "translate", regs, nzcv, memory)
    native = run_snippet(words, "native", regs, nzcv, memory)
    diffs = translated.differences(native)
    if diffs:
        from isa.a64.disasm import disasm_one

        listing = "; ".join(disasm_one(w, CODE_BASE + 4 * k) for k, w in enumerate(words))
        raise AssertionError(f"translated != native after [{listing}]: " + ", ".join(diffs))
    return translated, native
