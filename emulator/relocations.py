"""AArch64 ELF relocation types (ELF for the Arm 64-bit Architecture, AAELF64, Table 4-x)."""

from __future__ import annotations

import struct

from emulator.errors import LoaderError

# type number -> name (the ones the loader applies)
NAMES = {
    257: "ABS64", 258: "ABS32", 259: "ABS16", 260: "PREL64", 261: "PREL32", 262: "PREL16",
    274: "ADR_PREL_LO21", 275: "ADR_PREL_PG_HI21", 276: "ADR_PREL_PG_HI21_NC",
    277: "ADD_ABS_LO12_NC", 278: "LDST8_ABS_LO12_NC", 279: "TSTBR14", 280: "CONDBR19",
    282: "JUMP26", 283: "CALL26", 284: "LDST16_ABS_LO12_NC", 285: "LDST32_ABS_LO12_NC",
    286: "LDST64_ABS_LO12_NC", 299: "LDST128_ABS_LO12_NC", 263: "MOVW_UABS_G0",
    264: "MOVW_UABS_G0_NC", 265: "MOVW_UABS_G1", 266: "MOVW_UABS_G1_NC", 267: "MOVW_UABS_G2",
    268: "MOVW_UABS_G2_NC", 269: "MOVW_UABS_G3",
}
_LDST_SHIFT = {278: 0, 284: 1, 285: 2, 286: 3, 299: 4}


def _patch(buf: bytearray, off: int, mask: int, value: int) -> None:
    word = struct.unpack_from("<I", buf, off)[0]
    struct.pack_into("<I", buf, off, (word & ~mask) | (value & mask))


def _check(value: int, bits: int, name: str, where: int, path) -> None:
    if not -(1 << (bits - 1)) <= value < (1 << (bits - 1)):
        raise LoaderError(f"{path}: relocation {name} at 0x{where:x} out of range ({value:#x})")


def apply_relocation(buf: bytearray, off: int, rtype: int, s_a: int, p: int, path) -> None:
    """Apply relocation ``rtype`` at ``buf[off]`` (address ``p``) with S+A = ``s_a``."""
    name = NAMES.get(rtype)
    if name is None:
        raise LoaderError(f"{path}: unsupported AArch64 relocation type {rtype} at 0x{p:x}")
    if rtype == 257:
        struct.pack_into("<Q", buf, off, s_a & (2**64 - 1))
    elif rtype == 258:
        struct.pack_into("<I", buf, off, s_a & 0xFFFFFFFF)
    elif rtype == 259:
        struct.pack_into("<H", buf, off, s_a & 0xFFFF)
    elif rtype == 260:
        struct.pack_into("<Q", buf, off, (s_a - p) & (2**64 - 1))
    elif rtype == 261:
        _check(s_a - p, 33, name, p, path)
        struct.pack_into("<I", buf, off, (s_a - p) & 0xFFFFFFFF)
    elif rtype == 262:
        struct.pack_into("<H", buf, off, (s_a - p) & 0xFFFF)
    elif rtype in (282, 283):
        delta = s_a - p
        _check(delta, 28, name, p, path)
        _patch(buf, off, 0x03FFFFFF, delta >> 2)
    elif rtype == 280:
        delta = s_a - p
        _check(delta, 21, name, p, path)
        _patch(buf, off, 0x7FFFF << 5, (delta >> 2) << 5)
    elif rtype == 279:
        delta = s_a - p
        _check(delta, 16, name, p, path)
        _patch(buf, off, 0x3FFF << 5, (delta >> 2) << 5)
    elif rtype in (274, 275, 276):
        if rtype == 274:
            value = s_a - p
        else:
            value = ((s_a & ~0xFFF) - (p & ~0xFFF)) >> 12
        if rtype != 276:
            _check(value, 21, name, p, path)
        _patch(buf, off, (0x3 << 29) | (0x7FFFF << 5),
               ((value & 0x3) << 29) | (((value >> 2) & 0x7FFFF) << 5))
    elif rtype == 277:
        _patch(buf, off, 0xFFF << 10, (s_a & 0xFFF) << 10)
    elif rtype in _LDST_SHIFT:
        _patch(buf, off, 0xFFF << 10, ((s_a & 0xFFF) >> _LDST_SHIFT[rtype]) << 10)
    else:  # MOVW_UABS_G0..G3
        group = (rtype - 263) // 2 if rtype < 269 else 3
        _patch(buf, off, 0xFFFF << 5, ((s_a >> (16 * group)) & 0xFFFF) << 5)
