"""Decode A64 instruction words of the integer instruction set into :class:`A64Insn` records.

The decoder follows the Arm ARM's encoding index (top-level op0 = bits 28..25); every encoding it
does not recognise returns ``None``, so the "unknown encoding" path lives in one place (the
translator's).  Disassembly text comes from Capstone (:mod:`isa.a64.disasm`).
"""

from __future__ import annotations

from functools import lru_cache

from isa.a64.fields import decode_bit_masks, sext
from isa.a64.insn import SP, ZR, A64Insn

# a register field -> its register number: 31 is ZR (_X) or SP (_XSP) as the encoding says
_X = (*range(31), ZR)
_XSP = (*range(31), SP)


@lru_cache(maxsize=1 << 16)
def decode(word: int, addr: int) -> A64Insn | None:
    """Decode one instruction word at guest address ``addr``; None if unsupported (memoized:
    records are immutable and translation decodes the same code more than once)."""
    op0 = word >> 25 & 0xf
    if op0 in (0b1000, 0b1001):
        return _dp_immediate(word, addr)
    if op0 in (0b1010, 0b1011):
        return _branch_system(word, addr)
    if op0 & 0b0101 == 0b0100:
        return _load_store(word, addr)
    if op0 & 0b0111 == 0b0101:
        return _dp_register(word, addr)
    return None  # SIMD/FP, SVE, SME and reserved space


# --- data processing, immediate -------------------------------------------------------------

def _dp_immediate(w: int, a: int) -> A64Insn | None:
    sf = bool(w >> 31)
    rd, rn = w & 0x1f, w >> 5 & 0x1f
    op = w >> 23 & 0b111
    if op in (0b000, 0b001):  # PC-relative addressing
        imm = sext(((w >> 5 & 0x7ffff) << 2) | (w >> 29 & 0b11), 21)
        if w >> 31:
            return A64Insn(a, w, "pcrel", "adrp", rd=_X[rd], imm=(a & ~0xFFF) + (imm << 12))
        return A64Insn(a, w, "pcrel", "adr", rd=_X[rd], imm=a + imm)
    if op == 0b010:  # add/subtract (immediate)
        s = bool(w >> 29 & 1)
        imm = (w >> 10 & 0xfff) << (12 if w >> 22 & 1 else 0)
        return A64Insn(a, w, "addsub_imm", "sub" if w >> 30 & 1 else "add", sf=sf,
                       setflags=s, rd=(_X if s else _XSP)[rd], rn=_XSP[rn], imm=imm)
    if op == 0b100:  # logical (immediate)
        n = w >> 22 & 1
        if not sf and n:
            return None
        masks = decode_bit_masks(n, w >> 10 & 0x3f, w >> 16 & 0x3f, 64 if sf else 32)
        if masks is None:
            return None
        logic = ("and", "orr", "eor", "ands")[w >> 29 & 0b11]
        return A64Insn(a, w, "logic_imm", logic, sf=sf, setflags=logic == "ands",
                       rd=(_XSP if logic != "ands" else _X)[rd], rn=_X[rn], imm=masks[0])
    if op == 0b101:  # move wide
        opc = w >> 29 & 0b11
        hw = w >> 21 & 0b11
        if opc == 0b01 or (not sf and hw > 1):
            return None
        return A64Insn(a, w, "movewide", ("movn", "", "movz", "movk")[opc], sf=sf, rd=_X[rd],
                       imm=w >> 5 & 0xffff, amount=hw * 16)
    if op == 0b110:  # bitfield
        opc = w >> 29 & 0b11
        if opc == 0b11 or w >> 22 & 1 != sf:
            return None
        immr, imms = w >> 16 & 0x3f, w >> 10 & 0x3f
        if not sf and (immr > 31 or imms > 31):
            return None
        return A64Insn(a, w, "bitfield", ("sbfm", "bfm", "ubfm")[opc], sf=sf, rd=_X[rd],
                       rn=_X[rn], imm=immr, imm2=imms)
    if op == 0b111:  # extract
        if w >> 29 & 0b11 or w >> 21 & 1 or w >> 22 & 1 != sf:
            return None
        lsb = w >> 10 & 0x3f
        if not sf and lsb > 31:
            return None
        return A64Insn(a, w, "extr", "extr", sf=sf, rd=_X[rd], rn=_X[rn],
                       rm=_X[w >> 16 & 0x1f], imm=lsb)
    return None


