"""MOVZ, MOVN, MOVK."""

from __future__ import annotations

from emulator.translator.context import BlockContext
from isa.a64.insn import A64Insn

KINDS = ("movewide",)


def translate(ctx: BlockContext, i: A64Insn) -> None:
    rc, op = ctx.rc, ctx.code.op
    width_mask = (1 << (64 if i.sf else 32)) - 1
    if i.op in ("movz", "movn"):
        value = i.imm << i.amount
        if i.op == "movn":
            value = ~value & width_mask
        if value >> 32 == 0:
            rc.load_const(rc.def32(i.rd), value)
        else:
            lo, hi = rc.def64(i.rd)
            rc.load_const(lo, value & 0xFFFFFFFF)
            rc.load_const(hi, value >> 32)
        return
    # MOVK: insert 16 bits, keep the rest
    if i.sf:
        src_lo, src_hi = rc.pair(i.rd)
        lo, hi = rc.def64(i.rd)
        op("mov.w", f"{lo}, {src_lo}")
        op("mov.w", f"{hi}, {src_hi}")
    else:
        src_lo = rc.lo(i.rd)
        lo, hi = rc.def32(i.rd), None
        op("mov.w", f"{lo}, {src_lo}")
    target = lo if i.amount < 32 else hi
    if i.amount % 32 == 16:
        op("movt", f"{target}, #{i.imm}")
    else:
        op("bfi", f"{target}, {rc.const(i.imm)}, #0, #16")
