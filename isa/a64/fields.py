"""Bit-field helpers and A64 pseudocode functions used by the decoder and the translator."""

from __future__ import annotations

MASK32 = (1 << 32) - 1
MASK64 = (1 << 64) - 1

# Condition codes, in encoding order (A64 and Thumb-2 use the same numbering).
CONDITIONS = ("eq", "ne", "hs", "lo", "mi", "pl", "vs", "vc",
              "hi", "ls", "ge", "lt", "gt", "le", "al", "nv")


def bits(word: int, hi: int, lo: int) -> int:
    """Bits ``hi..lo`` of ``word`` (inclusive), as an unsigned integer."""
    return (word >> lo) & ((1 << (hi - lo + 1)) - 1)


def sext(value: int, width: int) -> int:
    """Sign-extend the ``width``-bit ``value`` to a Python int."""
    sign = 1 << (width - 1)
    return (value & (sign - 1)) - (value & sign)


def ror(value: int, amount: int, width: int) -> int:
    amount %= width
    mask = (1 << width) - 1
    return ((value >> amount) | (value << (width - amount))) & mask


def decode_bit_masks(n: int, imms: int, immr: int, datasize: int) -> tuple[int, int] | None:
    """DecodeBitMasks() of the Arm ARM: (wmask, tmask) or None for a reserved encoding."""
    combined = (n << 6) | (~imms & 0x3F)
    length = combined.bit_length() - 1
    if length < 1:
        return None
    levels = (1 << length) - 1
    if (imms & levels) == levels:
        return None
    s = imms & levels
    r = immr & levels
    esize = 1 << length
    if esize > datasize:
        return None
    welem = (1 << (s + 1)) - 1
    d = (s - r) & levels
    telem = (1 << (d + 1)) - 1
    wmask = replicate(ror(welem, r, esize), esize, datasize)
    tmask = replicate(telem, esize, datasize)
    return wmask, tmask


def replicate(value: int, esize: int, datasize: int) -> int:
    out = 0
    for i in range(0, datasize, esize):
        out |= value << i
    return out


def cond_holds(cond: int, nzcv: int) -> bool:
    """ConditionHolds(): whether ``cond`` passes for flags ``nzcv`` (N in bit 3)."""
    n, z, c, v = (nzcv >> 3) & 1, (nzcv >> 2) & 1, (nzcv >> 1) & 1, nzcv & 1
    base = cond >> 1
    result = (z == 1, c == 1, n == 1, v == 1, c == 1 and z == 0, n == v,
              n == v and z == 0, True)[base]
    if cond & 1 and cond != 0xF:
        result = not result
    return result
