"""Self-loops: a block whose branch goes back to its own start keeps every guest register it
uses in host registers across iterations.

The registers are loaded once (prologue), the body runs with them pinned ("sticky"), and the
back edge moves each register's current host copy back to where the loop head expects it before
jumping there.  Only the exit path writes them back to the state block.  A first translation
pass finds which guest registers the block uses and whether it needs their high words; if they
do not fit the host registers, the block is translated the ordinary way.
"""

from __future__ import annotations

from emulator.translator import TRANSLATORS
from emulator.translator.block import TranslatedBlock, finish, translate_insns
from emulator.translator.branch import test_register
from emulator.translator.context import BlockContext, RuntimeAddrs
from emulator.translator.regcache import RegisterPressure
from isa.a64.fields import CONDITIONS
from isa.a64.insn import A64Insn
from isa.timing.cores import CoreModel

MAX_PINNED = 7  # host registers the loop's guest registers may occupy (of r0-r9)


def is_self_loop(fetched) -> bool:
    last = fetched[-1][2]
    return (last is not None and last.kind in ("bcond", "cbz", "tbz", "branch")
            and last.op != "bl" and last.imm == fetched[0][0]
            and all(i is not None and i.kind in TRANSLATORS for _, _, i in fetched))


def translate_loop(fetched, core: CoreModel, runtime: RuntimeAddrs,
                   live: list[frozenset]) -> TranslatedBlock | None:
    """The loop's translation, or None when its registers do not fit."""
    usage = _register_usage(fetched, core, runtime, live)
    if usage is None or sum(2 if wide else 1 for wide in usage.values()) > MAX_PINNED:
        return None
    try:
        return _emit(fetched, core, runtime, live, usage)
    except RegisterPressure:
        return None


def _register_usage(fetched, core, runtime, live) -> dict[int, bool] | None:
    """Guest registers the block touches -> whether their high word is needed (a dry run)."""
    ctx = BlockContext(core, runtime, fetched[0][0])
    try:
        translate_insns(ctx, fetched[:-1], live)
        _terminator_operands(ctx, fetched[-1][2])
    except RegisterPressure:
        return None
    return ctx.rc.touched


def _terminator_operands(ctx: BlockContext, term: A64Insn) -> str | None:
    return test_register(ctx, term) if term.kind in ("cbz", "tbz") else None


def _emit(fetched, core, runtime, live, usage: dict[int, bool]) -> TranslatedBlock | None:
    ctx = BlockContext(core, runtime, fetched[0][0])
    code, rc = ctx.code, ctx.rc
    rc.defer_zero_hi = False  # a deferred high-word zero would be stale on the back edge
    prologue = code.placeholders(2)  # r12, r10 (no guest instructions retire here)
    for guest, wide in sorted(usage.items()):
        lo, hi = rc.pair(guest) if wide else (rc.lo(guest), None)
        entry = rc.entries[guest]
        entry.sticky = entry.dirty = True
        entry.lo_only = not wide
    rc.end_insn()
    home = {g: (e.lo, e.hi) for g, e in rc.entries.items()}
    pro_cycles, pro_insns = code.cycles, code.counted_insns
    head = code.new_label()
    code.label(head)
    iteration = code.placeholders(3)
    translate_insns(ctx, fetched[:-1], live)
    term = fetched[-1][2]
    ctx.guest_starts.append(code.n_insns)
    ctx.guests.append(fetched[-1][:2])
    test = _terminator_operands(ctx, term)
    scratch = rc.temp(avoid=frozenset(r for pair in home.values() for r in pair if r))
    ctx.need_flags()
    leave = code.new_label()
    conditional = not (term.kind == "branch" or (term.kind == "bcond" and term.cond >= 14))
    if term.kind == "bcond" and conditional:
        code.op("b" + CONDITIONS[term.cond ^ 1], leave)
    elif conditional:
        code.op("cbnz" if term.op in ("cbz", "tbz") else "cbz", f"{test}, {leave}")
    rc.move_all(_back_edge_moves(rc, home), scratch)
    code.op("b.w", head)
    code.cycles += core.taken_branch_penalty
    iter_cycles, iter_insns = code.cycles - pro_cycles, code.counted_insns - pro_insns
    exit_cycles = exit_insns = 0
    if conditional:
        code.label(leave)
        exit_line = code.placeholders(2)
        before = code.cycles, code.counted_insns
        rc.end_insn()
        ctx.prepare_exit()
        ctx.chain_to(term.next_addr)
        exit_cycles, exit_insns = code.cycles - before[0], code.counted_insns - before[1]
        code.fill(exit_line, exit_cycles, None, exit_insns)
    ctx.emit_stubs()
    n_guest = len(fetched)
    code.fill(prologue, pro_cycles, None, pro_insns)
    code.fill(iteration, iter_cycles, n_guest, iter_insns)
    return finish(ctx, n_guest, iter_insns, iter_cycles)


def _back_edge_moves(rc, home: dict[int, tuple[str | None, str | None]]
                     ) -> list[tuple[str, str]]:
    """(home register, current register or "#0") for every loop register."""
    moves: list[tuple[str, str]] = []
    for guest, (lo, hi) in home.items():
        entry = rc.entries[guest]
        assert lo is not None and entry.lo is not None  # a loop register lives in registers
        moves.append((lo, entry.lo))
        if hi is not None:
            moves.append((hi, entry.hi if entry.hi is not None else "#0"))
    return moves
