"""One-source data processing: RBIT, REV16, REV32, REV, CLZ, CLS."""

from __future__ import annotations

from emulator.translator.context import BlockContext
from isa.a64.insn import A64Insn

KINDS = ("dp1",)

_SAME = {"rbit": "rbit", "rev": "rev", "rev16": "rev16", "clz": "clz"}


def translate(ctx: BlockContext, i: A64Insn) -> None:
    rc, op = ctx.rc, ctx.code.op
    if not i.sf:
        n = rc.lo(i.rn)
        d = rc.def32(i.rd)
        if i.op == "cls":
            _cls_word(ctx, d, n)
        else:
            op(_SAME[i.op], f"{d}, {n}")
        return
    lo, hi = rc.pair(i.rn)
    if i.op in ("clz", "cls"):
        if i.op == "cls":  # CLS(x) = CLZ((x ^ (x << 1)) | 1)
            t_lo, t_hi = rc.temp(), rc.temp()
            op("eor.w", f"{t_hi}, {hi}, {hi}, lsl #1")
            op("eor.w", f"{t_hi}, {t_hi}, {lo}, lsr #31")
            op("eor.w", f"{t_lo}, {lo}, {lo}, lsl #1")
            op("orr", f"{t_lo}, {t_lo}, #1")
            lo, hi = t_lo, t_hi
        z_hi, z_lo = rc.temp(), rc.temp()
        op("clz", f"{z_hi}, {hi}")
        op("clz", f"{z_lo}, {lo}")
        d = rc.def32(i.rd)
        op("lsr.w", f"{d}, {z_hi}, #5")  # 1 when the high word is all zero
        op("mla", f"{d}, {d}, {z_lo}, {z_hi}")
        return
    d_lo, d_hi = rc.def64(i.rd)
    if i.op in ("rbit", "rev"):  # reverse the whole doubleword: swap the words too
        op(i.op, f"{d_lo}, {hi}")
        op(i.op, f"{d_hi}, {lo}")
    else:  # rev16 / rev32 work inside each word
        name = "rev16" if i.op == "rev16" else "rev"
        op(name, f"{d_lo}, {lo}")
        op(name, f"{d_hi}, {hi}")


def _cls_word(ctx: BlockContext, d: str, n: str) -> None:
    t = ctx.rc.temp()
    ctx.code.op("eor.w", f"{t}, {n}, {n}, lsl #1")
    ctx.code.op("orr", f"{t}, {t}, #1")
    ctx.code.op("clz", f"{d}, {t}")
