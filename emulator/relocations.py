"""AArch64 ELF relocations (ELF for the Arm 64-bit Architecture, AAELF64, section 5.7), as a
table: each type names how X is computed from S+A and P, the allowed range of X (overflow
check, None for the ``_NC`` "no check" forms) and where X goes (a data word or an instruction
field).  Covers every type used by Debian's arm64 kernel modules (counts in docs/kernels.md)
plus the MOVW_UABS group, ADR_PREL_LO21, TSTBR14 and CONDBR19 that compilers emit for objects.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from emulator.errors import LoaderError

_U64 = (1 << 64) - 1


@dataclass(frozen=True)
class Relocation:
    name: str
    calc: str  # "abs" X = S+A | "prel" X = S+A-P | "page" X = Page(S+A)-Page(P)
    range: tuple[int, int] | None  # lo <= X < hi, or None (no overflow check)
    field: str  # "data64" | "data32" | "data16" | "imm26" | "imm19" | "imm14" | "adr"
    #              | "lo12" | "imm16"
    shift: int = 0  # X >> shift goes into the field (branch offsets /4, lo12 scaled, MOVW /16^g)
    lo12: bool = False  # field takes (X & 0xFFF) >> shift


def _s(bits: int) -> tuple[int, int]:
    return -(1 << (bits - 1)), 1 << (bits - 1)


def _data(bits: int) -> tuple[int, int]:  # AAELF64: -2^(n-1) <= X < 2^n
    return -(1 << (bits - 1)), 1 << bits


RELOCATIONS: dict[int, Relocation] = {
    257: Relocation("ABS64", "abs", None, "data64"),
    258: Relocation("ABS32", "abs", _data(32), "data32"),
    259: Relocation("ABS16", "abs", _data(16), "data16"),
    260: Relocation("PREL64", "prel", None, "data64"),
    261: Relocation("PREL32", "prel", _data(32), "data32"),
    262: Relocation("PREL16", "prel", _data(16), "data16"),
    263: Relocation("MOVW_UABS_G0", "abs", (0, 1 << 16), "imm16", 0),
    264: Relocation("MOVW_UABS_G0_NC", "abs", None, "imm16", 0),
    265: Relocation("MOVW_UABS_G1", "abs", (0, 1 << 32), "imm16", 16),
    266: Relocation("MOVW_UABS_G1_NC", "abs", None, "imm16", 16),
    267: Relocation("MOVW_UABS_G2", "abs", (0, 1 << 48), "imm16", 32),
    268: Relocation("MOVW_UABS_G2_NC", "abs", None, "imm16", 32),
    269: Relocation("MOVW_UABS_G3", "abs", None, "imm16", 48),
    274: Relocation("ADR_PREL_LO21", "prel", _s(21), "adr"),
    275: Relocation("ADR_PREL_PG_HI21", "page", _s(33), "adr", 12),
    276: Relocation("ADR_PREL_PG_HI21_NC", "page", None, "adr", 12),
    277: Relocation("ADD_ABS_LO12_NC", "abs", None, "lo12", 0, lo12=True),
    278: Relocation("LDST8_ABS_LO12_NC", "abs", None, "lo12", 0, lo12=True),
    279: Relocation("TSTBR14", "prel", _s(16), "imm14", 2),
    280: Relocation("CONDBR19", "prel", _s(21), "imm19", 2),
    282: Relocation("JUMP26", "prel", _s(28), "imm26", 2),
    283: Relocation("CALL26", "prel", _s(28), "imm26", 2),
    284: Relocation("LDST16_ABS_LO12_NC", "abs", None, "lo12", 1, lo12=True),
    285: Relocation("LDST32_ABS_LO12_NC", "abs", None, "lo12", 2, lo12=True),
    286: Relocation("LDST64_ABS_LO12_NC", "abs", None, "lo12", 3, lo12=True),
    299: Relocation("LDST128_ABS_LO12_NC", "abs", None, "lo12", 4, lo12=True),
}
NAMES = {number: rel.name for number, rel in RELOCATIONS.items()}

# instruction fields: (mask, lsb); "adr" splits immlo [30:29] and immhi [23:5]
_FIELDS = {"imm26": (0x03FFFFFF, 0), "imm19": (0x7FFFF << 5, 5), "imm14": (0x3FFF << 5, 5),
           "lo12": (0xFFF << 10, 10), "imm16": (0xFFFF << 5, 5)}
_DATA = {"data64": "<Q", "data32": "<I", "data16": "<H"}


def _patch(buf: bytearray, off: int, mask: int, value: int) -> None:
    word = struct.unpack_from("<I", buf, off)[0]
    struct.pack_into("<I", buf, off, (word & ~mask) | (value & mask))


def relocation_value(rel: Relocation, s_a: int, p: int) -> int:
    """X of AAELF64 for this relocation."""
    if rel.calc == "abs":
        return s_a
    if rel.calc == "prel":
        return s_a - p
    return (s_a & ~0xFFF) - (p & ~0xFFF)


def apply_relocation(buf: bytearray, off: int, rtype: int, s_a: int, p: int, path) -> None:
    """Apply relocation ``rtype`` at ``buf[off]`` (address ``p``) with S+A = ``s_a``."""
    rel = RELOCATIONS.get(rtype)
    if rel is None:
        raise LoaderError(f"{path}: unsupported AArch64 relocation type {rtype} at 0x{p:x}")
    if off < 0 or off + (8 if rel.field == "data64" else 4) > len(buf):
        raise LoaderError(f"{path}: relocation {rel.name} at offset 0x{off:x} lies outside "
                          f"its section")
    x = relocation_value(rel, s_a, p)
    if rel.range is not None and not rel.range[0] <= x < rel.range[1]:
        raise LoaderError(f"{path}: relocation {rel.name} at 0x{p:x} out of range ({x:#x})")
    if rel.field in _DATA:
        fmt = _DATA[rel.field]
        struct.pack_into(fmt, buf, off, x & ((1 << (8 * struct.calcsize(fmt))) - 1))
    elif rel.field == "adr":
        imm = (x >> rel.shift) & 0x1FFFFF
        _patch(buf, off, (0x3 << 29) | (0x7FFFF << 5), ((imm & 3) << 29) | ((imm >> 2) << 5))
    else:
        mask, lsb = _FIELDS[rel.field]
        value = ((x & 0xFFF) if rel.lo12 else x & _U64) >> rel.shift
        _patch(buf, off, mask, value << lsb)
