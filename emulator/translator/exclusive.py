"""Load-acquire/store-release and the exclusives (LDXR/STXR/LDAXR/STLXR/LDXP/STXP, LDAR/STLR),
byte to doubleword.

The M core runs one guest thread, so ordering is free; the exclusive monitor is the state
block's (address, armed) pair: a store-exclusive succeeds only on the address last loaded
exclusively, and every store-exclusive disarms it.
"""

from __future__ import annotations

from emulator import state
from emulator.translator.context import BlockContext
from emulator.translator.memaccess import load, store
from emulator.translator.regcache import ENV
from isa.a64.insn import A64Insn

KINDS = ("exclusive",)


def translate(ctx: BlockContext, i: A64Insn) -> None:
    rc, op = ctx.rc, ctx.code.op
    base = rc.lo(i.rn)
    if i.op == "ldar":
        load(ctx, i.rd, i.size, False, i.sf, base, 0)
    elif i.op == "stlr":
        store(ctx, i.rd, i.size, base, 0)
    elif i.op in ("ldxr", "ldxp"):
        _loads(ctx, i, base)
        armed = rc.temp()
        op("movw", f"{armed}, #1")
        op("strd", f"{base}, {armed}, [{ENV}, #{state.EXCL_ADDR}]")
    else:
        _store_exclusive(ctx, i, base)


def _loads(ctx: BlockContext, i: A64Insn, base: str) -> None:
    load(ctx, i.rd, i.size, False, i.sf, base, 0)
    if i.op == "ldxp":
        load(ctx, i.rt2, i.size, False, i.sf, base, 1 << i.size)


def _store_exclusive(ctx: BlockContext, i: A64Insn, base: str) -> None:
    rc, op = ctx.rc, ctx.code.op
    for rt in (i.rd, i.rt2) if i.op == "stxp" else (i.rd,):  # load values before branching
        rc.lo(rt)
        if i.size == 3:
            rc.hi(rt)
    addr, armed = rc.temp(), rc.temp()
    status = rc.def32(i.rm)
    ctx.preserve_flags()
    fail = ctx.code.new_label()
    op("ldrd", f"{addr}, {armed}, [{ENV}, #{state.EXCL_ADDR}]")
    op("movw", f"{status}, #1")
    op("cmp.w", f"{armed}, #1")
    op("it", "eq")
    op("cmp", f"{addr}, {base}", cond="eq")
    op("bne", fail)
    store(ctx, i.rd, i.size, base, 0)
    if i.op == "stxp":
        store(ctx, i.rt2, i.size, base, 1 << i.size)
    op("movw", f"{status}, #0")
    ctx.code.label(fail)
    op("movw", f"{armed}, #0")
    op("str.w", f"{armed}, [{ENV}, #{state.EXCL_VALID}]")
