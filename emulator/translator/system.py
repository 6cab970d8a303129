"""Hints (NOP, PACIASP/AUTIASP, BTI...), barriers, CLREX, MSR DAIFSet/DAIFClr, MRS/MSR of the
supported system registers, SVC/BRK, and the dispatcher-handled 64-bit divides' siblings."""

from __future__ import annotations

from emulator import state
from emulator.translator.context import BlockContext
from emulator.translator.exits import ExitKind
from emulator.translator.regcache import ENV
from isa.a64.decode import SYSREGS
from isa.a64.insn import A64Insn

KINDS = ("hint", "barrier", "msr_imm", "sysreg", "exception")

# Read through the dispatcher: their value depends on the cycle count so far.
DISPATCHED_SYSREGS = ("cntvct_el0", "cntpct_el0")
DAIF = SYSREGS.index("daif")


def translate(ctx: BlockContext, i: A64Insn) -> None:
    rc, op = ctx.rc, ctx.code.op
    if i.kind == "hint":
        return
    if i.kind == "barrier":
        if i.op == "clrex":
            zero = rc.const(0)
            op("str.w", f"{zero}, [{ENV}, #{state.EXCL_VALID}]")
        return
    if i.kind == "exception":
        kind = ExitKind.SVC if i.op == "svc" else ExitKind.BRK
        if i.op in ("hvc", "smc", "hlt"):
            kind = ExitKind.UNSUPPORTED
        ctx.end_with(kind, i.next_addr if kind is ExitKind.SVC else i.addr, i)
        return
    if i.kind == "msr_imm":
        if i.op == "spsel":
            return
        slot = state.sysreg_offset(DAIF)
        t = rc.temp()
        op("ldr.w", f"{t}, [{ENV}, #{slot}]")
        op("orr" if i.op == "daifset" else "bic", f"{t}, {t}, #{i.imm << 6}")
        op("str.w", f"{t}, [{ENV}, #{slot}]")
        return
    name = SYSREGS[i.imm]
    if name == "nzcv":
        _nzcv(ctx, i)
    elif name in DISPATCHED_SYSREGS and i.op == "mrs":
        ctx.end_with(ExitKind.HELPER, i.next_addr, i)
    elif i.op == "mrs":
        lo, hi = rc.def64(i.rd)
        op("ldrd", f"{lo}, {hi}, [{ENV}, #{state.sysreg_offset(i.imm)}]")
    else:
        lo, hi = rc.pair(i.rd)
        op("strd", f"{lo}, {hi}, [{ENV}, #{state.sysreg_offset(i.imm)}]")


def _nzcv(ctx: BlockContext, i: A64Insn) -> None:
    rc, op = ctx.rc, ctx.code.op
    if i.op == "mrs":
        ctx.need_flags()
        d = rc.def32(i.rd)
        op("mrs", f"{d}, apsr")
        op("and", f"{d}, {d}, #0xf0000000")
        return
    t = rc.temp()
    op("and", f"{t}, {rc.lo(i.rd)}, #0xf0000000")
    op("msr", f"apsr_nzcvq, {t}")
    ctx.flags_defined()
