"""The translation loop: decode a guest basic block, translate it instruction by instruction,
assemble the host code.

A block ends at a branch, an exception-generating instruction, an instruction the dispatcher
performs, an undecodable word, or after :data:`MAX_BLOCK_INSNS` instructions.  Three accounting
instructions open every block: r12 += cycles, lr += guest instructions, r10 += host
instructions (the dispatcher folds and resets them at every exit).  They are instrumentation:
neither the cycles nor the host-instruction count include them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from emulator.translator import TRANSLATORS
from emulator.translator.context import BlockContext
from emulator.translator.exits import Exit, ExitKind
from emulator.translator.regcache import RegisterPressure
from isa.a64.decode import decode
from isa.a64.disasm import disasm_one
from isa.a64.insn import A64Insn
from isa.thumb2.lines import assemble_lines

MAX_BLOCK_INSNS = 48
LOOKAHEAD_INSNS = 12  # how far past a block's exits flag liveness is traced
TERMINATORS = frozenset({"branch", "bcond", "cbz", "tbz", "branch_reg", "exception"})
ACCOUNTING_INSNS = 3


@dataclass
class TranslatedBlock:
    """A guest block's host code and what the dispatcher needs to know about it."""

    guest_pc: int
    guest_insns: int
    guests: list[tuple[int, int]]  # (guest pc, raw word) of each translated instruction
    code: bytes
    text: str
    host_insns: int  # executed on the main path (accounting instructions excluded)
    cycles: int  # static modelled cost (accounting excluded)
    exits: list[Exit]
    host_offsets: list[int]  # offset of every host instruction
    guest_starts: list[int]  # index of the first host instruction of each guest instruction
    far: list = field(default_factory=list)
    host_addr: int = 0

    @property
    def size(self) -> int:
        return len(self.code)

    def guest_pc_at(self, host_addr: int) -> int:
        """The guest instruction whose host code contains ``host_addr``."""
        offset = host_addr - self.host_addr
        index = max((k for k, off in enumerate(self.host_offsets) if off <= offset), default=0)
        k = max((g for g, start in enumerate(self.guest_starts) if start <= index), default=0)
        return self.guests[min(k, len(self.guests) - 1)][0]


def reads_flags(i: A64Insn) -> bool:
    return bool(flags_read(i))


def writes_flags(i: A64Insn) -> bool:
    return i.setflags or (i.kind == "sysreg" and i.op == "msr" and i.imm == _NZCV)


def _nzcv_index() -> int:
    from isa.a64.decode import SYSREGS

    return SYSREGS.index("nzcv")


_NZCV = _nzcv_index()


def fetch_block(words: list[int], pc: int) -> list[tuple[int, int, A64Insn | None]]:
    """(pc, word, decoded or None) up to the block's end, from the instruction ``words`` that
    follow ``pc`` in memory."""
    out = []
    for k, word in enumerate(words[:MAX_BLOCK_INSNS]):
        addr = pc + 4 * k
        insn = decode(word, addr)
        out.append((addr, word, insn))
        if insn is None or insn.kind in TERMINATORS:
            break
    return out


@dataclass
class Lookahead:
    """Where flag liveness looks past a block: ``words_at`` (guest pc -> the instruction words
    there, LOOKAHEAD_INSNS at most) and the answers found so far (``memo``)."""

    words_at: Callable[[int], list[int]]
    memo: dict[int, bool] = field(default_factory=dict)  # pc * 2 + depth -> answer

    def forget(self) -> None:
        """Drop the answers (the code they read changed)."""
        self.memo.clear()


def flags_may_be_read(lookahead: Lookahead, pc: int, depth: int = 1) -> bool:
    """Whether code from ``pc`` may read NZCV before setting it (True when unsure).  Follows
    direct branches ``depth`` levels deep, both ways of conditional ones."""
    memo = lookahead.memo
    answer = memo.get(pc * 2 + depth)
    if answer is None:
        answer = memo[pc * 2 + depth] = _flags_may_be_read(lookahead, pc, depth)
    return answer


def _flags_may_be_read(lookahead: Lookahead, pc: int, depth: int) -> bool:
    known = _flag_effect.effects.get
    for k, word in enumerate(lookahead.words_at(pc)):
        effect = known(word) or _flag_effect.of(word, pc + 4 * k)
        if effect is _NEUTRAL:
            continue
        if effect is _READS or effect is _WRITES:
            return effect is _READS
        kind, offset = effect  # a block end
        if depth == 0 or kind in ("branch_reg", "exception"):
            return True
        addr = pc + 4 * k
        return (flags_may_be_read(lookahead, addr + offset, depth - 1)
                or kind != "branch" and flags_may_be_read(lookahead, addr + 4, depth - 1))
    return True


# sentinels, compared by identity (typed as variable-length tuples so that mypyc keeps them
# objects)
_READS: tuple = ("reads",)
_WRITES: tuple = ("writes",)
_NEUTRAL: tuple = ("neutral",)


