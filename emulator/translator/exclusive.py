"""Load-acquire/store-release and the exclusives (LDXR/STXR/LDAXR/STLXR/LDXP/STXP, LDAR/STLR),
byte to doubleword.

The M core runs one guest thread, so ordering is free.  The exclusive monitor lives in the state
block: address and value of the last load-exclusive.  A store-exclusive stores only to that
address while memory still holds that value in the store's size; it reports success when the
whole recorded value matched.  That mirrors the reference (QEMU) exactly, including its answer to
the CONSTRAINED UNPREDICTABLE case of a store narrower than the load (stored, but "failed").
Every store-exclusive disarms the monitor.
"""

from __future__ import annotations

from emulator import state
from emulator.translator.context import BlockContext
from emulator.translator.memaccess import LOAD_OPS, load, store, value_regs
from emulator.translator.operands import compare_both
from emulator.translator.regcache import ENV
from isa.a64.insn import ZR, A64Insn

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
        rc.commit()
        armed = rc.temp()
        op("movw", f"{armed}, #1")
        op("strd", f"{base}, {armed}, [{ENV}, #{state.EXCL_ADDR}]")
        if i.op == "ldxr" and i.rd != ZR:
            value = rc.pair(i.rd) if i.size == 3 else (rc.lo(i.rd), rc.const(0))
            op("strd", f"{value[0]}, {value[1]}, [{ENV}, #{state.EXCL_VALUE}]")
    else:
        _store_exclusive(ctx, i, base)


def _loads(ctx: BlockContext, i: A64Insn, base: str) -> None:
    load(ctx, i.rd, i.size, False, i.sf, base, 0)
    if i.op == "ldxp":
        load(ctx, i.rt2, i.size, False, i.sf, base, 1 << i.size)


def _store_exclusive(ctx: BlockContext, i: A64Insn, base: str) -> None:
    rc, op = ctx.rc, ctx.code.op
    # every register is allocated before the branch below (a spill inside would run on one
    # path only)
    values = [value_regs(ctx, rt, i.size) for rt in ((i.rd, i.rt2) if i.op == "stxp"
                                                      else (i.rd,))]
    addr, armed = rc.temp(), rc.temp()
    status = rc.def32(i.rm)
    ctx.preserve_flags()
    fail = ctx.code.new_label()
    op("ldrd", f"{addr}, {armed}, [{ENV}, #{state.EXCL_ADDR}]")
    op("movw", f"{status}, #1")
    compare_both(ctx, (armed, "#1"), (addr, base))
    op("bne", fail)
    if i.op == "stxr":  # memory must still hold what the load-exclusive read (store's size)
        words = 2 if i.size == 3 else 1
        name = LOAD_OPS[(min(i.size, 2), False)]
        for k in range(words):
            op(name, f"{addr}, [{base}, #{4 * k}]")
            op(name, f"{armed}, [{ENV}, #{state.EXCL_VALUE + 4 * k}]")
            op("cmp", f"{addr}, {armed}")
            op("bne", fail)
    for k, value in enumerate(values):
        store(ctx, 0, i.size, base, k << i.size, value)
    op("movw", f"{status}, #0")
    if i.op == "stxr" and i.size < 3:  # narrower than the load: QEMU stores, reports failure
        for k, expected in enumerate((addr, "#0")):
            op("ldr.w", f"{armed}, [{ENV}, #{state.EXCL_VALUE + 4 * k}]")
            op("cmp", f"{armed}, {expected}")
            op("it", "ne")
            op("mov", f"{status}, #1", cond="ne")
    ctx.code.label(fail)
    op("movw", f"{armed}, #0")
    op("str.w", f"{armed}, [{ENV}, #{state.EXCL_VALID}]")
