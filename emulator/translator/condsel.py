"""CSEL/CSINC/CSINV/CSNEG and their aliases (CSET, CSETM, CINC, CINV, CNEG).

The "else" operand is computed without touching the flags, then an IT block picks the result.
"""

from __future__ import annotations

from emulator.translator.context import BlockContext
from isa.a64.fields import CONDITIONS
from isa.a64.insn import ZR, A64Insn

KINDS = ("condsel",)


def translate(ctx: BlockContext, i: A64Insn) -> None:
    rc = ctx.rc
    if i.cond >= 14:  # AL/NV: always the first operand
        _move(ctx, i, [rc.lo(i.rn)] + ([rc.hi(i.rn)] if i.sf else []))
        return
    if i.rn == ZR and i.rm == ZR and i.op in ("csinc", "csinv"):
        _cset(ctx, i)
        return
    first = [rc.lo(i.rn)] + ([rc.hi(i.rn)] if i.sf else [])
    other = _else_value(ctx, i)
    defined = rc.define(i.rd, i.sf) if i.rd != ZR else (rc.temp(), rc.temp())
    dest = [d for d in defined if d is not None][:len(first)]
    ctx.need_flags()
    cond, inv = CONDITIONS[i.cond], CONDITIONS[i.cond ^ 1]
    ctx.code.op("it" + "t" * (len(first) - 1) + "e" * len(first), cond)
    for d, s in zip(dest, first):
        ctx.code.op("mov", f"{d}, {s}", cond=cond)
    for d, s in zip(dest, other):
        ctx.code.op("mov", f"{d}, {s}", cond=inv)


def _move(ctx: BlockContext, i: A64Insn, src: list[str]) -> None:
    dest = ctx.rc.define(i.rd, i.sf)
    for d, s in zip(dest, src):
        ctx.code.op("mov.w", f"{d}, {s}")


def _cset(ctx: BlockContext, i: A64Insn) -> None:
    """CSET/CSETM: rd = cond ? 0 : (1 or all ones)."""
    rc = ctx.rc
    ones = i.op == "csinv"
    if i.sf and ones:
        lo, hi = rc.def64(i.rd)
    else:
        lo, hi = rc.def32(i.rd), None
    ctx.need_flags()
    cond, inv = CONDITIONS[i.cond], CONDITIONS[i.cond ^ 1]
    ctx.code.op("ite", cond)
    ctx.code.op("mov.w", f"{lo}, #0", cond=cond)
    ctx.code.op("mov.w", f"{lo}, #{0xFFFFFFFF if ones else 1:#x}", cond=inv)
    if hi is not None:
        ctx.code.op("mov.w", f"{hi}, {lo}")


def _else_value(ctx: BlockContext, i: A64Insn) -> list[str]:
    """Registers holding Rm, Rm+1, ~Rm or -Rm (flags untouched)."""
    rc, op = ctx.rc, ctx.code.op
    lo = rc.lo(i.rm)
    hi = rc.hi(i.rm) if i.sf else None
    if i.op == "csel":
        return [lo] + ([hi] if hi else [])
    t_lo = rc.temp()
    if i.op == "csinv":
        op("mvn.w", f"{t_lo}, {lo}")
        if hi is None:
            return [t_lo]
        t_hi = rc.temp()
        op("mvn.w", f"{t_hi}, {hi}")
        return [t_lo, t_hi]
    if i.op == "csinc":
        op("add.w", f"{t_lo}, {lo}, #1")
        if hi is None:
            return [t_lo]
        carry, t_hi = rc.temp(), rc.temp()
        op("clz", f"{carry}, {t_lo}")  # 32 exactly when the low word wrapped to 0
        op("add.w", f"{t_hi}, {hi}, {carry}, lsr #5")
        return [t_lo, t_hi]
    op("rsb.w", f"{t_lo}, {lo}, #0")  # csneg
    if hi is None:
        return [t_lo]
    carry, t_hi = rc.temp(), rc.temp()
    op("clz", f"{carry}, {lo}")  # -(hi:lo) = ~hi + (lo == 0) : lo'
    op("mvn.w", f"{t_hi}, {hi}")
    op("add.w", f"{t_hi}, {t_hi}, {carry}, lsr #5")
    return [t_lo, t_hi]
