"""LDP/STP/LDPSW (and the non-temporal LDNP/STNP) with offset, pre- and post-index addressing.

On the stack pointer (word-aligned by the ABI) pairs use LDRD/STRD; elsewhere single accesses,
which the M core allows unaligned.
"""

from __future__ import annotations

from emulator.translator.context import BlockContext
from emulator.translator.memaccess import (
    address,
    aligned_base,
    immediate_indexed,
    load,
    store,
    value_regs,
)
from isa.a64.insn import ZR, A64Insn

KINDS = ("ldstpair",)


def translate(ctx: BlockContext, i: A64Insn) -> None:
    immediate_indexed(ctx, i, _pair, (i.rd, i.rt2) if i.op == "stp" else ())


def _pair(ctx: BlockContext, i: A64Insn, base: str, offset: int) -> None:
    step = 1 << i.size
    if aligned_base(i.rn) and offset % 4 == 0 and -1020 <= offset and offset + step <= 1020 \
            and i.op != "ldpsw":
        _doubleword(ctx, i, base, offset)
        return
    base, offset = address(ctx, base, offset, step + (4 if i.size == 3 else 0))
    for k, rt in enumerate((i.rd, i.rt2)):
        if i.op == "stp":
            store(ctx, rt, i.size, base, offset + k * step, value_regs(ctx, rt, i.size))
        else:
            load(ctx, rt, 2 if i.op == "ldpsw" else i.size, i.op == "ldpsw", i.sf, base,
                 offset + k * step)


def _doubleword(ctx: BlockContext, i: A64Insn, base: str, offset: int) -> None:
    """Word-aligned pair: one LDRD/STRD per 8 bytes."""
    rc, op = ctx.rc, ctx.code.op
    if i.size == 2:
        if i.op == "stp":
            op("strd", f"{rc.lo(i.rd)}, {rc.lo(i.rt2)}, [{base}, #{offset}]")
        else:
            first = rc.temp() if i.rd == ZR else rc.def32(i.rd)
            second = rc.temp() if i.rt2 == ZR else rc.def32(i.rt2)
            op("ldrd", f"{first}, {second}, [{base}, #{offset}]")
        return
    for k, rt in enumerate((i.rd, i.rt2)):
        at = f"[{base}, #{offset + 8 * k}]"
        if i.op == "stp":
            lo, hi = rc.pair(rt)
            op("strd", f"{lo}, {hi}, {at}")
        else:
            lo, hi = (rc.temp(), rc.temp()) if rt == ZR else rc.def64(rt)
            op("ldrd", f"{lo}, {hi}, {at}")
