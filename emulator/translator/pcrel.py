"""ADR and ADRP: the translator knows the guest pc, so the result is a constant."""

from __future__ import annotations

from emulator.translator.context import BlockContext
from isa.a64.insn import A64Insn

KINDS = ("pcrel",)


def translate(ctx: BlockContext, i: A64Insn) -> None:
    ctx.rc.define_const(i.rd, i.imm)
