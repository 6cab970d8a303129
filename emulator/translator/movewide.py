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
        rc.define_const(i.rd, ~value & width_mask if i.op == "movn" else value)
        return
    known = rc.known(i.rd)
    if known is not None:  # MOVK into a constant: still a constant
        mask = 0xFFFF << i.amount
        rc.define_const(i.rd, ((known & ~mask) | (i.imm << i.amount)) & width_mask)
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
