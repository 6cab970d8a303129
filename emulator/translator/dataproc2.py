"""Two-source data processing: UDIV/SDIV and the variable shifts LSLV/LSRV/ASRV/RORV.

64-bit division has no Thumb-2 instruction: the block ends there and the dispatcher performs it
(charged as the core's software divide routine).
"""

from __future__ import annotations

from emulator.translator.context import BlockContext
from emulator.translator.exits import ExitKind
from isa.a64.insn import A64Insn
from isa.thumb2.encode import divide

KINDS = ("dp2",)


def translate(ctx: BlockContext, i: A64Insn) -> None:
    rc, op = ctx.rc, ctx.code.op
    if i.op in ("udiv", "sdiv"):
        if i.sf:
            ctx.end_with(ExitKind.HELPER, i.next_addr, i)
            return
        n, m = rc.lo(i.rn), rc.lo(i.rm)
        d = rc.def32(i.rd)
        ctx.code.raw(divide(i.op == "sdiv", _num(d), _num(n), _num(m)), i.op)
        return
    if not i.sf:
        n, m = rc.lo(i.rn), rc.lo(i.rm)
        d = rc.def32(i.rd)
        if i.op == "rorv":  # the host ROR already takes the amount modulo 32
            op("ror.w", f"{d}, {n}, {m}")
            return
        amount = rc.temp()
        op("and", f"{amount}, {m}, #31")
        op({"lslv": "lsl.w", "lsrv": "lsr.w", "asrv": "asr.w"}[i.op], f"{d}, {n}, {amount}")
        return
    _shift64(ctx, i)


def _num(reg: str) -> int:
    return int(reg[1:])


def _shift64(ctx: BlockContext, i: A64Insn) -> None:
    """64-bit shift by a register amount (mod 64).  Host shifts by >= 32 give 0 (LSL/LSR), which
    lets LSL/LSR merge both words without branches; ASR/ROR select with an IT block."""
    rc, op = ctx.rc, ctx.code.op
    lo, hi = rc.pair(i.rn)
    t, up, down = rc.temp(), rc.temp(), rc.temp()
    op("and", f"{t}, {rc.lo(i.rm)}, #63")
    op("rsb.w", f"{up}, {t}, #32")  # 32 - t (as a shift: >= 32 when t > 32 wraps negative)
    op("sub.w", f"{down}, {t}, #32")  # t - 32
    w = rc.temp()
    d_lo, d_hi = rc.def64(i.rd)
    if i.op == "lslv":
        op("lsl.w", f"{d_hi}, {hi}, {t}")
        op("lsr.w", f"{w}, {lo}, {up}")
        op("orr.w", f"{d_hi}, {d_hi}, {w}")
        op("lsl.w", f"{w}, {lo}, {down}")
        op("orr.w", f"{d_hi}, {d_hi}, {w}")
        op("lsl.w", f"{d_lo}, {lo}, {t}")
        return
    if i.op == "lsrv":
        op("lsr.w", f"{d_lo}, {lo}, {t}")
        op("lsl.w", f"{w}, {hi}, {up}")
        op("orr.w", f"{d_lo}, {d_lo}, {w}")
        op("lsr.w", f"{w}, {hi}, {down}")
        op("orr.w", f"{d_lo}, {d_lo}, {w}")
        op("lsr.w", f"{d_hi}, {hi}, {t}")
        return
    ctx.preserve_flags()
    if i.op == "asrv":
        op("lsr.w", f"{d_lo}, {lo}, {t}")
        op("lsl.w", f"{w}, {hi}, {up}")
        op("orr.w", f"{d_lo}, {d_lo}, {w}")
        op("asr.w", f"{d_hi}, {hi}, {t}")
        op("cmp.w", f"{t}, #32")
        op("it", "hs")
        op("asr.w", f"{d_lo}, {hi}, {down}", cond="hs")
        return
    # rorv: rotate by t mod 32 after swapping the words when t >= 32
    a, b = rc.temp(), rc.temp()
    op("cmp.w", f"{t}, #32")
    op("ite", "hs")
    op("mov", f"{a}, {hi}", cond="hs")
    op("mov", f"{a}, {lo}", cond="lo")
    op("ite", "hs")
    op("mov", f"{b}, {lo}", cond="hs")
    op("mov", f"{b}, {hi}", cond="lo")
    op("and", f"{t}, {t}, #31")
    op("rsb.w", f"{up}, {t}, #32")
    op("lsr.w", f"{d_lo}, {a}, {t}")
    op("lsl.w", f"{w}, {b}, {up}")
    op("orr.w", f"{d_lo}, {d_lo}, {w}")
    op("lsr.w", f"{d_hi}, {b}, {t}")
    op("lsl.w", f"{w}, {a}, {up}")
    op("orr.w", f"{d_hi}, {d_hi}, {w}")
