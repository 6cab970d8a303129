"""Branches: B, BL, B.cond, CBZ/CBNZ, TBZ/TBNZ, BR, BLR, RET.  Every one ends the block.

Direct targets leave through chainable ``b.w`` slots; indirect targets go to the runtime's
jump-cache lookup with the target in r0 (low word) and r1 (high word).
"""

from __future__ import annotations

from emulator.translator.context import BlockContext
from isa.a64.insn import A64Insn

KINDS = ("branch", "bcond", "cbz", "tbz", "branch_reg")
LINK = 30


def translate(ctx: BlockContext, i: A64Insn) -> None:
    if i.kind == "branch_reg":
        _indirect(ctx, i)
    elif i.kind == "branch":
        if i.op == "bl":
            _link(ctx, i)
        ctx.prepare_exit()
        ctx.chain_to(i.imm)
    elif i.kind == "bcond":
        ctx.prepare_exit()
        if i.cond >= 14:
            ctx.chain_to(i.imm)
        else:
            _conditional(ctx, i)
    else:
        test = test_register(ctx, i)
        ctx.prepare_exit()
        taken_if_zero = i.op in ("cbz", "tbz")
        _two_way(ctx, "cbz" if taken_if_zero else "cbnz", test, i)
    ctx.ended = True


def _link(ctx: BlockContext, i: A64Insn) -> None:
    ctx.rc.load_const(ctx.rc.def32(LINK), i.next_addr)


def test_register(ctx: BlockContext, i: A64Insn) -> str:
    """A low register that is zero exactly when the branch condition's operand is zero."""
    rc, op = ctx.rc, ctx.code.op
    t = rc.temp(low=True)
    if i.kind == "tbz":
        word = rc.lo(i.rn) if i.imm2 < 32 else rc.hi(i.rn)
        op("and", f"{t}, {word}, #{1 << (i.imm2 % 32)}")
    elif i.sf and not rc.hi_is_zero(i.rn):
        op("orr.w", f"{t}, {rc.lo(i.rn)}, {rc.hi(i.rn)}")
    else:
        op("mov", f"{t}, {rc.lo(i.rn)}")
    return t


def _two_way(ctx: BlockContext, branch: str, test: str | None, i: A64Insn) -> None:
    """``branch`` to the taken path, fall through to the next guest instruction."""
    taken = ctx.code.new_label()
    ctx.code.op(branch, f"{test}, {taken}" if test else taken)
    ctx.chain_to(i.next_addr)
    ctx.code.label(taken)
    ctx.taken_penalty()
    ctx.chain_to(i.imm)


def _conditional(ctx: BlockContext, i: A64Insn) -> None:
    """B.cond: the likely way (taken when the branch goes backward, else not taken) is a
    ``b<cond>.w`` chained straight to its block, so it costs one host branch; the other way
    falls through to a ``b.w``.  Each path is charged what ``_two_way`` charges it."""
    backward = i.imm <= i.addr
    likely, other = (i.imm, i.next_addr) if backward else (i.next_addr, i.imm)
    ctx.chain_to(likely, i.cond if backward else i.cond ^ 1)
    ctx.taken_penalty(owed=not backward)
    ctx.chain_to(other)


def _indirect(ctx: BlockContext, i: A64Insn) -> None:
    rc, op = ctx.rc, ctx.code.op
    target = rc.pair(i.rn)
    if i.op == "blr":
        _link(ctx, i)
    ctx.prepare_exit()
    lo, hi = target
    if (lo, hi) == ("r1", "r0"):
        op("mov", f"r2, {lo}")
        lo = "r2"
    if hi == "r0":
        op("mov", f"r1, {hi}")
        op("mov", f"r0, {lo}")
    else:
        if lo != "r0":
            op("mov", f"r0, {lo}")
        if hi != "r1":
            op("mov", f"r1, {hi}")
    ctx.extra_cycles += ctx.runtime.indirect_cycles
    ctx.extra_insns += ctx.runtime.indirect_insns
    ctx.code.far_branch(ctx.runtime.indirect)
