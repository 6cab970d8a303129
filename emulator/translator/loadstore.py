"""Single-register loads and stores: unsigned/unscaled immediate, pre/post-index, register offset
(any extend and shift), literal; signed loads."""

from __future__ import annotations

from emulator.translator.context import BlockContext
from emulator.translator.memaccess import (
    LOAD_OPS,
    STORE_OPS,
    aligned_base,
    immediate_indexed,
    load,
    store,
)
from isa.a64.insn import A64Insn

KINDS = ("ldst_imm", "ldst_reg", "ldst_lit")


def translate(ctx: BlockContext, i: A64Insn) -> None:
    rc, op = ctx.rc, ctx.code.op
    if i.kind == "ldst_lit":
        base = rc.const(i.imm)
        load(ctx, i.rd, i.size, i.signed, i.sf, base, 0)
        return
    if i.kind == "ldst_reg":
        base, index = rc.lo(i.rn), rc.lo(i.rm)
        if i.size < 3:
            addr = f"[{base}, {index}, lsl #{i.amount}]" if i.amount else f"[{base}, {index}]"
            if i.op == "ld":
                _load_indexed(ctx, i, addr)
            else:
                op(STORE_OPS[i.size], f"{rc.lo(i.rd)}, {addr}")
            return
        t = rc.temp()
        op("add.w", f"{t}, {base}, {index}" + (f", lsl #{i.amount}" if i.amount else ""))
        _access(ctx, i, t, 0)
        return
    immediate_indexed(ctx, i, _access, (i.rd,) if i.op == "st" else ())


def _access(ctx: BlockContext, i: A64Insn, base: str, offset: int) -> None:
    aligned = aligned_base(i.rn) and offset % 4 == 0 and -1020 <= offset <= 1016
    if i.op == "ld":
        load(ctx, i.rd, i.size, i.signed, i.sf, base, offset, aligned)
    else:
        store(ctx, i.rd, i.size, base, offset, word_aligned=aligned)


def _load_indexed(ctx: BlockContext, i: A64Insn, addr: str) -> None:
    rc, op = ctx.rc, ctx.code.op
    name = LOAD_OPS[(i.size, i.signed)]
    if i.signed and i.sf:
        lo, hi = rc.def64(i.rd)
        op(name, f"{lo}, {addr}")
        op("asr.w", f"{hi}, {lo}, #31")
    else:
        op(name, f"{rc.def32(i.rd)}, {addr}")