# --- branches, exception generation and system -------------------------------------------------

_SYSREG_NAMES = {
    (3, 3, 4, 2, 0): "nzcv",
    (3, 3, 4, 2, 1): "daif",
    (3, 3, 13, 0, 2): "tpidr_el0",
    (3, 3, 13, 0, 3): "tpidrro_el0",
    (3, 0, 13, 0, 4): "tpidr_el1",
    (3, 0, 4, 1, 0): "sp_el0",
    (3, 0, 4, 2, 2): "currentel",
    (3, 3, 14, 0, 2): "cntvct_el0",
    (3, 3, 14, 0, 0): "cntfrq_el0",
    (3, 3, 14, 0, 1): "cntpct_el0",
}
SYSREGS = tuple(sorted(set(_SYSREG_NAMES.values())))


def _branch_system(w: int, a: int) -> A64Insn | None:
    if w >> 26 & 0x1f == 0b00101:  # B, BL
        target = a + (sext(w & 0x3ffffff, 26) << 2)
        return A64Insn(a, w, "branch", "bl" if w >> 31 else "b", imm=target)
    if w >> 25 & 0x3f == 0b011010:  # CBZ, CBNZ
        target = a + (sext(w >> 5 & 0x7ffff, 19) << 2)
        return A64Insn(a, w, "cbz", "cbnz" if w >> 24 & 1 else "cbz", sf=bool(w >> 31),
                       rn=_X[w & 0x1f], imm=target)
    if w >> 25 & 0x3f == 0b011011:  # TBZ, TBNZ
        target = a + (sext(w >> 5 & 0x3fff, 14) << 2)
        bit = ((w >> 31) << 5) | (w >> 19 & 0x1f)
        return A64Insn(a, w, "tbz", "tbnz" if w >> 24 & 1 else "tbz", sf=bit >= 32,
                       rn=_X[w & 0x1f], imm=target, imm2=bit)
    if w >> 24 == 0b01010100 and not w >> 4 & 1:  # B.cond
        target = a + (sext(w >> 5 & 0x7ffff, 19) << 2)
        return A64Insn(a, w, "bcond", "b.cond", cond=w & 0xf, imm=target)
    if w >> 24 == 0b11010100:  # exception generation
        opc, ll, op2 = w >> 21 & 0b111, w & 0b11, w >> 2 & 0b111
        name = {(0, 1): "svc", (0, 2): "hvc", (0, 3): "smc", (1, 0): "brk", (2, 0): "hlt"}
        if op2 or (opc, ll) not in name:
            return None
        return A64Insn(a, w, "exception", name[(opc, ll)], imm=w >> 5 & 0xffff)
    if w >> 22 == 0b1101010100:
        return _system(w, a)
    if w >> 25 == 0b1101011:  # unconditional branch (register)
        opc, op2, op3, op4 = w >> 21 & 0xf, w >> 16 & 0x1f, w >> 10 & 0x3f, w & 0x1f
        if op2 != 0b11111 or op4 not in (0, 0b11111):
            return None
        rn = w >> 5 & 0x1f
        if op3 == 0 and op4 == 0 and opc in (0, 1, 2):
            return A64Insn(a, w, "branch_reg", ("br", "blr", "ret")[opc], rn=_X[rn])
        if opc == 2 and op3 in (2, 3) and rn == 31 and op4 == 31:  # RETAA/RETAB: PAC is a no-op
            return A64Insn(a, w, "branch_reg", "ret", rn=30)
        return None
    return None


