"""ADD/SUB (immediate, shifted register, extended register) and ADC/SBC, with exact NZCV."""

from __future__ import annotations

from emulator.translator.context import BlockContext
from emulator.translator.operands import (
    add64,
    compare_both,
    extend32,
    extended64,
    imm32,
    shift64,
    shifted32,
)
from isa.a64.insn import LSL, SXTX, UXTX, ZR, A64Insn

KINDS = ("addsub_imm", "addsub_reg", "addsub_ext", "adc")
Z_ONLY = frozenset("Z")


def translate(ctx: BlockContext, i: A64Insn) -> None:
    known = ctx.rc.known(i.rn) if i.kind == "addsub_imm" and not i.setflags else None
    if known is not None:  # constant folding: ADRP + ADD, MOV + ADD, ...
        value = known - i.imm if i.op == "sub" else known + i.imm
        ctx.rc.define_const(i.rd, value & ((1 << (64 if i.sf else 32)) - 1))
        return
    if i.kind == "adc":
        _adc(ctx, i)
    elif i.sf:
        _add64(ctx, i)
    else:
        _add32(ctx, i)
    if i.setflags:
        ctx.flags_defined()


def _second32(ctx: BlockContext, i: A64Insn) -> str:
    if i.kind == "addsub_imm":
        return imm32(ctx, i.imm)
    if i.kind == "addsub_reg":
        return shifted32(ctx, i.rm, i.shift, i.amount)
    reg = extend32(ctx, ctx.rc.lo(i.rm), i.shift)
    return f"{reg}, lsl #{i.amount}" if i.amount else reg


def _add32(ctx: BlockContext, i: A64Insn) -> None:
    rc, op = ctx.rc, ctx.code.op
    a = rc.lo(i.rn)
    sub = i.op == "sub"
    if i.kind == "addsub_imm" and not i.setflags and i.imm <= 4095:
        op("subw" if sub else "addw", f"{rc.def32(i.rd)}, {a}, #{i.imm}")
        return
    b = _second32(ctx, i)
    if i.setflags and i.rd == ZR:
        op("cmp.w" if sub else "cmn.w", f"{a}, {b}")
        return
    name = ("sub" if sub else "add") + ("s" if i.setflags else "")
    op(name + ".w", f"{rc.def32(i.rd)}, {a}, {b}")


def _add64(ctx: BlockContext, i: A64Insn) -> None:
    rc = ctx.rc
    if i.kind == "addsub_imm" and i.imm == 0 and not i.setflags:  # MOV to/from SP
        lo, hi = rc.pair(i.rn)
        if rc.take(i.rd, i.rn, True):
            return
        d_lo, d_hi = rc.def64(i.rd, reuse=True)
        ctx.code.op("mov", f"{d_lo}, {lo}")
        ctx.code.op("mov", f"{d_hi}, {hi}")
        return
    a = rc.pair(i.rn)
    if i.kind == "addsub_imm":
        b: tuple[str, str] | int = i.imm
    elif i.kind == "addsub_reg":
        b = _narrow_shifted(ctx, i) or shift64(ctx, *rc.pair(i.rm), i.shift, i.amount)
    else:
        ext = i.shift if i.shift not in (UXTX, SXTX) else UXTX
        b = extended64(ctx, i.rm, ext, i.amount)
    if i.setflags and i.rd == ZR and i.op == "sub" and ctx.flags_needed <= Z_ONLY:
        _equal64(ctx, a, b)
        return
    dst = (rc.temp(), rc.temp()) if i.rd == ZR else rc.def64(i.rd)
    add64(ctx, i.op == "sub", dst, a, b, i.setflags)


def _narrow_shifted(ctx: BlockContext, i: A64Insn) -> tuple[str, str] | None:
    """The second operand as a pair of shifted-register operands when it is a W value (high
    word known 0) shifted left by 1-31 (an index scaled to bytes): ``lo, lsl #n`` and
    ``lo, lsr #32-n``, with no register for its high word and no shift instructions."""
    if i.shift != LSL or not 0 < i.amount < 32 or i.rm == ZR or not ctx.rc.hi_is_zero(i.rm):
        return None
    lo = ctx.rc.lo(i.rm)
    return f"{lo}, lsl #{i.amount}", f"{lo}, lsr #{32 - i.amount}"


def _equal64(ctx: BlockContext, a: tuple[str, str], b: tuple[str, str] | int) -> None:
    """CMP whose only later reader tests Z: compare the low words, then the high words only if
    those were equal (Z = the two 64-bit values are equal)."""
    if isinstance(b, int):
        b = imm32(ctx, b & 0xFFFFFFFF), imm32(ctx, b >> 32)
    compare_both(ctx, (a[0], b[0]), (a[1], b[1]))


def _adc(ctx: BlockContext, i: A64Insn) -> None:
    rc = ctx.rc
    ctx.need_flags()
    sub = i.op == "sbc"
    if i.sf:
        a, b = rc.pair(i.rn), rc.pair(i.rm)
        add64(ctx, sub, rc.def64(i.rd), a, b, i.setflags, carry_in=True)
        return
    n, m = rc.lo(i.rn), rc.lo(i.rm)
    name = ("sbc" if sub else "adc") + ("s" if i.setflags else "")
    ctx.code.op(name + ".w", f"{rc.def32(i.rd)}, {n}, {m}")
