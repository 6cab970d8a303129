"""Three-source data processing: MADD/MSUB (MUL/MNEG), [SU]MADDL/[SU]MSUBL, SMULH/UMULH.

64-bit products are built from 32x32->64 multiplies (UMULL/UMLAL/MLA); multiply-add keeps the
flags intact by accumulating with UMLAL, multiply-subtract needs SUBS/SBC.
"""

from __future__ import annotations

from emulator.translator.context import BlockContext
from emulator.translator.operands import add64
from isa.a64.insn import ZR, A64Insn

KINDS = ("dp3",)


def translate(ctx: BlockContext, i: A64Insn) -> None:
    rc, op = ctx.rc, ctx.code.op
    if not i.sf:
        n, m = rc.lo(i.rn), rc.lo(i.rm)
        if i.ra == ZR and i.op == "madd":
            op("mul", f"{rc.def32(i.rd)}, {n}, {m}")
            return
        name = "mla" if i.op == "madd" else "mls"
        op(name, f"{rc.def32(i.rd)}, {n}, {m}, {rc.lo(i.ra)}")
        return
    if i.op in ("umulh", "smulh"):
        _mulh(ctx, i)
        return
    long_form = i.op not in ("madd", "msub")
    subtract = i.op in ("msub", "smsubl", "umsubl")
    if long_form:
        n_lo, m_lo = rc.lo(i.rn), rc.lo(i.rm)
    else:
        (n_lo, n_hi), (m_lo, m_hi) = rc.pair(i.rn), rc.pair(i.rm)
    acc = rc.pair(i.ra) if i.ra != ZR else None
    mul_long = "smull" if i.op.startswith("s") else "umull"
    acc_long = "smlal" if i.op.startswith("s") else "umlal"
    if acc is not None and not subtract:
        d_lo, d_hi = rc.def64(i.rd)
        op("mov.w", f"{d_lo}, {acc[0]}")
        op("mov.w", f"{d_hi}, {acc[1]}")
        op(acc_long if long_form else "umlal", f"{d_lo}, {d_hi}, {n_lo}, {m_lo}")
    else:
        d_lo, d_hi = rc.def64(i.rd)
        op(mul_long if long_form else "umull", f"{d_lo}, {d_hi}, {n_lo}, {m_lo}")
    if not long_form:
        op("mla", f"{d_hi}, {n_lo}, {m_hi}, {d_hi}")
        op("mla", f"{d_hi}, {n_hi}, {m_lo}, {d_hi}")
    if subtract:  # d = acc - product, in place
        if acc is None:  # MNEG
            acc = (rc.const(0),) * 2
        add64(ctx, True, (d_lo, d_hi), acc, (d_lo, d_hi), False)


def _mulh(ctx: BlockContext, i: A64Insn) -> None:
    """High 64 bits of the 128-bit product, from four 32x32 partial products (UMLAL only, so it
    also runs on cores without the DSP extension)."""
    rc, op = ctx.rc, ctx.code.op
    (a_lo, a_hi), (b_lo, b_hi) = rc.pair(i.rn), rc.pair(i.rm)
    w0, c, h1, h2, one = [rc.temp() for _ in range(5)]
    op("umull", f"{w0}, {c}, {a_lo}, {b_lo}")
    op("movw", f"{h1}, #0")
    op("umlal", f"{c}, {h1}, {a_lo}, {b_hi}")  # h1:c = a_lo*b_hi + carry
    op("movw", f"{h2}, #0")
    op("umlal", f"{c}, {h2}, {a_hi}, {b_lo}")  # h2:c = a_hi*b_lo + c (c is word 1)
    rc.release(w0)
    rc.release(c)
    d_lo, d_hi = rc.def64(i.rd)
    op("mov.w", f"{d_lo}, {h1}")
    op("movw", f"{d_hi}, #0")
    op("umlal", f"{d_lo}, {d_hi}, {a_hi}, {b_hi}")  # words 2,3 = a_hi*b_hi + h1 ...
    op("movw", f"{one}, #1")
    op("umlal", f"{d_lo}, {d_hi}, {h2}, {one}")  # ... + h2
    rc.release(one)
    if i.op == "smulh":  # signed: subtract b if a < 0 and a if b < 0 (mod 2^64)
        ctx.preserve_flags()
        mask = rc.temp()
        for sign, (v_lo, v_hi) in ((a_hi, (b_lo, b_hi)), (b_hi, (a_lo, a_hi))):
            op("asr.w", f"{mask}, {sign}, #31")
            op("and.w", f"{h1}, {v_lo}, {mask}")
            op("and.w", f"{h2}, {v_hi}, {mask}")
            op("subs", f"{d_lo}, {d_lo}, {h1}")
            op("sbc", f"{d_hi}, {d_hi}, {h2}")
