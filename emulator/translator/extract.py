"""EXTR (and its ROR-immediate alias): a field from the concatenation of two registers."""

from __future__ import annotations

from emulator.translator.context import BlockContext
from isa.a64.insn import A64Insn

KINDS = ("extr",)


def translate(ctx: BlockContext, i: A64Insn) -> None:
    rc, op = ctx.rc, ctx.code.op
    lsb = i.imm
    if not i.sf:
        n, m = rc.lo(i.rn), rc.lo(i.rm)
        d = rc.def32(i.rd)
        if lsb == 0:
            op("mov.w", f"{d}, {m}")
        else:
            op("lsr.w", f"{d}, {m}, #{lsb}")
            op("orr.w", f"{d}, {d}, {n}, lsl #{32 - lsb}")
        return
    n_lo, n_hi = rc.pair(i.rn)
    m_lo, m_hi = rc.pair(i.rm)
    words = (m_lo, m_hi, n_lo, n_hi)  # the 128-bit value n:m, low word first
    first, shift = divmod(lsb, 32)
    dest = rc.def64(i.rd)
    for k in range(2):
        low, high = words[first + k], words[first + k + 1]
        if shift == 0:
            op("mov.w", f"{dest[k]}, {low}")
        else:
            op("lsr.w", f"{dest[k]}, {low}, #{shift}")
            op("orr.w", f"{dest[k]}, {dest[k]}, {high}, lsl #{32 - shift}")
