"""Hand encoders for the Thumb-2 branches the DBT lays out or patches itself, and the entry
points (encode_line, encode_it_group) to the hand encoders of the encode_* modules.

Keystone resolves absolute Thumb branch targets wrongly for some distances, so every branch that
leaves a translated block is assembled as a branch-to-self and then re-encoded here; branches to
a block's own labels are encoded here too (isa.thumb2.lines).  Offsets are from the branch's
address + 4; the narrow encoders return None when the target is out of their reach.

encode_line and encode_it_group return exactly Keystone's bytes for the lines the translator
emits -- ALU, moves, shifts, compares, bit fields, loads/stores, multiplies, MRS/MSR, IT groups
of those -- so that Keystone is only needed for rare forms; they return None for anything else.
"""

from __future__ import annotations

from isa.errors import AssembleError
from isa.thumb2.encode_dataproc import ENCODERS as _DATAPROC
from isa.thumb2.encode_memory import ENCODERS as _MEMORY
from isa.thumb2.encode_multiply import ENCODERS as _MULTIPLY
from isa.thumb2.encode_operands import halfwords as _halfwords
from isa.thumb2.encode_operands import is_modified_immediate, narrow, number, parse_operands

__all__ = ["branch_w", "branch_narrow", "branch_cond", "compare_branch", "divide",
           "is_modified_immediate", "encode_line", "encode_parsed", "encode_it_group",
           "CONDITIONS"]


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


def divide(signed: bool, rd: int, rn: int, rm: int) -> tuple[int, int]:
    """SDIV/UDIV (encoding T1) as two halfwords: Keystone's Thumb mode lacks the divide
    extension that every ARMv7-M core has."""
    first = (0xFB90 if signed else 0xFBB0) | rn
    return first, 0xF0F0 | (rd << 8) | rm


CONDITIONS = {c: k for k, c in enumerate(
    ("eq", "ne", "hs", "lo", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt", "gt", "le"))}
CONDITIONS.update(cs=2, cc=3)

# mnemonic (no condition, no .w) -> encoder(signature, values, wide, in_it) -> bytes | None
_ENCODERS = _DATAPROC | _MEMORY | _MULTIPLY
_NOP = narrow(0xBF00)
_SELF_BRANCH = branch_w(0, 0)


def _encode(mnemonic: str, operands: str, in_it: bool) -> bytes | None:
    """One instruction whose mnemonic has lost its condition suffix."""
    base, dot, suffix = mnemonic.partition(".")
    encoder = _ENCODERS.get(base)
    if encoder is None or dot and suffix != "w":
        return None
    parsed = parse_operands(operands)
    return encoder(*parsed, bool(dot), in_it) if parsed else None


def encode_line(line: str) -> bytes | None:
    """The encoding Keystone gives the instruction ``line`` (outside an IT block) when it is one
    of the forms the encode_* modules take, with operands they take (SP and PC mostly not);
    None otherwise."""
    mnemonic, _, operands = line.partition(" ")
    if mnemonic == ".hword":
        return _hwords(operands)
    if line == "nop":
        return _NOP
    if line == "b.w .":
        return _SELF_BRANCH
    return _encode(mnemonic, operands, False)


def encode_parsed(mnemonic: str, sig: str, values: tuple) -> bytes | None:
    """encode_line's answer for ``mnemonic`` with operands that parse_operands reads as
    (``sig``, ``values``): for emitters that have the operands as numbers."""
    base, dot, suffix = mnemonic.partition(".")
    encoder = _ENCODERS.get(base)
    if encoder is None or dot and suffix != "w":
        return None
    return encoder(sig, values, bool(dot), False)


def _hwords(operands: str) -> bytes | None:
    """``.hword`` data."""
    values = [number(part) for part in operands.split(", ")]
    if not all(value is not None and 0 <= value <= 0xFFFF for value in values):
        return None
    return b"".join([narrow(value) for value in values if value is not None])


def encode_it_group(unit: str) -> tuple[bytes, tuple[int, ...]] | None:
    """An IT group -- the lines "ite gt", "movgt r1, r2", "movle r1, r3" joined by newlines --:
    its code and the offset of each of its instructions (the IT first), or None when a member
    is not hand-encoded."""
    it, *members = unit.split("\n")
    mnemonic, _, cond_name = it.partition(" ")
    cond = CONDITIONS.get(cond_name)
    pattern = mnemonic[2:]
    if mnemonic[:2] != "it" or cond is None or pattern.strip("te") or len(pattern) > 3 \
            or len(members) != len(pattern) + 1:
        return None
    mask = 1 << (3 - len(pattern))
    for k, then in enumerate(pattern):
        mask |= (cond & 1 if then == "t" else ~cond & 1) << (3 - k)
    codes, offsets, at = [narrow(0xBF00 | cond << 4 | mask)], [0], 2
    for then, member in zip("t" + pattern, members):
        name, _, operands = member.partition(" ")
        base, dot, suffix = name.partition(".")
        if CONDITIONS.get(base[-2:]) != (cond if then == "t" else cond ^ 1):
            return None
        code = _encode(base[:-2] + dot + suffix, operands, True)
        if code is None:
            return None
        codes.append(code)
        offsets.append(at)
        at += len(code)
    return b"".join(codes), tuple(offsets)
