"""Hand encoders for Thumb-2 data processing: ALU operations with an immediate or a (shifted)
register, moves, compares, shifts, bit fields, CLZ, extends, 12/16-bit immediates, MRS/MSR.

Each encoder takes (signature, values, wide, in_it) as isa.thumb2.encode_operands parses them
and returns Keystone's bytes or None.  Like Keystone, an unsuffixed mnemonic gets a 16-bit
encoding when one exists: most 16-bit ALU forms set the flags outside an IT block and do not
inside one, so they serve ``adds`` outside and ``add`` inside.  SP and PC operands, negative
or unencodable immediates and shifts by 0 or 32 are left to Keystone (None).
"""

from __future__ import annotations

from functools import partial

from isa.thumb2.encode_operands import (
    PC,
    SP,
    Encoder,
    halfwords,
    immediate12,
    modified_immediate,
    narrow,
    shift_field,
)

# name -> (op in the 32-bit encodings, 16-bit "Rdn, Rm" opcode or None, commutative)
_ALU = {
    "and": (0x0, 0x4000, True), "bic": (0x1, 0x4380, False), "orr": (0x2, 0x4300, True),
    "orn": (0x3, None, False), "eor": (0x4, 0x4040, True), "add": (0x8, None, True),
    "adc": (0xA, 0x4140, True), "sbc": (0xB, 0x4180, False), "sub": (0xD, None, False),
    "rsb": (0xE, None, False),
}
# (name, immediate form) Keystone rejects with .w although the encoding exists
_NO_WIDE = frozenset((("orn", True), ("orn", False), ("adc", True), ("sbc", True),
                      ("rsb", False)))
_ADD3, _SUB3 = 0x1800, 0x1A00  # 16-bit ADDS/SUBS "Rd, Rn, Rm"; | 0x400: "Rd, Rn, #imm3"
_NARROW_IMM8 = {0x8: 0x3000, 0xD: 0x3800}  # 16-bit ADDS/SUBS "Rdn, #imm8"
_RD_NONE = 0xF  # Rd of the compares, Rn of MOV/MVN


def _bad(*regs: int) -> bool:
    """Whether any register is SP or PC (those forms are Keystone's)."""
    return SP in regs or PC in regs


def _low(*regs: int) -> bool:
    return max(regs) < 8


def _flags_fit(setflags: bool, in_it: bool) -> bool:
    """Whether the 16-bit ALU forms (flag-setting outside IT blocks only) fit."""
    return setflags != in_it


def _wide_immediate(op: int, setflags: bool, rd: int, rn: int, value: int) -> bytes | None:
    """Data processing (modified immediate), 32-bit."""
    code = modified_immediate(value)
    if code is None:
        return None
    return immediate12(0xF000 | (op << 5) | (setflags << 4) | rn, rd << 8, code)


def _wide_register(op: int, setflags: bool, rd: int, rn: int, rm: int,
                   shift: tuple[int, int] | None) -> bytes | None:
    """Data processing (shifted register), 32-bit."""
    field = 0 if shift is None else shift_field(*shift)
    if field is None:
        return None
    return halfwords(0xEA00 | (op << 5) | (setflags << 4) | rn, field | (rd << 8) | rm)


def _alu(name: str, setflags: bool, sig: str, v: tuple, wide: bool, in_it: bool):
    """AND/BIC/ORR/ORN/EOR/ADD/ADC/SBC/SUB/RSB Rd, Rn, #imm | Rm [, shift]."""
    op, narrow_op, commutative = _ALU[name]
    if wide and (name, sig == "rri") in _NO_WIDE:
        return None
    if sig == "rri":
        rd, rn, value = v
        if _bad(rd, rn) or value < 0:
            return None
        if not wide and _flags_fit(setflags, in_it) and _low(rd, rn):
            if op in _NARROW_IMM8:
                if value < 8:
                    three = (_SUB3 if op == 0xD else _ADD3) | 0x400
                    return narrow(three | value << 6 | rn << 3 | rd)
                if rd == rn and value < 0x100:
                    return narrow(_NARROW_IMM8[op] | rd << 8 | value)
            elif op == 0xE and value == 0:
                return narrow(0x4240 | rn << 3 | rd)
        return _wide_immediate(op, setflags, rd, rn, value)
    if sig not in ("rrr", "rrrs"):
        return None
    rd, rn, rm = v[:3]
    if _bad(rd, rn, rm):
        return None
    if not wide and sig == "rrr":
        if _flags_fit(setflags, in_it) and _low(rd, rn, rm):
            if op in (0x8, 0xD):
                return narrow((_ADD3 if op == 0x8 else _SUB3) | rm << 6 | rn << 3 | rd)
            if narrow_op is not None and (rd == rn or commutative and rd == rm):
                return narrow(narrow_op | (rn if rd == rm else rm) << 3 | rd)
        if op == 0x8 and not setflags and rd in (rn, rm):
            return narrow(0x4400 | (rd >> 3) << 7 | (rn if rd == rm else rm) << 3 | rd & 7)
    return _wide_register(op, setflags, rd, rn, rm, v[3] if sig == "rrrs" else None)


