"""Operand parsing and bit-field helpers shared by the Thumb-2 hand encoders.

An instruction's operand text becomes a signature and its values: ``r`` a register (0-15),
``i`` an immediate, ``s`` a shift (type, amount), ``x`` a special name (``apsr``), ``[`` and
``]`` the brackets of a memory operand -- ``ldr r0, [r1, #4]`` is ``r[ri]`` with (0, 1, 4).
Anything unusual (writeback, ``#-0``, octal-looking numbers, odd spacing) does not parse, so
the line goes to Keystone.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from functools import lru_cache

SP, LR, PC = 13, 14, 15
REGISTERS = {f"r{n}": n for n in range(16)} | {"sp": SP, "lr": LR, "pc": PC}
SHIFTS = {"lsl": 0, "lsr": 1, "asr": 2, "ror": 3}
SPECIALS = frozenset(("apsr", "apsr_nzcvq"))
MOD_IMM_SHIFTS = tuple(range(8, 32))


# an encoder of the encode_* modules: (signature, values, wide, in_it) -> its bytes or None
Encoder = Callable[[str, tuple, bool, bool], "bytes | None"]

# halfwords(first, second): a 32-bit Thumb-2 instruction's bytes, its first halfword first,
# each little-endian; narrow(halfword): a 16-bit one's
halfwords = struct.Struct("<HH").pack
narrow = struct.Struct("<H").pack


def immediate12(first: int, second: int, value: int) -> bytes:
    """A 32-bit instruction whose 12-bit immediate (or modified-immediate code) is split
    i:imm3:imm8 -- i in the first halfword, imm3 and imm8 around Rd in the second."""
    return halfwords(first | ((value >> 11) << 10),
                     second | (((value >> 8) & 7) << 12) | (value & 0xFF))


@lru_cache(maxsize=1 << 12)
def modified_immediate(value: int) -> int | None:
    """The 12-bit i:imm3:imm8 code whose ThumbExpandImm is ``value`` (taken mod 2**32), or None:
    a byte, a byte repeated in a pattern (00XY00XY, XY00XY00, XYXYXYXY) or 1bcdefgh rotated."""
    value &= 0xFFFFFFFF
    low, second = value & 0xFF, (value >> 8) & 0xFF
    if value == low:
        return value
    if value == low * 0x00010001:
        return 0x100 | low
    if value == second * 0x01000100:
        return 0x200 | second
    if value == low * 0x01010101:
        return 0x300 | low
    for rot in MOD_IMM_SHIFTS:
        unrot = ((value << rot) | (value >> (32 - rot))) & 0xFFFFFFFF
        if unrot < 0x100 and unrot & 0x80:
            return (rot << 7) | (unrot & 0x7F)
    return None


def is_modified_immediate(value: int) -> bool:
    """Whether ``value`` is a Thumb-2 modified immediate constant (ThumbExpandImm)."""
    return modified_immediate(value) is not None


def shift_field(kind: int, amount: int) -> int | None:
    """imm3:imm2:type of a register shift in a 32-bit data-processing or load/store encoding
    (bits 14:12, 7:6 and 5:4 of the second halfword); None for the forms whose text Keystone
    reads specially (#0, #32, a rotate by 0 that would mean RRX)."""
    if not 1 <= amount <= 31:
        return None
    return ((amount >> 2) << 12) | ((amount & 3) << 6) | (kind << 4)


_HEX = frozenset("0123456789abcdef")


def number(text: str) -> int | None:
    """A decimal or 0x-hex integer, maybe negative; None for anything Keystone might read
    otherwise (a leading 0 is octal to it, -0 selects the subtracting encoding)."""
    digits = text.removeprefix("-")
    if digits.isascii() and digits.isdigit() and (digits == "0" or digits[0] != "0"):
        value = int(digits)
    elif digits[:2] == "0x" and digits[2:] and _HEX.issuperset(digits[2:]):
        value = int(digits[2:], 16)
    else:
        return None
    if text[:1] != "-":
        return value
    return -value if value else None


def _operand(text: str) -> tuple[str, object] | None:
    """The letter and value of one operand that is not a plain register (brackets around it
    included in the letters); None when it is not one the encoders take."""
    letters = "[" if text[:1] == "[" else ""
    close = text[-1:] == "]"
    core = text[len(letters):len(text) - close]
    reg = REGISTERS.get(core)
    value: object
    if reg is not None:
        letter, value = "r", reg
    elif core[:1] == "#":
        letter, value = "i", number(core[1:])
    elif core[3:5] == " #" and core[:3] in SHIFTS:
        amount = number(core[5:])
        letter, value = "s", None if amount is None else (SHIFTS[core[:3]], amount)
    elif core in SPECIALS:
        letter, value = "x", core
    else:
        return None
    if value is None:
        return None
    return letters + letter + "]" * close, value


# a register, alone or opening / closing / filling a memory operand -> (letters, value)
_REGISTER_OPERANDS = {f"{left}{name}{right}": (f"{left}r{right}", reg)
                      for name, reg in REGISTERS.items() for left in ("", "[")
                      for right in ("", "]")}
# those and every other operand parsed since forget_operands (a few hundred in a whole run)
_KNOWN: dict[str, tuple[str, object]] = dict(_REGISTER_OPERANDS)


def forget_operands() -> None:
    """Forget the operands parsed so far (as in a fresh process)."""
    _KNOWN.clear()
    _KNOWN.update(_REGISTER_OPERANDS)


def parse_operands(text: str) -> tuple[str, tuple] | None:
    """(signature, values) of an operand list, or None when some operand is not understood."""
    sig = ""
    values = []
    for part in text.split(", "):
        known = _KNOWN.get(part)
        if known is None:
            known = _operand(part)
            if known is None:
                return None
            _KNOWN[part] = known
        sig += known[0]
        values.append(known[1])
    return sig, tuple(values)
