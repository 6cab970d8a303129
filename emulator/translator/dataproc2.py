"""Two-source data processing: UDIV/SDIV and the variable shifts LSLV/LSRV/ASRV/RORV.

64-bit division has no Thumb-2 instruction: operands that fit 32 bits use the hardware divider,
others call the runtime's division routine (emulator.runtime), charged as the core's software
divide routine (emulator.helpers.HELPER_CYCLES).
"""

from __future__ import annotations

from emulator.helpers import HELPER_CYCLES
from emulator.translator.context import BlockContext
from isa.a64.insn import A64Insn
from isa.thumb2.encode import divide

KINDS = ("dp2",)


def translate(ctx: BlockContext, i: A64Insn) -> None:
    rc, op = ctx.rc, ctx.code.op
    if i.op in ("udiv", "sdiv"):
        if i.sf:
            _divide64(ctx, i)
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


def _divide64(ctx: BlockContext, i: A64Insn) -> None:
    """Operands that fit 32 bits (non-negative for SDIV) use the hardware divider; anything
    else calls the runtime routine with every allocatable register saved on the host stack: the
    operands are loaded from their stack slots and the quotient stored into its slots, so no
    register can clobber another on the way in or out."""
    rc, code = ctx.rc, ctx.code
    op = code.op
    n_lo, n_hi = rc.pair(i.rn)
    m_lo, m_hi = rc.pair(i.rm)
    d_lo, d_hi = rc.def64(i.rd)
    wide = rc.temp()
    ctx.preserve_flags()
    op("orr.w", f"{wide}, {n_hi}, {m_hi}")
    if i.op == "sdiv":
        op("orr.w", f"{wide}, {wide}, {n_lo}, lsr #31")
        op("orr.w", f"{wide}, {wide}, {m_lo}, lsr #31")
    slow, done = code.new_label(), code.new_label()
    op("cmp", f"{wide}, #0")
    op("bne", slow)
    cycles, insns = code.cycles, code.counted_insns
    code.raw(divide(False, _num(d_lo), _num(n_lo), _num(m_lo)), "udiv")
    op("mov.w", f"{d_hi}, #0")
    op("b", done)
    cycles, insns = code.cycles - cycles, code.counted_insns - insns  # skipped by the call
    code.label(slow)
    first = code.n_insns
    op("push", "{r0-r9}", counted=False)
    for k, reg in enumerate((n_lo, n_hi, m_lo, m_hi)):
        op("ldr", f"r{k}, [sp, #{4 * _num(reg)}]", counted=False)
    op("mov", "r9, pc", counted=False)  # the routine returns past the b.w that follows
    code.far_branch(ctx.runtime.sdiv64 if i.op == "sdiv" else ctx.runtime.udiv64, counted=False)
    op("str", f"r0, [sp, #{4 * _num(d_lo)}]", counted=False)
    op("str", f"r1, [sp, #{4 * _num(d_hi)}]", counted=False)
    op("pop", "{r0-r9}", counted=False)
    insns = code.n_insns - first + 2 - insns
    for reg, amount in (("r12", HELPER_CYCLES[i.op] - cycles), ("r10", insns)):
        op("addw" if amount >= 0 else "subw", f"{reg}, {reg}, #{abs(amount)}", counted=False)
    code.label(done)


def _num(reg: str) -> int:
    return int(reg[1:])


def _shift64(ctx: BlockContext, i: A64Insn) -> None:
    """64-bit shift by a register amount (mod 64).  Host shifts by >= 32 give 0 (LSL/LSR), which
    lets LSL/LSR merge both words without branches; ASR/ROR select with an IT block."""
    rc, op = ctx.rc, ctx.code.op
    t = rc.temp()
    amount = rc.lo(i.rm)
    op("and", f"{t}, {amount}, #63")
    rc.unpin(amount)
    lo, hi = rc.pair(i.rn)
    up, w = rc.temp(), rc.temp()
    op("rsb.w", f"{up}, {t}, #32")  # 32 - t (as a shift: >= 32 when t > 32 wraps negative)
    if i.op in ("lslv", "lsrv"):
        down = rc.temp()
        op("sub.w", f"{down}, {t}, #32")  # t - 32
        d_lo, d_hi = rc.def64(i.rd)
        near, far = (hi, lo) if i.op == "lslv" else (lo, hi)
        d_near, d_far = (d_hi, d_lo) if i.op == "lslv" else (d_lo, d_hi)
        toward, away = ("lsl.w", "lsr.w") if i.op == "lslv" else ("lsr.w", "lsl.w")
        op(toward, f"{d_near}, {near}, {t}")
        op(away, f"{w}, {far}, {up}")
        op("orr.w", f"{d_near}, {d_near}, {w}")
        op(toward, f"{w}, {far}, {down}")
        op("orr.w", f"{d_near}, {d_near}, {w}")
        op(toward, f"{d_far}, {far}, {t}")
        return
    d_lo, d_hi = rc.def64(i.rd)
    ctx.preserve_flags()
    if i.op == "asrv":
        op("lsr.w", f"{d_lo}, {lo}, {t}")
        op("lsl.w", f"{w}, {hi}, {up}")
        op("orr.w", f"{d_lo}, {d_lo}, {w}")
        op("asr.w", f"{d_hi}, {hi}, {t}")
        op("cmp.w", f"{t}, #32")
        op("itt", "hs")
        op("sub.w", f"{w}, {t}, #32", cond="hs")
        op("asr.w", f"{d_lo}, {hi}, {w}", cond="hs")
        return
    # rorv: swap the words when t >= 32, then rotate both by t mod 32
    op("cmp.w", f"{t}, #32")
    op("ite", "hs")
    op("mov", f"{d_lo}, {hi}", cond="hs")
    op("mov", f"{d_lo}, {lo}", cond="lo")
    op("ite", "hs")
    op("mov", f"{d_hi}, {lo}", cond="hs")
    op("mov", f"{d_hi}, {hi}", cond="lo")
    op("and", f"{t}, {t}, #31")
    op("rsb.w", f"{up}, {t}, #32")
    op("lsl.w", f"{w}, {d_lo}, {up}")  # the low word's bits that rotate into the high word
    op("lsr.w", f"{d_lo}, {d_lo}, {t}")
    op("lsl.w", f"{up}, {d_hi}, {up}")
    op("orr.w", f"{d_lo}, {d_lo}, {up}")
    op("lsr.w", f"{d_hi}, {d_hi}, {t}")
    op("orr.w", f"{d_hi}, {d_hi}, {w}")
