"""SBFM/BFM/UBFM and their aliases (LSL/LSR/ASR immediate, SXT*/UXT*, [SU]BFX, [SU]BFIZ, BFI,
BFXIL)."""

from __future__ import annotations

from emulator.translator.context import BlockContext
from emulator.translator.operands import shift64
from isa.a64.insn import ASR, LSL, LSR, A64Insn

KINDS = ("bitfield",)


def translate(ctx: BlockContext, i: A64Insn) -> None:
    immr, imms = i.imm, i.imm2
    if i.op == "bfm":
        (_bfm64 if i.sf else _bfm32)(ctx, i, immr, imms)
    elif i.sf:
        _bfm_extend64(ctx, i, immr, imms, signed=i.op == "sbfm")
    else:
        _bfm_extend32(ctx, i, immr, imms, signed=i.op == "sbfm")


def _bfx(ctx: BlockContext, dst: str, src: str, lsb: int, width: int, signed: bool) -> None:
    ctx.code.op("sbfx" if signed else "ubfx", f"{dst}, {src}, #{lsb}, #{width}")


def _bfm_extend32(ctx: BlockContext, i: A64Insn, immr: int, imms: int, signed: bool) -> None:
    rc, op = ctx.rc, ctx.code.op
    n = rc.lo(i.rn)
    d = rc.def32(i.rd)
    if imms >= immr:
        _bfx(ctx, d, n, immr, imms - immr + 1, signed)
        return
    width, pos = imms + 1, 32 - immr
    if width + pos == 32:
        op("lsl.w", f"{d}, {n}, #{pos}")
    else:
        _bfx(ctx, d, n, 0, width, signed)
        op("lsl.w", f"{d}, {d}, #{pos}")


def _sign_or_zero(ctx: BlockContext, hi: str, lo: str, signed: bool) -> None:
    if signed:
        ctx.code.op("asr.w", f"{hi}, {lo}, #31")
    else:
        ctx.code.op("movw", f"{hi}, #0")


def _bfm_extend64(ctx: BlockContext, i: A64Insn, immr: int, imms: int, signed: bool) -> None:
    rc, op = ctx.rc, ctx.code.op
    lo, hi = rc.pair(i.rn)
    if imms >= immr:  # extract field [imms:immr] to the bottom (LSR/ASR/[SU]BFX/SXT*)
        width, lsb = imms - immr + 1, immr
        if imms == 63:
            shift64(ctx, lo, hi, ASR if signed else LSR, lsb, rc.def64(i.rd))
        elif lsb >= 32 or lsb + width <= 32:
            src = hi if lsb >= 32 else lo
            _field_low(ctx, i, src, lsb % 32, width, signed)
        else:
            t_lo, t_hi = shift64(ctx, lo, hi, LSR, lsb)
            if width <= 32:
                _field_low(ctx, i, t_lo, 0, width, signed)
            else:
                d_lo, d_hi = rc.def64(i.rd)
                op("mov.w", f"{d_lo}, {t_lo}")
                _bfx(ctx, d_hi, t_hi, 0, width - 32, signed)
        return
    width, pos = imms + 1, 64 - immr  # insert the low field at pos (LSL/[SU]BFIZ)
    if pos >= 32:
        d_lo, d_hi = rc.def64(i.rd)
        if width + pos == 64:
            op("lsl.w", f"{d_hi}, {lo}, #{pos - 32}")
        else:
            _bfx(ctx, d_hi, lo, 0, width, signed)
            op("lsl.w", f"{d_hi}, {d_hi}, #{pos - 32}")
        op("movw", f"{d_lo}, #0")
        return
    f_lo, f_hi = rc.temp(), rc.temp()
    if width <= 32:
        _bfx(ctx, f_lo, lo, 0, width, signed)
        _sign_or_zero(ctx, f_hi, f_lo, signed)
    else:
        op("mov.w", f"{f_lo}, {lo}")
        _bfx(ctx, f_hi, hi, 0, width - 32, signed)
    shift64(ctx, f_lo, f_hi, LSL, pos, rc.def64(i.rd))


def _field_low(ctx: BlockContext, i: A64Insn, src: str, lsb: int, width: int,
               signed: bool) -> None:
    """Destination = the field of ``src`` at ``lsb`` (width <= 32), zero/sign-extended to 64."""
    if not signed:
        _bfx(ctx, ctx.rc.def32(i.rd), src, lsb, width, False)
        return
    d_lo, d_hi = ctx.rc.def64(i.rd)
    _bfx(ctx, d_lo, src, lsb, width, True)
    ctx.code.op("asr.w", f"{d_hi}, {d_lo}, #31")


def _bfm32(ctx: BlockContext, i: A64Insn, immr: int, imms: int) -> None:
    rc, op = ctx.rc, ctx.code.op
    n, old = rc.lo(i.rn), rc.lo(i.rd)
    d = rc.def32(i.rd)
    op("mov.w", f"{d}, {old}")
    if imms >= immr:  # BFXIL
        width = imms - immr + 1
        t = rc.temp()
        op("ubfx", f"{t}, {n}, #{immr}, #{width}")
        op("bfi", f"{d}, {t}, #0, #{width}")
    else:  # BFI
        op("bfi", f"{d}, {n}, #{32 - immr}, #{imms + 1}")


def _bfm64(ctx: BlockContext, i: A64Insn, immr: int, imms: int) -> None:
    rc, op = ctx.rc, ctx.code.op
    n_lo, n_hi = rc.pair(i.rn)
    old_lo, old_hi = rc.pair(i.rd)
    d_lo, d_hi = rc.def64(i.rd)
    op("mov.w", f"{d_lo}, {old_lo}")
    op("mov.w", f"{d_hi}, {old_hi}")
    if imms >= immr:  # BFXIL: d[width-1:0] = n[imms:immr]
        width = imms - immr + 1
        t_lo, t_hi = shift64(ctx, n_lo, n_hi, LSR, immr)
        if width <= 32:
            op("bfi", f"{d_lo}, {t_lo}, #0, #{width}")
        else:
            op("mov.w", f"{d_lo}, {t_lo}")
            op("bfi", f"{d_hi}, {t_hi}, #0, #{width - 32}")
        return
    width, pos = imms + 1, 64 - immr  # BFI: d[pos+width-1:pos] = n[width-1:0]
    if pos >= 32:
        op("bfi", f"{d_hi}, {n_lo}, #{pos - 32}, #{width}")
    elif pos + width <= 32:
        op("bfi", f"{d_lo}, {n_lo}, #{pos}, #{width}")
    else:
        op("bfi", f"{d_lo}, {n_lo}, #{pos}, #{32 - pos}")
        t_lo, _ = shift64(ctx, n_lo, n_hi, LSR, 32 - pos)
        op("bfi", f"{d_hi}, {t_lo}, #0, #{pos + width - 32}")
