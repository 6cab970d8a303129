"""Hand encoders for Thumb-2 loads and stores: LDR/STR and their byte, halfword and signed
variants with an immediate offset (``[Rn]``, ``[Rn, #imm]``, -255..4095) or a register offset
(``[Rn, Rm]``, ``[Rn, Rm, lsl #1-3]``), and LDRD/STRD with a positive offset.

Encoders take (signature, values, wide, in_it) as isa.thumb2.encode_operands parses them.
Without ``.w``, Keystone picks the 16-bit encoding when the registers are low and the offset
fits it (a scaled imm5, or a plain register).  SP and PC operands, writeback and post-index
forms go to Keystone.
"""

from __future__ import annotations

from functools import partial

from isa.thumb2.encode_operands import PC, SP, Encoder, halfwords, narrow

# name -> (log2 of the 16-bit imm5 scale and its opcode, or None; 16-bit register opcode;
#          first halfword of the 32-bit imm12 form; of the imm8 / register forms)
_LOADSTORE = {
    "ldr": ((2, 0x6800), 0x5800, 0xF8D0, 0xF850),
    "str": ((2, 0x6000), 0x5000, 0xF8C0, 0xF840),
    "ldrb": ((0, 0x7800), 0x5C00, 0xF890, 0xF810),
    "strb": ((0, 0x7000), 0x5400, 0xF880, 0xF800),
    "ldrh": ((1, 0x8800), 0x5A00, 0xF8B0, 0xF830),
    "strh": ((1, 0x8000), 0x5200, 0xF8A0, 0xF820),
    "ldrsb": (None, 0x5600, 0xF990, 0xF910),
    "ldrsh": (None, 0x5E00, 0xF9B0, 0xF930),
}
_NEGATIVE = 0x0C00  # imm8 form, P=1 U=0 W=0: offset subtracted, no writeback


def _single(name: str, sig: str, v: tuple, wide: bool, in_it: bool) -> bytes | None:
    """LDR{B,H,SB,SH}/STR{B,H} Rt, [Rn {, #imm | , Rm {, lsl #n}}]."""
    scaled, narrow_reg, first12, first8 = _LOADSTORE[name]
    rt, rn = v[:2]
    if rt in (SP, PC) or rn in (SP, PC):
        return None
    if sig in ("r[r]", "r[ri]"):
        offset = v[2] if sig == "r[ri]" else 0
        if offset < 0:  # Keystone rejects .w here
            return halfwords(first8 | rn, rt << 12 | _NEGATIVE | -offset) \
                if offset >= -0xFF and not wide else None
        if not wide and scaled and max(rt, rn) < 8:
            shift, opcode = scaled
            if not offset & ((1 << shift) - 1) and offset >> shift < 32:
                return narrow(opcode | (offset >> shift) << 6 | rn << 3 | rt)
        return halfwords(first12 | rn, rt << 12 | offset) if offset <= 0xFFF else None
    if sig not in ("r[rr]", "r[rrs]"):
        return None
    rm = v[2]
    amount = 0
    if sig == "r[rrs]":
        kind, amount = v[3]
        if kind != 0 or not 1 <= amount <= 3:
            return None
    if rm in (SP, PC):
        return None
    if not wide and not amount and max(rt, rn, rm) < 8:
        return narrow(narrow_reg | rm << 6 | rn << 3 | rt)
    return halfwords(first8 | rn, rt << 12 | amount << 4 | rm)


def _double(load: bool, sig: str, v: tuple, wide: bool, in_it: bool) -> bytes | None:
    """LDRD/STRD Rt, Rt2, [Rn {, #imm}]: a positive multiple of 4 up to 1020."""
    if sig not in ("rr[r]", "rr[ri]"):
        return None
    rt, rt2, rn = v[:3]
    offset = v[3] if sig == "rr[ri]" else 0
    if SP in v[:3] or PC in v[:3] or offset < 0 or offset % 4 or offset > 1020 \
            or load and rt == rt2:
        return None
    return halfwords((0xE9D0 if load else 0xE9C0) | rn, rt << 12 | rt2 << 8 | offset >> 2)


ENCODERS: dict[str, Encoder] = {**{name: partial(_single, name) for name in _LOADSTORE},
                                 "ldrd": partial(_double, True), "strd": partial(_double, False)}
