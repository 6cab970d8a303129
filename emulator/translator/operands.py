"""Operand building blocks: shifted/extended registers, immediates and 64-bit arithmetic on pairs.

All helpers leave the host flags alone unless their name says otherwise.
"""

from __future__ import annotations

from emulator.translator.context import BlockContext
from isa.a64.insn import ASR, LSL, LSR, SXTB, SXTH, SXTW, UXTB, UXTH, UXTW
from isa.thumb2.encode import is_modified_immediate

SHIFT_NAMES = ("lsl", "lsr", "asr", "ror")


def imm32(ctx: BlockContext, value: int) -> str:
    """``#value`` if Thumb-2 can encode it as a modified immediate, else a temp holding it."""
    value &= 0xFFFFFFFF
    return f"#{value:#x}" if is_modified_immediate(value) else ctx.rc.const(value)


def shifted32(ctx: BlockContext, guest: int, shift: int, amount: int) -> str:
    """Second operand text for a W-sized shifted register (Thumb-2 shifts it for free)."""
    reg = ctx.rc.lo(guest)
    if amount == 0:
        return reg
    return f"{reg}, {SHIFT_NAMES[shift]} #{amount}"


def shift64(ctx: BlockContext, lo: str, hi: str, shift: int, amount: int,
            dst: tuple[str, str] | None = None) -> tuple[str, str]:
    """(lo, hi) of the 64-bit value lo:hi shifted by a constant ``amount`` (0..63).

    The result goes to ``dst`` if given (which must not overlap the sources), else to temps.
    """
    op = ctx.code.op
    if amount == 0 and dst is None:
        return lo, hi
    tlo, thi = dst or (ctx.rc.temp(), ctx.rc.temp())
    if amount == 0:
        op("mov.w", f"{tlo}, {lo}")
        op("mov.w", f"{thi}, {hi}")
        return tlo, thi
    if shift == LSL:
        if amount < 32:
            op("lsl.w", f"{thi}, {hi}, #{amount}")
            op("orr.w", f"{thi}, {thi}, {lo}, lsr #{32 - amount}")
            op("lsl.w", f"{tlo}, {lo}, #{amount}")
        else:
            op("lsl.w" if amount > 32 else "mov.w", f"{thi}, {lo}" + _amt(amount - 32))
            op("movw", f"{tlo}, #0")
    elif shift in (LSR, ASR):
        name = "lsr.w" if shift == LSR else "asr.w"
        if amount < 32:
            op("lsr.w", f"{tlo}, {lo}, #{amount}")
            op("orr.w", f"{tlo}, {tlo}, {hi}, lsl #{32 - amount}")
            op(name, f"{thi}, {hi}, #{amount}")
        else:
            op(name if amount > 32 else "mov.w", f"{tlo}, {hi}" + _amt(amount - 32))
            if shift == LSR:
                op("movw", f"{thi}, #0")
            else:
                op("asr.w", f"{thi}, {hi}, #31")
    else:  # ROR
        if amount >= 32:
            lo, hi, amount = hi, lo, amount - 32
        if amount == 0:
            op("mov.w", f"{tlo}, {lo}")
            op("mov.w", f"{thi}, {hi}")
        else:
            op("lsr.w", f"{tlo}, {lo}, #{amount}")
            op("orr.w", f"{tlo}, {tlo}, {hi}, lsl #{32 - amount}")
            op("lsr.w", f"{thi}, {hi}, #{amount}")
            op("orr.w", f"{thi}, {thi}, {lo}, lsl #{32 - amount}")
    return tlo, thi


def _amt(amount: int) -> str:
    return f", #{amount}" if amount else ""


def extend32(ctx: BlockContext, reg: str, ext: int) -> str:
    """A register holding ``reg`` zero/sign-extended from byte/half (W-sized result)."""
    name = {UXTB: "uxtb.w", UXTH: "uxth.w", SXTB: "sxtb.w", SXTH: "sxth.w"}.get(ext)
    if name is None:
        return reg
    out = ctx.rc.temp()
    ctx.code.op(name, f"{out}, {reg}")
    return out


