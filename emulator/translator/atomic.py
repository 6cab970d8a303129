"""LSE atomics: LD<op> (ADD, CLR, EOR, SET, SMAX, SMIN, UMAX, UMIN), SWP and CAS, all sizes.

One guest thread runs on the M core, so an atomic is a plain load, operate, store.
"""

from __future__ import annotations

from emulator.translator.context import BlockContext
from emulator.translator.memaccess import LOAD_OPS, STORE_OPS
from emulator.translator.operands import compare_both
from isa.a64.insn import ZR, A64Insn

KINDS = ("atomic", "cas")

_LOGIC = {"ldclr": "bic", "ldeor": "eor", "ldset": "orr"}
# operation -> (condition on old - val that keeps old, its inverse)
_MINMAX = {"ldsmax": ("ge", "lt"), "ldsmin": ("lt", "ge"), "ldumax": ("hs", "lo"),
           "ldumin": ("lo", "hs")}


def translate(ctx: BlockContext, i: A64Insn) -> None:
    rc = ctx.rc
    base = rc.lo(i.rn)
    operand = _words(ctx, i.rm, i.size)
    old = _load(ctx, base, i.size)
    if i.kind == "cas":
        new = _words(ctx, i.rd, i.size)
        _compare_and_swap(ctx, base, i.size, old, operand, new)
        _define(ctx, i.rm, i.size, old)
        return
    if i.op == "swp":
        _store(ctx, base, i.size, operand)
    else:
        _store(ctx, base, i.size, _combine(ctx, i, old, operand))
    _define(ctx, i.rd, i.size, old)


def _words(ctx: BlockContext, guest: int, size: int) -> list[str]:
    if size == 3:
        return list(ctx.rc.pair(guest))
    return [ctx.rc.lo(guest)]


def _load(ctx: BlockContext, base: str, size: int) -> list[str]:
    words = [ctx.rc.temp() for _ in range(2 if size == 3 else 1)]
    name = LOAD_OPS[(min(size, 2), False)]
    for k, reg in enumerate(words):
        ctx.code.op(name, f"{reg}, [{base}, #{4 * k}]")
    return words


def _store(ctx: BlockContext, base: str, size: int, words: list[str]) -> None:
    for k, reg in enumerate(words):
        ctx.code.op(STORE_OPS[min(size, 2)], f"{reg}, [{base}, #{4 * k}]")


def _define(ctx: BlockContext, guest: int, size: int, words: list[str]) -> None:
    """The loaded (old) value becomes ``guest``'s, zero-extended; its temps are reused."""
    if guest != ZR:
        ctx.rc.adopt(guest, words[0], words[1] if size == 3 else None)


def _combine(ctx: BlockContext, i: A64Insn, old: list[str], val: list[str]) -> list[str]:
    """The value to store: old <op> operand, in the access size."""
    rc, op = ctx.rc, ctx.code.op
    out = [rc.temp() for _ in old]
    if i.op in _LOGIC:
        for o, x, y in zip(out, old, val):
            op(_LOGIC[i.op] + ".w", f"{o}, {x}, {y}")
        return out
    ctx.preserve_flags()
    if i.op == "ldadd":
        op("adds", f"{out[0]}, {old[0]}, {val[0]}")
        if len(old) == 2:
            op("adc.w", f"{out[1]}, {old[1]}, {val[1]}")
        return out
    signed = i.op in ("ldsmax", "ldsmin")
    a, b = _comparable(ctx, old, i.size, signed), _comparable(ctx, val, i.size, signed)
    if len(old) == 2:  # flags of old - val over 64 bits; the conditions below ignore Z
        op("subs", f"{out[0]}, {a[0]}, {b[0]}")  # out is scratch until the select
        op("sbcs", f"{out[1]}, {a[1]}, {b[1]}")
    else:
        op("cmp.w", f"{a[0]}, {b[0]}")
    keep_old, take_val = _MINMAX[i.op]
    _select(ctx, out, old, val, keep_old, take_val)
    return out


def _comparable(ctx: BlockContext, words: list[str], size: int, signed: bool) -> list[str]:
    """Sub-word values sign- or zero-extended so a 32-bit compare orders them correctly."""
    if size >= 2:
        return words
    t = ctx.rc.temp()
    name = {(0, True): "sxtb.w", (1, True): "sxth.w", (0, False): "uxtb.w",
            (1, False): "uxth.w"}[(size, signed)]
    ctx.code.op(name, f"{t}, {words[0]}")
    return [t]


def _select(ctx: BlockContext, out: list[str], old: list[str], val: list[str], cond: str,
            inverse: str) -> None:
    """out = cond ? old : val (word by word)."""
    n = len(out)
    ctx.code.op("it" + "t" * (n - 1) + "e" * n, cond)
    for o, a in zip(out, old):
        ctx.code.op("mov", f"{o}, {a}", cond=cond)
    for o, b in zip(out, val):
        ctx.code.op("mov", f"{o}, {b}", cond=inverse)


def _compare_and_swap(ctx: BlockContext, base: str, size: int, old: list[str],
                      expected: list[str], new: list[str]) -> None:
    """if memory == expected: memory = new (the old value is returned by the caller)."""
    op = ctx.code.op
    ctx.preserve_flags()
    a = _comparable(ctx, old, size, False)
    b = _comparable(ctx, expected, size, False)
    skip = ctx.code.new_label()
    compare_both(ctx, (a[0], b[0]), (old[1], expected[1]) if size == 3 else None)
    op("bne", skip)
    _store(ctx, base, size, new)
    ctx.code.label(skip)
