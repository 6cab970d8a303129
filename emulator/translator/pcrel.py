"""ADR and ADRP: the translator knows the guest pc, so the result is a constant."""

from __future__ import annotations

from emulator.translator.context import BlockContext
from isa.a64.insn import A64Insn

KINDS = ("pcrel",)


def translate(ctx: BlockContext, i: A64Insn) -> None:
    value = i.imm & ((1 << 64) - 1)
    if value >> 32 == 0:
        ctx.rc.load_const(ctx.rc.def32(i.rd), value)
    else:
        lo, hi = ctx.rc.def64(i.rd)
        ctx.rc.load_const(lo, value & 0xFFFFFFFF)
        ctx.rc.load_const(hi, value >> 32)