def _system(w: int, a: int) -> A64Insn | None:
    l_bit, op0, op1 = w >> 21 & 1, w >> 19 & 0b11, w >> 16 & 0b111
    crn, crm, op2, rt = w >> 12 & 0xf, w >> 8 & 0xf, w >> 5 & 0b111, w & 0x1f
    if not l_bit and op0 == 0 and op1 == 3 and crn == 2 and rt == 31:
        return A64Insn(a, w, "hint", "hint", imm=(crm << 3) | op2)  # NOP, PAC*SP, BTI, ...
    if not l_bit and op0 == 0 and op1 == 3 and crn == 3 and rt == 31:
        name = {2: "clrex", 4: "dsb", 5: "dmb", 6: "isb", 7: "sb"}.get(op2)
        return A64Insn(a, w, "barrier", name, imm=crm) if name else None
    if not l_bit and op0 == 0 and crn == 4 and rt == 31:  # MSR (immediate) to PSTATE fields
        field = {(3, 6): "daifset", (3, 7): "daifclr", (0, 5): "spsel"}.get((op1, op2))
        return A64Insn(a, w, "msr_imm", field, imm=crm) if field else None
    if op0 >= 2:
        name = _SYSREG_NAMES.get((op0, op1, crn, crm, op2))
        if name is None:
            return None
        return A64Insn(a, w, "sysreg", "mrs" if l_bit else "msr", rd=_X[rt],
                       imm=SYSREGS.index(name))
    return None


# --- loads and stores -------------------------------------------------------------------------

def _load_store(w: int, a: int) -> A64Insn | None:
    if w >> 26 & 1:
        return None  # SIMD&FP registers
    rt, rn = w & 0x1f, w >> 5 & 0x1f
    top = w >> 27 & 0b111
    if w >> 24 & 0x3f == 0b001000:
        return _exclusive(w, a)
    if top == 0b011 and w >> 24 & 0b11 == 0:  # load register (literal)
        opc = w >> 30
        target = a + (sext(w >> 5 & 0x7ffff, 19) << 2)
        if opc == 3:
            return A64Insn(a, w, "hint", "prfm")
        size, signed = (2, False) if opc == 0 else (3, False) if opc == 1 else (2, True)
        return A64Insn(a, w, "ldst_lit", "ld", sf=opc != 0, rd=_X[rt], imm=target, size=size,
                       signed=signed)
    if top == 0b101:
        return _pair(w, a)
    if top == 0b111:
        size, opc = w >> 30, w >> 22 & 0b11
        if w >> 24 & 0b11 == 0 and w >> 21 & 1 and w >> 10 & 0b11 == 0:
            return _atomic(w, a)
        if opc == 0:
            op, sf, signed = "st", size == 3, False
        elif opc == 1:
            op, sf, signed = "ld", size == 3, False
        elif size == 3:
            return A64Insn(a, w, "hint", "prfm") if opc == 2 else None
        elif opc == 2:
            op, sf, signed = "ld", True, True
        elif size == 2:
            return None
        else:
            op, sf, signed = "ld", False, True
        if w >> 24 & 0b11 == 0b01:  # unsigned immediate offset
            return A64Insn(a, w, "ldst_imm", op, sf=sf, rd=_X[rt], rn=_XSP[rn],
                           imm=(w >> 10 & 0xfff) << size, size=size, signed=signed)
        if w >> 24 & 0b11:
            return None
        if w >> 21 & 1:
            if w >> 10 & 0b11 == 0b10:  # register offset
                option = w >> 13 & 0b111
                if not option & 0b010:
                    return None
                amount = size if w >> 12 & 1 else 0
                return A64Insn(a, w, "ldst_reg", op, sf=sf, rd=_X[rt], rn=_XSP[rn],
                               rm=_X[w >> 16 & 0x1f], shift=option, amount=amount, size=size,
                               signed=signed)
            return None
        idx = w >> 10 & 0b11
        imm = sext(w >> 12 & 0x1ff, 9)
        if idx == 0b10:  # unprivileged: same as unscaled at EL0
            idx = 0
        return A64Insn(a, w, "ldst_imm", op, sf=sf, rd=_X[rt], rn=_XSP[rn], imm=imm,
                       size=size, signed=signed, writeback=idx != 0, postindex=idx == 0b01)
    return None


