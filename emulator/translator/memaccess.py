"""Guest memory accesses as host loads/stores.

Guest addresses are host addresses: the guest's memory is mapped at the same addresses in the M
core's address space, and translated code addresses it with the low word of the guest pointer.
"""

from __future__ import annotations

from emulator.translator.context import BlockContext
from isa.a64.insn import SP, ZR

LOAD_OPS = {(0, False): "ldrb.w", (1, False): "ldrh.w", (2, False): "ldr.w",
         (0, True): "ldrsb.w", (1, True): "ldrsh.w", (2, True): "ldr.w"}
STORE_OPS = {0: "strb.w", 1: "strh.w", 2: "str.w"}


def fits(offset: int, span: int) -> bool:
    """Whether [base, #offset] .. [base, #offset+span] all encode as Thumb-2 immediates."""
    return -255 <= offset and offset + span <= 4095


def address(ctx: BlockContext, base: str, offset: int, span: int) -> tuple[str, int]:
    """(register, offset) addressing base+offset for an access spanning ``span`` extra bytes."""
    if fits(offset, span):
        return base, offset
    t = ctx.rc.temp()
    if 0 < offset <= 4095:
        ctx.code.op("addw", f"{t}, {base}, #{offset}")
    elif -4095 <= offset < 0:
        ctx.code.op("subw", f"{t}, {base}, #{-offset}")
    else:
        ctx.rc.load_const(t, offset)
        ctx.code.op("add.w", f"{t}, {t}, {base}")
    return t, 0


def _at(base: str, offset: int) -> str:
    return f"[{base}, #{offset}]" if offset else f"[{base}]"


def _form(mnemonic: str, offset: int) -> str:
    """Keystone wants negative offsets without the ``.w`` width suffix."""
    return mnemonic.split(".")[0] if offset < 0 else mnemonic


def load(ctx: BlockContext, rt: int, size: int, signed: bool, sf: bool, base: str,
         offset: int, word_aligned: bool = False) -> None:
    """rt = memory[base+offset] (size log2 bytes; signed loads extend to W or X by ``sf``);
    ``word_aligned``: the address is known to be a multiple of 4 (LDRD allowed)."""
    rc, op = ctx.rc, ctx.code.op
    base, offset = address(ctx, base, offset, 4 if size == 3 else 0)
    if size == 3:  # base (and index) were read by the caller: rt's registers may be reused
        lo, hi = (rc.temp(), rc.temp()) if rt == ZR else rc.def64(rt, reuse=True)
        if word_aligned:
            op("ldrd", f"{lo}, {hi}, {_at(base, offset)}")
            return
        op(_form("ldr.w", offset), f"{lo}, {_at(base, offset)}")
        op(_form("ldr.w", offset + 4), f"{hi}, {_at(base, offset + 4)}")
    elif signed and sf:
        lo, hi = (rc.temp(), rc.temp()) if rt == ZR else rc.def64(rt, reuse=True)
        op(_form(LOAD_OPS[(size, True)], offset), f"{lo}, {_at(base, offset)}")
        op("asr.w", f"{hi}, {lo}, #31")
    else:
        lo = rc.temp() if rt == ZR else rc.def32(rt)
        op(_form(LOAD_OPS[(size, signed)], offset), f"{lo}, {_at(base, offset)}")


def value_regs(ctx: BlockContext, rt: int, size: int) -> tuple[str, ...]:
    """The host registers holding the value a store of ``size`` writes."""
    return ctx.rc.pair(rt) if size == 3 else (ctx.rc.lo(rt),)


def writeback_window(ctx: BlockContext, rn: int, delta: int) -> str:
    """rn += delta for a pre/post-indexed access, in place on the low word.

    The access succeeds only inside the guest's 32-bit window (or faults), and a delta of at most
    a few KiB from an address in the window never carries into the high word, so the high word
    is left alone: one instruction instead of a 64-bit add."""
    lo = ctx.rc.modify_lo(rn)
    if delta > 0:
        ctx.code.op("addw", f"{lo}, {lo}, #{delta}")
    elif delta < 0:
        ctx.code.op("subw", f"{lo}, {lo}, #{-delta}")
    return lo


def store(ctx: BlockContext, rt: int, size: int, base: str, offset: int,
          value: tuple[str, ...] | None = None, word_aligned: bool = False) -> None:
    """memory[base+offset] = rt (size log2 bytes); ``value``: its registers, if already read;
    ``word_aligned`` as for :func:`load`."""
    op = ctx.code.op
    value = value or value_regs(ctx, rt, size)
    base, offset = address(ctx, base, offset, 4 if size == 3 else 0)
    if size == 3 and word_aligned:
        op("strd", f"{value[0]}, {value[1]}, {_at(base, offset)}")
    elif size == 3:
        op(_form("str.w", offset), f"{value[0]}, {_at(base, offset)}")
        op(_form("str.w", offset + 4), f"{value[1]}, {_at(base, offset + 4)}")
    else:
        op(_form(STORE_OPS[size], offset), f"{value[0]}, {_at(base, offset)}")


def immediate_indexed(ctx: BlockContext, i, access, stored: tuple[int, ...]) -> None:
    """Base-plus-immediate addressing with or without pre/post-index writeback: calls
    ``access(ctx, i, base_register, offset)``; ``stored`` are the registers a store writes
    (read before the base changes)."""
    if not i.writeback:
        access(ctx, i, ctx.rc.lo(i.rn), i.imm)
        return
    for rt in stored:
        value_regs(ctx, rt, i.size)
    if i.postindex:
        access(ctx, i, ctx.rc.lo(i.rn), 0)
        writeback_window(ctx, i.rn, i.imm)
    else:
        access(ctx, i, writeback_window(ctx, i.rn, i.imm), 0)


def aligned_base(rn: int) -> bool:
    """Whether the base register is known word-aligned (SP: the ABI keeps it 16-byte aligned),
    so LDRD/STRD may be used on it."""
    return rn == SP