def _move(negate: bool, setflags: bool, sig: str, v: tuple, wide: bool, in_it: bool):
    """MOV/MVN Rd, #imm | Rm [, shift].  Like Keystone, an unsuffixed MOV of 256-65535 is MOVW
    even when the value is a modified immediate."""
    op = 0x3 if negate else 0x2
    if sig == "ri":
        rd, value = v
        if rd in (SP, PC) or value < 0:
            return None
        if not (negate or wide):
            if _flags_fit(setflags, in_it) and rd < 8 and value < 0x100:
                return narrow(0x2000 | rd << 8 | value)
            if not setflags and 0x100 <= value <= 0xFFFF:
                return _MOVW(sig, v, wide, in_it)
        return _wide_immediate(op, setflags, rd, _RD_NONE, value)
    if sig not in ("rr", "rrs"):
        return None
    rd, rm = v[:2]
    if rd in (SP, PC) or rm == SP or rm == PC and (wide or negate or setflags):
        return None
    if not wide and sig == "rr":
        if negate:
            if _flags_fit(setflags, in_it) and _low(rd, rm):
                return narrow(0x43C0 | rm << 3 | rd)
        elif not setflags:
            return narrow(0x4600 | (rd >> 3) << 7 | rm << 3 | rd & 7)
        elif in_it:
            return None
        elif _low(rd, rm):
            return narrow(rm << 3 | rd)
    if sig == "rrs" and not negate:
        return None  # Keystone wants lsl/lsr/asr/ror for these, and rejects mov.w with a shift
    return _wide_register(op, setflags, rd, _RD_NONE, rm, v[2] if sig == "rrs" else None)


# name -> (op of the 32-bit encodings, 16-bit register opcode or None, 16-bit imm8 opcode or None)
_COMPARES = {"tst": (0x0, 0x4200, None), "teq": (0x4, None, None), "cmn": (0x8, 0x42C0, None),
             "cmp": (0xD, 0x4280, 0x2800)}


def _compare(name: str, sig: str, v: tuple, wide: bool, in_it: bool):
    """CMP/CMN/TST/TEQ Rn, #imm | Rm [, shift]: flag-setting, so 16-bit in IT blocks too."""
    op, narrow_reg, narrow_imm = _COMPARES[name]
    rn = v[0]
    if sig == "ri":
        value = v[1]
        if rn in (SP, PC) or value < 0:
            return None
        if not wide and narrow_imm and rn < 8 and value < 0x100:
            return narrow(narrow_imm | rn << 8 | value)
        return _wide_immediate(op, True, _RD_NONE, rn, value)
    if sig not in ("rr", "rrs"):
        return None
    rm = v[1]
    if _bad(rn, rm):
        return None
    if not wide and sig == "rr":
        if narrow_reg and _low(rn, rm):
            return narrow(narrow_reg | rm << 3 | rn)
        if op == 0xD:
            return narrow(0x4500 | (rn >> 3) << 7 | rm << 3 | rn & 7)
    return _wide_register(op, True, _RD_NONE, rn, rm, v[2] if sig == "rrs" else None)


_SHIFT_TYPES = {"lsl": 0, "lsr": 1, "asr": 2, "ror": 3}


