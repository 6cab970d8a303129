"""Hand encoders for the Thumb-2 branches the DBT lays out or patches itself.

Keystone resolves absolute Thumb branch targets wrongly for some distances, so every branch that
leaves a translated block is assembled as a branch-to-self and then re-encoded here; branches to
a block's own labels are encoded here too (isa.thumb2.lines).  Offsets are from the branch's
address + 4; the narrow encoders return None when the target is out of their reach.
"""

from __future__ import annotations

import re
from functools import lru_cache

from isa.errors import AssembleError

MOD_IMM_SHIFTS = tuple(range(8, 32))


def _halfwords(first: int, second: int) -> bytes:
    """A 32-bit Thumb-2 instruction's bytes: its first halfword first, each little-endian."""
    return first.to_bytes(2, "little") + second.to_bytes(2, "little")


def branch_w(addr: int, target: int) -> bytes:
    """B.W (encoding T4) at ``addr`` jumping to ``target``."""
    offset = target - (addr + 4)
    if offset & 1 or not -(1 << 24) <= offset < (1 << 24):
        raise AssembleError(f"b.w from 0x{addr:x} cannot reach 0x{target:x}")
    imm = offset & ((1 << 25) - 1)
    s = (imm >> 24) & 1
    i1, i2 = (imm >> 23) & 1, (imm >> 22) & 1
    j1, j2 = (~(i1 ^ s)) & 1, (~(i2 ^ s)) & 1
    first = 0xF000 | (s << 10) | ((imm >> 12) & 0x3FF)
    second = 0x9000 | (j1 << 13) | (j2 << 11) | ((imm >> 1) & 0x7FF)
    return _halfwords(first, second)


def branch_narrow(addr: int, target: int) -> bytes | None:
    """B (encoding T2, 16-bit, +-2 KiB)."""
    offset = target - (addr + 4)
    if not -2048 <= offset <= 2046:
        return None
    return (0xE000 | ((offset >> 1) & 0x7FF)).to_bytes(2, "little")


def branch_cond(cond: int, addr: int, target: int, wide: bool) -> bytes | None:
    """B<cond>: encoding T1 (16-bit, -256..254) or, when ``wide``, T3 (32-bit, +-1 MiB)."""
    offset = target - (addr + 4)
    if not wide:
        if not -256 <= offset <= 254:
            return None
        return (0xD000 | (cond << 8) | ((offset >> 1) & 0xFF)).to_bytes(2, "little")
    if not -(1 << 20) <= offset < (1 << 20):
        raise AssembleError(f"b<cond>.w from 0x{addr:x} cannot reach 0x{target:x}")
    s, j2, j1 = (offset >> 20) & 1, (offset >> 19) & 1, (offset >> 18) & 1
    first = 0xF000 | (s << 10) | (cond << 6) | ((offset >> 12) & 0x3F)
    second = 0x8000 | (j1 << 13) | (j2 << 11) | ((offset >> 1) & 0x7FF)
    return _halfwords(first, second)


def compare_branch(nonzero: bool, rn: int, addr: int, target: int) -> bytes | None:
    """CBZ / CBNZ (encoding T1: r0-r7, forward 0..126 bytes)."""
    offset = target - (addr + 4)
    if not 0 <= offset <= 126 or rn > 7:
        return None
    first = 0xB100 | (nonzero << 11) | ((offset >> 6) << 9) | (((offset >> 1) & 0x1F) << 3) | rn
    return first.to_bytes(2, "little")


@lru_cache(maxsize=1 << 12)
def is_modified_immediate(value: int) -> bool:
    """Whether ``value`` is a Thumb-2 modified immediate constant (ThumbExpandImm)."""
    value &= 0xFFFFFFFF
    low, second = value & 0xFF, (value >> 8) & 0xFF
    if value in (low, low * 0x00010001, second * 0x01000100, low * 0x01010101):
        return True
    for rot in MOD_IMM_SHIFTS:
        unrot = ((value << rot) | (value >> (32 - rot))) & 0xFFFFFFFF
        if unrot < 0x100 and unrot & 0x80:
            return True
    return False


