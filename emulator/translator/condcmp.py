"""CCMP/CCMN (immediate and register): compare if the condition holds, else set NZCV to a
constant."""

from __future__ import annotations

from emulator.translator.context import BlockContext
from emulator.translator.operands import fix_z64
from isa.a64.fields import CONDITIONS
from isa.a64.insn import A64Insn

KINDS = ("condcmp",)


def translate(ctx: BlockContext, i: A64Insn) -> None:
    rc, code = ctx.rc, ctx.code
    negate = i.op.startswith("ccmn")
    immediate = i.op.endswith("imm")
    a: tuple[str, str | None] = rc.pair(i.rn) if i.sf else (rc.lo(i.rn), None)
    b: tuple[str, str | None]
    if immediate:
        b = (f"#{i.imm}", "#0")
    else:
        b = rc.pair(i.rm) if i.sf else (rc.lo(i.rm), None)
    nzcv = rc.const(i.imm2 << 28)
    scratch = (rc.temp(), rc.temp(), rc.temp()) if i.sf else None  # all allocated before
    # the branch below: an allocation inside it could spill on one path only
    ctx.need_flags()
    otherwise, done = code.new_label(), code.new_label()
    if i.cond < 14:
        code.op("b" + CONDITIONS[i.cond ^ 1], otherwise)
    if not i.sf:
        code.op("cmn.w" if negate else "cmp.w", f"{a[0]}, {b[0]}")
    else:
        assert scratch is not None
        first, second = ("adds", "adcs") if negate else ("subs", "sbcs")
        code.op(first, f"{scratch[0]}, {a[0]}, {b[0]}")
        code.op(second, f"{scratch[1]}, {a[1]}, {b[1]}")
        fix_z64(ctx, scratch[0], scratch[1], scratch[2])
    if i.cond < 14:
        code.op("b", done)
        code.label(otherwise)
        code.op("msr", f"apsr_nzcvq, {nzcv}")
        code.label(done)
    ctx.flags_defined()