def _pair(w: int, a: int) -> A64Insn | None:
    opc, mode, load = w >> 30, w >> 23 & 0b111, bool(w >> 22 & 1)
    if opc == 3 or (opc == 1 and not load):
        return None  # reserved, STGP
    size = 3 if opc == 2 else 2
    imm = sext(w >> 15 & 0x7f, 7) << size
    op = ("ldpsw" if opc == 1 else "ldp") if load else "stp"
    return A64Insn(a, w, "ldstpair", op, sf=opc != 0, rd=_X[w & 0x1f],
                   rn=_XSP[w >> 5 & 0x1f], rt2=_X[w >> 10 & 0x1f], imm=imm, size=size,
                   signed=opc == 1, writeback=mode in (1, 3), postindex=mode == 1)


def _exclusive(w: int, a: int) -> A64Insn | None:
    size, o2, load, o1, o0 = (w >> 30, w >> 23 & 1, w >> 22 & 1,
                              (w >> 21 & 1), w >> 15 & 1)
    rs, rt2, rn, rt = w >> 16 & 0x1f, w >> 10 & 0x1f, w >> 5 & 0x1f, w & 0x1f
    common = dict(rd=_X[rt], rn=_XSP[rn], rm=_X[rs], rt2=_X[rt2], size=size,
                  sf=size == 3)
    if o1 and rt2 == 31 and (o2 or size < 2):  # CAS (o2=1) / CASP (o2=0, size 0x)
        if not o2:
            return None
        return A64Insn(a, w, "cas", "cas", acquire=bool(load), release=bool(o0), **common)
    if o2 and not o1:  # load-acquire / store-release (LDAR, STLR, LDLAR, STLLR)
        return A64Insn(a, w, "exclusive", "ldar" if load else "stlr", acquire=bool(load),
                       release=not load, **common)
    if not o2:
        if o1 and size < 2:
            return None
        pair = bool(o1)
        if pair:
            common["sf"] = size == 3
            common["size"] = size
        op = ("ldxp" if pair else "ldxr") if load else ("stxp" if pair else "stxr")
        return A64Insn(a, w, "exclusive", op, acquire=bool(load and o0),
                       release=bool(not load and o0), **common)
    return None


_ATOMIC_OPS = ("ldadd", "ldclr", "ldeor", "ldset", "ldsmax", "ldsmin", "ldumax", "ldumin")


def _atomic(w: int, a: int) -> A64Insn | None:
    size, acq, rel = w >> 30, w >> 23 & 1, w >> 22 & 1
    o3, opc = w >> 15 & 1, w >> 12 & 0b111
    if o3 and opc == 0:
        op = "swp"
    elif not o3:
        op = _ATOMIC_OPS[opc]
    else:
        return None  # LDAPR and friends are not in the supported set
    return A64Insn(a, w, "atomic", op, sf=size == 3, rd=_X[w & 0x1f],
                   rn=_XSP[w >> 5 & 0x1f], rm=_X[w >> 16 & 0x1f], size=size,
                   acquire=bool(acq), release=bool(rel))


# --- data processing, register ----------------------------------------------------------------

_DP1 = {0: "rbit", 1: "rev16", 2: "rev32", 3: "rev", 4: "clz", 5: "cls"}
_DP2 = {2: "udiv", 3: "sdiv", 8: "lslv", 9: "lsrv", 10: "asrv", 11: "rorv"}
_DP3 = {(0, 0): "madd", (0, 1): "msub", (1, 0): "smaddl", (1, 1): "smsubl", (2, 0): "smulh",
        (5, 0): "umaddl", (5, 1): "umsubl", (6, 0): "umulh"}


_LOGIC_REG = ("and", "bic", "orr", "orn", "eor", "eon", "ands", "bics")
_CONDSEL = ("csel", "csinc", "csinv", "csneg")


