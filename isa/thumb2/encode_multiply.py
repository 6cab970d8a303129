"""Hand encoders for Thumb-2 multiplies: MUL, MLA, MLS and the 64-bit SMULL/UMULL/SMLAL/UMLAL.

Encoders take (signature, values, wide, in_it) as isa.thumb2.encode_operands parses them.  The
only 16-bit multiply is MULS Rdm, Rn, Rdm (flag-setting outside IT blocks, not inside); other
MULs are 32-bit.  SP/PC operands and RdLo == RdHi go to Keystone.
"""

from __future__ import annotations

from functools import partial

from isa.thumb2.encode_operands import PC, SP, Encoder, halfwords, narrow

_LONG = {"smull": 0xFB80, "umull": 0xFBA0, "smlal": 0xFBC0, "umlal": 0xFBE0}


def _valid(v: tuple) -> bool:
    return SP not in v and PC not in v


def _mul(setflags: bool, sig: str, v: tuple, wide: bool, in_it: bool) -> bytes | None:
    """MUL{S} Rd, Rn, Rm."""
    if sig != "rrr" or not _valid(v) or wide:  # Keystone rejects mul.w
        return None
    rd, rn, rm = v
    if setflags != in_it and max(v) < 8 and rd in (rn, rm):
        return narrow(0x4340 | (rn if rd == rm else rm) << 3 | rd)
    if setflags:
        return None  # Thumb-2 has no flag-setting 32-bit MUL
    return halfwords(0xFB00 | rn, 0xF000 | rd << 8 | rm)


def _accumulate(subtract: bool, sig: str, v: tuple, wide: bool, in_it: bool) -> bytes | None:
    """MLA/MLS Rd, Rn, Rm, Ra."""
    if sig != "rrrr" or not _valid(v):
        return None
    rd, rn, rm, ra = v
    return halfwords(0xFB00 | rn, ra << 12 | rd << 8 | subtract << 4 | rm)


def _long(first: int, sig: str, v: tuple, wide: bool, in_it: bool) -> bytes | None:
    """SMULL/UMULL/SMLAL/UMLAL RdLo, RdHi, Rn, Rm."""
    if sig != "rrrr" or not _valid(v) or v[0] == v[1]:
        return None
    lo, hi, rn, rm = v
    return halfwords(first | rn, lo << 12 | hi << 8 | rm)


ENCODERS: dict[str, Encoder] = {
    "mul": partial(_mul, False), "muls": partial(_mul, True),
    "mla": partial(_accumulate, False), "mls": partial(_accumulate, True),
    **{name: partial(_long, first) for name, first in _LONG.items()}}
