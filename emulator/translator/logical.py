"""AND/ORR/EOR/BIC/ORN/EON/ANDS/BICS with immediate or shifted-register operands."""

from __future__ import annotations

from emulator.translator.context import BlockContext
from emulator.translator.operands import imm32, logic_flags, shift64, shifted32
from isa.a64.insn import ZR, A64Insn
from isa.thumb2.encode import is_modified_immediate

KINDS = ("logic_imm", "logic_reg")

# A64 operation -> (Thumb-2 operation, invert the second operand first)
_HOST = {"and": ("and", False), "ands": ("and", False), "bic": ("bic", False),
         "bics": ("bic", False), "orr": ("orr", False), "orn": ("orn", False),
         "eor": ("eor", False), "eon": ("eor", True)}


def translate(ctx: BlockContext, i: A64Insn) -> None:
    if i.kind == "logic_imm":
        _immediate(ctx, i)
    else:
        _register(ctx, i)
    if i.setflags:
        ctx.flags_defined()


def _dest(ctx: BlockContext, i: A64Insn, sf: bool, reuse: bool = False):
    if i.rd == ZR:
        return ctx.rc.temp(), (ctx.rc.temp() if sf else None)
    return ctx.rc.define(i.rd, sf, reuse)


def _apply(ctx: BlockContext, name: str, d: str, a: str | None, b: str) -> None:
    if name == "orr" and a is None:
        ctx.code.op("mov", f"{d}, {b}")
    else:
        ctx.code.op(name + ".w" if name != "orn" else name, f"{d}, {a}, {b}")


def _imm_word(ctx: BlockContext, name: str, value: int) -> tuple[str, str]:
    """Thumb operation and operand for a 32-bit immediate, using BIC for AND of awkward masks."""
    if name == "and" and not is_modified_immediate(value) and is_modified_immediate(~value):
        return "bic", f"#{~value & 0xFFFFFFFF:#x}"
    return name, imm32(ctx, value)


def _immediate(ctx: BlockContext, i: A64Insn) -> None:
    rc, op = ctx.rc, ctx.code.op
    name = _HOST[i.op][0]
    lo_imm, hi_imm = i.imm & 0xFFFFFFFF, i.imm >> 32
    if i.rn == ZR and name == "orr":  # MOV (bitmask immediate)
        if not i.sf or hi_imm == 0:
            rc.load_const(rc.def32(i.rd), lo_imm)
        else:
            d_lo, d_hi = rc.def64(i.rd)
            rc.load_const(d_lo, lo_imm)
            rc.load_const(d_hi, hi_imm)
        return
    if not i.sf or (name == "and" and hi_imm == 0):
        a = rc.lo(i.rn)
        d = rc.temp() if i.rd == ZR else rc.def32(i.rd)
        n, b = _imm_word(ctx, name, lo_imm)
        op(n + ".w", f"{d}, {a}, {b}")
        if i.setflags:
            logic_flags(ctx, d, None if not i.sf else rc.const(0))
        return
    pair = rc.pair(i.rn)
    dest = _dest(ctx, i, True)
    for half, value, src in ((0, lo_imm, pair[0]), (1, hi_imm, pair[1])):
        if value == 0xFFFFFFFF and name == "and" or value == 0 and name in ("orr", "eor"):
            op("mov.w", f"{dest[half]}, {src}")
        elif value == 0xFFFFFFFF and name == "eor":
            op("mvn.w", f"{dest[half]}, {src}")
        else:
            n, b = _imm_word(ctx, name, value)
            op(n + ".w", f"{dest[half]}, {src}, {b}")
    if i.setflags:
        logic_flags(ctx, dest[0], dest[1])


def _register(ctx: BlockContext, i: A64Insn) -> None:
    rc, op = ctx.rc, ctx.code.op
    name, invert = _HOST[i.op]
    if name == "orr" and i.rn == ZR and i.rm == ZR and not invert:  # MOV xd, xzr
        rc.load_const(rc.def32(i.rd), 0)
        return
    plain_move = name == "orr" and i.rn == ZR and not invert and not i.amount
    if not i.sf:
        b = shifted32(ctx, i.rm, i.shift, i.amount)
        if plain_move and rc.take(i.rd, i.rm, False):
            return
        if invert:
            t = rc.temp()
            op("mvn.w", f"{t}, {b}")
            b = t
        a = None if i.rn == ZR and name == "orr" else rc.lo(i.rn)
        d = _dest(ctx, i, False)[0]
        _apply(ctx, name, d, a, b)
        if i.setflags:
            logic_flags(ctx, d, None)
        return
    b_lo, b_hi = shift64(ctx, *rc.pair(i.rm), i.shift, i.amount)
    if plain_move and rc.take(i.rd, i.rm, True):
        return
    if invert:  # in place when shift64 already made temps
        t_lo, t_hi = (b_lo, b_hi) if i.amount else (rc.temp(), rc.temp())
        op("mvn.w", f"{t_lo}, {b_lo}")
        op("mvn.w", f"{t_hi}, {b_hi}")
        b_lo, b_hi = t_lo, t_hi
    a_lo, a_hi = (None, None) if i.rn == ZR and name == "orr" else rc.pair(i.rn)
    dest = _dest(ctx, i, True, reuse=True)  # every source read above
    _apply(ctx, name, dest[0], a_lo, b_lo)
    _apply(ctx, name, dest[1], a_hi, b_hi)
    if i.setflags:
        logic_flags(ctx, dest[0], dest[1])