def divide(signed: bool, rd: int, rn: int, rm: int) -> tuple[int, int]:
    """SDIV/UDIV (encoding T1) as two halfwords: Keystone's Thumb mode lacks the divide
    extension that every ARMv7-M core has."""
    first = (0xFB90 if signed else 0xFBB0) | rn
    return first, 0xF0F0 | (rd << 8) | rm


_REG = r"(r\d|r1[0-2]|lr|sp)"
_NUMBERS = {f"r{n}": n for n in range(13)} | {"sp": 13, "lr": 14}


def _single(op: str, rt: str, rn: str, imm: str) -> bytes | None:
    """LDR.W / STR.W (immediate), encoding T3: positive 12-bit offset."""
    offset = int(imm)
    if rt == "sp" or offset > 0xFFF:
        return None
    return _halfwords((0xF8D0 if op == "ldr" else 0xF8C0) | _NUMBERS[rn],
                      (_NUMBERS[rt] << 12) | offset)


def _double(op: str, rt: str, rt2: str, rn: str, imm: str) -> bytes | None:
    """LDRD / STRD (immediate, offset), encoding T1: positive multiple of 4 up to 1020."""
    offset = int(imm)
    if "sp" in (rt, rt2) or offset % 4 or offset > 1020 or (op == "ldrd" and rt == rt2):
        return None
    return _halfwords((0xE9D0 if op == "ldrd" else 0xE9C0) | _NUMBERS[rn],
                      (_NUMBERS[rt] << 12) | (_NUMBERS[rt2] << 8) | (offset >> 2))


def _wide_immediate(op: str, rd: str, rn: str, imm: str) -> bytes | None:
    """ADDW / SUBW, encoding T4: a 12-bit immediate."""
    value = int(imm)
    if "sp" in (rd, rn) or value > 0xFFF:
        return None
    first = (0xF200 if op == "addw" else 0xF2A0) | _NUMBERS[rn]
    return _immediate12(first, rd, value)


def _move16(op: str, rd: str, imm: str) -> bytes | None:
    """MOVW (encoding T3) / MOVT (T1): a 16-bit immediate."""
    value = int(imm)
    if rd == "sp" or value > 0xFFFF:
        return None
    return _immediate12((0xF240 if op == "movw" else 0xF2C0) | (value >> 12), rd, value & 0xFFF)


def _immediate12(first: int, rd: str, value: int) -> bytes:
    """A 32-bit instruction whose 12-bit immediate is split i:imm3:imm8 around Rd."""
    return _halfwords(first | ((value >> 11) << 10),
                      (((value >> 8) & 7) << 12) | (_NUMBERS[rd] << 8) | (value & 0xFF))


# The forms the translator emits most (state loads/stores, counters, constants): 68% of the
# distinct instructions a fresh process would otherwise send to Keystone.
_FORMS = {  # mnemonic -> (operand pattern, encoder)
    **dict.fromkeys(("ldr.w", "str.w"), (rf"{_REG}, \[{_REG}, #(\d+)\]$", _single)),
    **dict.fromkeys(("ldrd", "strd"), (rf"{_REG}, {_REG}, \[{_REG}, #(\d+)\]$", _double)),
    **dict.fromkeys(("addw", "subw"), (rf"{_REG}, {_REG}, #(\d+)$", _wide_immediate)),
    **dict.fromkeys(("movw", "movt"), (rf"{_REG}, #(\d+)$", _move16)),
}
_COMPILED = {mnemonic: (re.compile(pattern), encoder)
             for mnemonic, (pattern, encoder) in _FORMS.items()}


def encode_line(line: str) -> bytes | None:
    """The encoding Keystone gives ``line`` when it is one of the frequent forms with operands
    these encoders take (no SP as data register, no PC, positive offsets); None otherwise."""
    mnemonic, _, operands = line.partition(" ")
    form = _COMPILED.get(mnemonic)
    match = form[0].match(operands) if form else None
    return form[1](mnemonic.partition(".")[0], *match.groups()) if match else None