def _shift(name: str, setflags: bool, sig: str, v: tuple, wide: bool, in_it: bool):
    """LSL/LSR/ASR/ROR Rd, Rm, #imm (MOV with a shifted register) or Rd, Rn, Rm."""
    kind = _SHIFT_TYPES[name]
    if sig == "rri":
        rd, rm, amount = v
        if _bad(rd, rm) or not 1 <= amount <= 31:
            return None
        if not wide and kind < 3 and _flags_fit(setflags, in_it) and _low(rd, rm):
            return narrow(kind << 11 | amount << 6 | rm << 3 | rd)
        return _wide_register(0x2, setflags, rd, _RD_NONE, rm, (kind, amount))
    if sig != "rrr":
        return None
    rd, rn, rm = v
    if _bad(rd, rn, rm):
        return None
    if not wide and _flags_fit(setflags, in_it) and _low(rd, rm) and rd == rn:
        return narrow((0x4080, 0x40C0, 0x4100, 0x41C0)[kind] | rm << 3 | rd)
    return halfwords(0xFA00 | kind << 5 | setflags << 4 | rn, 0xF000 | rd << 8 | rm)


def _bitfield(first: int, insert: bool, sig: str, v: tuple, wide: bool, in_it: bool):
    """UBFX/SBFX Rd, Rn, #lsb, #width and BFI Rd, Rn, #lsb, #width."""
    if sig != "rrii":
        return None
    rd, rn, lsb, width = v
    if _bad(rd, rn) or not 0 <= lsb <= 31 or not 1 <= width <= 32 - lsb:
        return None
    last = lsb + width - 1 if insert else width - 1
    return halfwords(first | rn, (lsb >> 2) << 12 | rd << 8 | (lsb & 3) << 6 | last)


def _one_register(first: int, narrow_op: int | None, sig: str, v: tuple, wide: bool,
                  in_it: bool):
    """CLZ (Rm in both halfwords) and the unrotated extends UXTB/UXTH/SXTB/SXTH (Rn field all
    ones) Rd, Rm; the extends are 16-bit for low registers."""
    if sig != "rr" or _bad(*v) or wide and narrow_op is None:  # Keystone rejects clz.w
        return None
    rd, rm = v
    if narrow_op is not None and not wide and _low(rd, rm):
        return narrow(narrow_op | rm << 3 | rd)
    return halfwords(first | rm, 0xF080 | rd << 8 | rm)


def _plain_immediate(first: int, limit: int, sig: str, v: tuple, wide: bool, in_it: bool):
    """ADDW/SUBW Rd, Rn, #imm12 and MOVW/MOVT Rd, #imm16 (plain binary immediates)."""
    if sig == "rri" and limit == 0xFFF:
        rd, rn, value = v
        first |= rn
    elif sig == "ri" and limit == 0xFFFF:
        (rd, value), rn = v, 0
        first |= value >> 12
    else:
        return None
    if _bad(rd, rn) or not 0 <= value <= limit:
        return None
    return immediate12(first, rd << 8, value & 0xFFF)


def _special(sig: str, v: tuple, wide: bool, in_it: bool):
    """MRS Rd, APSR and MSR APSR_nzcvq, Rn."""
    if sig == "rx" and v[1] == "apsr" and not _bad(v[0]):
        return halfwords(0xF3EF, 0x8000 | v[0] << 8)
    if sig == "xr" and v[0] == "apsr_nzcvq" and not _bad(v[1]):
        return halfwords(0xF380 | v[1], 0x8800)
    return None


_MOVW = partial(_plain_immediate, 0xF240, 0xFFFF)
ENCODERS: dict[str, Encoder] = {
    **{name + s: partial(_alu, name, bool(s)) for name in _ALU for s in ("", "s")},
    **{name + s: partial(_move, name == "mvn", bool(s)) for name in ("mov", "mvn")
       for s in ("", "s")},
    **{name: partial(_compare, name) for name in _COMPARES},
    **{name + s: partial(_shift, name, bool(s)) for name in _SHIFT_TYPES for s in ("", "s")},
    "ubfx": partial(_bitfield, 0xF3C0, False), "sbfx": partial(_bitfield, 0xF340, False),
    "bfi": partial(_bitfield, 0xF360, True),
    "clz": partial(_one_register, 0xFAB0, None),
    "sxth": partial(_one_register, 0xFA0F, 0xB200),
    "sxtb": partial(_one_register, 0xFA4F, 0xB240),
    "uxth": partial(_one_register, 0xFA1F, 0xB280),
    "uxtb": partial(_one_register, 0xFA5F, 0xB2C0),
    "addw": partial(_plain_immediate, 0xF200, 0xFFF),
    "subw": partial(_plain_immediate, 0xF2A0, 0xFFF),
    "movw": _MOVW,
    "movt": partial(_plain_immediate, 0xF2C0, 0xFFFF),
    "mrs": _special, "msr": _special,
}