def extended64(ctx: BlockContext, guest: int, ext: int, amount: int) -> tuple[str, str]:
    """(lo, hi) of ExtendReg(guest, ext, amount) as a 64-bit value (amount 0..4)."""
    if ext not in (UXTB, UXTH, UXTW, SXTB, SXTH, SXTW):
        lo, hi = ctx.rc.pair(guest)
        return shift64(ctx, lo, hi, LSL, amount)
    op = ctx.code.op
    src = ctx.rc.lo(guest)
    value = extend32(ctx, src, ext)
    signed = ext in (SXTB, SXTH, SXTW)
    hi = ctx.rc.temp()
    if amount:  # the bits shifted out of the low word, over its sign or zero extension
        op("asr.w" if signed else "lsr.w", f"{hi}, {value}, #{32 - amount}")
    elif signed:
        op("asr.w", f"{hi}, {value}, #31")
    else:
        op("movw", f"{hi}, #0")
    if not amount:
        return value, hi
    lo = value if value != src else ctx.rc.temp()
    op("lsl.w", f"{lo}, {value}, #{amount}")
    return lo, hi


def compare_both(ctx: BlockContext, first: tuple[str, str],
                 second: tuple[str, str] | None = None) -> None:
    """Z = both operand pairs are equal (the second compared only if the first were); N, C and
    V are those of whichever compare ran last."""
    ctx.code.op("cmp.w", f"{first[0]}, {first[1]}")
    if second is not None:
        ctx.code.op("it", "eq")
        ctx.code.op("cmp", f"{second[0]}, {second[1]}", cond="eq")


def fix_z64(ctx: BlockContext, lo: str, hi: str, t: str | None = None) -> None:
    """After ``adds/subs lo`` + ``adcs/sbcs hi``: make Z reflect all 64 bits (N, C, V kept).

    ``t`` is a scratch register; pass one allocated in advance when emitting inside a branch.
    """
    t = t or ctx.rc.temp()
    ctx.code.op("bic", f"{t}, {lo}, #0x80000000")
    ctx.code.op("orr.w", f"{t}, {t}, {lo}, lsr #1")
    ctx.code.op("orrs.w", f"{t}, {hi}, {t}")


def logic_flags(ctx: BlockContext, lo: str, hi: str | None) -> None:
    """NZCV of a logical result (C = V = 0), 32-bit (hi None) or 64-bit."""
    if hi is None:
        ctx.code.op("cmn.w", f"{lo}, #0")
        return
    if ctx.flags_needed <= frozenset("N"):  # later readers test N only (or nothing)
        ctx.code.op("cmn.w", f"{hi}, #0")
        return
    t = ctx.rc.temp()
    if ctx.flags_needed <= frozenset("Z"):  # ... or Z only
        ctx.code.op("orrs.w", f"{t}, {lo}, {hi}")
        return
    ctx.code.op("bic", f"{t}, {lo}, #0x80000000")
    ctx.code.op("orr.w", f"{t}, {t}, {lo}, lsr #1")
    ctx.code.op("orr.w", f"{t}, {hi}, {t}")
    ctx.code.op("cmn.w", f"{t}, #0")


def add64(ctx: BlockContext, sub: bool, dst: tuple[str, str], a: tuple[str, str],
          b: tuple[str, str] | int, setflags: bool, carry_in: bool = False) -> None:
    """dst = a +/- b (b a pair or a 64-bit constant); exact NZCV if ``setflags``."""
    if not setflags:
        ctx.preserve_flags()
    op = ctx.code.op
    first, second = ("sbcs", "sbc") if sub else ("adcs", "adc")
    if not carry_in:
        first = "subs" if sub else "adds"
    if isinstance(b, int):
        blo, bhi = imm32(ctx, b & 0xFFFFFFFF), imm32(ctx, b >> 32)
    else:
        blo, bhi = b
    op(first, f"{dst[0]}, {a[0]}, {blo}")
    op(second + ("s" if setflags else ""), f"{dst[1]}, {a[1]}, {bhi}")
    if setflags and "Z" in ctx.flags_needed:  # N, C and V are exact already
        if "N" in ctx.flags_needed:
            fix_z64(ctx, dst[0], dst[1])
        else:  # Z from both words; C and V kept, N not read
            op("orrs.w", f"{ctx.rc.temp()}, {dst[0]}, {dst[1]}")