def _dp_register(w: int, a: int) -> A64Insn | None:
    sf = bool(w >> 31)
    op0, op1, op2 = w >> 30 & 1, w >> 28 & 1, w >> 21 & 0xf
    rd, rn, rm = _X[w & 0x1f], _X[w >> 5 & 0x1f], _X[w >> 16 & 0x1f]
    s = bool(w >> 29 & 1)
    if not op1:
        if not op2 & 0b1000:  # logical (shifted register)
            imm6 = w >> 10 & 0x3f
            if not sf and imm6 > 31:
                return None
            opc = ((w >> 29 & 0b11) << 1) | (w >> 21 & 1)
            return A64Insn(a, w, "logic_reg", _LOGIC_REG[opc], sf=sf, setflags=opc >= 6, rd=rd,
                           rn=rn, rm=rm, shift=w >> 22 & 0b11, amount=imm6)
        op = "sub" if op0 else "add"
        if not op2 & 1:  # add/subtract (shifted register)
            shift, imm6 = w >> 22 & 0b11, w >> 10 & 0x3f
            if shift == 3 or (not sf and imm6 > 31):
                return None
            return A64Insn(a, w, "addsub_reg", op, sf=sf, setflags=s, rd=rd, rn=rn, rm=rm,
                           shift=shift, amount=imm6)
        amount = (w >> 10 & 0b111)  # add/subtract (extended register)
        if w >> 22 & 0b11 or amount > 4:
            return None
        return A64Insn(a, w, "addsub_ext", op, sf=sf, setflags=s,
                       rd=(_X if s else _XSP)[w & 0x1f], rn=_XSP[w >> 5 & 0x1f], rm=rm,
                       shift=w >> 13 & 0b111, amount=amount)
    if op2 == 0 and w >> 10 & 0x3f == 0:  # add/subtract with carry
        return A64Insn(a, w, "adc", "sbc" if op0 else "adc", sf=sf, setflags=s, rd=rd, rn=rn,
                       rm=rm)
    if op2 == 0b0010:  # conditional compare
        if not s or w >> 10 & 1 or w >> 4 & 1:
            return None
        form = "imm" if w >> 11 & 1 else "reg"
        return A64Insn(a, w, "condcmp", ("ccmp" if op0 else "ccmn") + "_" + form, sf=sf,
                       setflags=True, rn=rn, rm=rm, imm=w >> 16 & 0x1f, imm2=w & 0xf,
                       cond=w >> 12 & 0xf)
    if op2 == 0b0100:  # conditional select
        op2b = w >> 10 & 0b11
        if s or op2b > 1:
            return None
        return A64Insn(a, w, "condsel", _CONDSEL[(op0 << 1) | op2b], sf=sf, rd=rd, rn=rn, rm=rm,
                       cond=w >> 12 & 0xf)
    if op2 == 0b0110:
        opcode = w >> 10 & 0x3f
        name: str | None
        if op0:  # data-processing (1 source)
            if s or w >> 16 & 0x1f:
                return None
            name = _DP1.get(opcode)
            if name is None or (name == "rev" and not sf):
                return None
            if name == "rev32" and not sf:
                name = "rev"
            return A64Insn(a, w, "dp1", name, sf=sf, rd=rd, rn=rn)
        name = _DP2.get(opcode)  # data-processing (2 source)
        if name is None or s:
            return None
        return A64Insn(a, w, "dp2", name, sf=sf, rd=rd, rn=rn, rm=rm)
    if op2 & 0b1000:  # data-processing (3 source)
        key = (w >> 21 & 0b111, w >> 15 & 1)
        name = _DP3.get(key)
        if name is None or w >> 29 & 0b11 or (not sf and key != (0, 0) and key != (0, 1)):
            return None
        return A64Insn(a, w, "dp3", name, sf=sf, rd=rd, rn=rn, rm=rm, ra=_X[w >> 10 & 0x1f])
    return None