class _FlagEffects:
    """Instruction word -> what it means to flag look-ahead wherever it sits: it reads NZCV (or
    cannot be decoded), sets it, neither, or ends a block: (kind, branch offset)."""

    def __init__(self) -> None:
        self.effects: dict[int, tuple] = {}

    def of(self, word: int, addr: int) -> tuple:
        """The effect of ``word``, decoded at ``addr`` the first time (where it is met, so the
        decoder has it when that code is translated)."""
        effects = self.effects
        effect = effects.get(word)
        if effect is None:
            if len(effects) >= _FLAG_EFFECTS_LIMIT:
                effects.clear()
            effect = effects[word] = self._classify(decode(word, addr), addr)
        return effect

    @staticmethod
    def _classify(insn: A64Insn | None, addr: int) -> tuple:
        if insn is None or reads_flags(insn):
            return _READS
        if writes_flags(insn):
            return _WRITES
        if insn.kind not in TERMINATORS:
            return _NEUTRAL
        return insn.kind, insn.imm - addr if insn.kind in _BRANCHES else 0


_BRANCHES = frozenset({"branch", "bcond", "cbz", "tbz"})  # terminators with a target in imm
_FLAG_EFFECTS_LIMIT = 1 << 14  # words remembered before starting over
_flag_effect = _FlagEffects()


def exit_flags_live(fetched, lookahead: Lookahead) -> bool:
    """May the flags a block leaves behind be read by whatever runs after it?"""
    addr, _, last = fetched[-1]
    if last is None or last.kind == "branch_reg" or (last.kind == "exception"
                                                    and last.op != "svc"):
        return True
    if last.kind not in _BRANCHES:
        return flags_may_be_read(lookahead, addr + 4)
    return (flags_may_be_read(lookahead, last.imm)
            or last.kind != "branch" and flags_may_be_read(lookahead, addr + 4))


ALL_FLAGS = frozenset("NZCV")
NO_FLAGS: frozenset[str] = frozenset()
# The guest flags each A64 condition tests (Arm ARM ConditionHolds), in encoding order.
COND_FLAGS = tuple(frozenset(f) for f in ("Z", "Z", "C", "C", "N", "N", "V", "V", "CZ", "CZ",
                                          "NV", "NV", "ZNV", "ZNV", "", ""))


def flags_read(i: A64Insn | None) -> frozenset:
    """The guest flags ``i`` reads (all of them when it cannot be decoded)."""
    if i is None or (i.kind == "sysreg" and i.op == "mrs" and i.imm == _NZCV):
        return ALL_FLAGS
    if i.kind in ("bcond", "condsel", "condcmp"):
        return COND_FLAGS[i.cond]
    return _CARRY if i.kind == "adc" else NO_FLAGS


_CARRY = frozenset("C")


def flag_liveness(insns: list[A64Insn | None], at_exit: bool = True) -> list[frozenset]:
    """For each instruction: which of the guest flags it leaves behind may still be read
    (per-flag liveness; empty when none may)."""
    live = [ALL_FLAGS] * len(insns)
    after = ALL_FLAGS if at_exit else NO_FLAGS
    for k in range(len(insns) - 1, -1, -1):
        live[k] = after
        i = insns[k]
        if i is not None and writes_flags(i):
            after = NO_FLAGS
        read = flags_read(i)
        if read:
            after = after | read
    return live


def translate_insns(ctx: BlockContext, fetched, live: list[frozenset], first: int = 0) -> None:
    """Translate ``fetched`` (the block's instructions from index ``first``) into ``ctx``,
    recording where each guest instruction's host code starts; stops at a block end."""
    code, starts, guests, end_insn = ctx.code, ctx.guest_starts, ctx.guests, ctx.rc.end_insn
    for k, (addr, word, insn) in enumerate(fetched, first):
        starts.append(code.n_insns)
        guests.append((addr, word))
        if insn is None or insn.kind not in TRANSLATORS:
            ctx.end_with(ExitKind.UNSUPPORTED, addr, insn)
            return
        ctx.insn = insn
        ctx.flags_needed = live[k]
        ctx.flags_live_after = bool(live[k])
        try:
            TRANSLATORS[insn.kind](ctx, insn)
        except RegisterPressure as exc:
            raise RegisterPressure(f"{exc} translating 0x{addr:x}: "
                                   f"{disasm_one(word, addr)}") from None
        end_insn()
        if ctx.ended:
            return


def finish(ctx: BlockContext, n_guest: int, host_insns: int, cycles: int) -> TranslatedBlock:
    """Assemble the block's text and describe the result."""
    text = ctx.code.text()
    code, offsets = assemble_lines(ctx.code.lines)
    if len(offsets) != ctx.code.n_insns:
        raise AssertionError(f"host code for 0x{ctx.guest_pc:x}: {len(offsets)} instructions "
                             f"assembled, {ctx.code.n_insns} written")
    return TranslatedBlock(ctx.guest_pc, n_guest, ctx.guests, code, text, host_insns, cycles,
                           ctx.exits, offsets, ctx.guest_starts, ctx.code.far)
