"""The translator's entry point: a fetched guest block becomes position-independent host
code, as a self-loop (emulator.translator.loops) when its branch goes back to its own start and
the ordinary way otherwise."""

from __future__ import annotations

from emulator.translator.block import (
    ACCOUNTING_INSNS,
    Lookahead,
    TranslatedBlock,
    exit_flags_live,
    finish,
    flag_liveness,
    translate_insns,
)
from emulator.translator.context import BlockContext, RuntimeAddrs
from emulator.translator.exits import ExitKind
from emulator.translator.loops import is_self_loop, translate_loop
from isa.a64.insn import A64Insn
from isa.timing.cores import CoreModel


def translate_block(fetched: list[tuple[int, int, A64Insn | None]], core: CoreModel,
                    runtime: RuntimeAddrs,
                    lookahead: Lookahead | None = None) -> TranslatedBlock:
    """Translate the fetched instructions into position-independent host code; ``lookahead``
    lets flag liveness look past the block's end."""
    at_exit = exit_flags_live(fetched, lookahead) if lookahead else True
    live = flag_liveness([i for _, _, i in fetched], at_exit)
    if is_self_loop(fetched):
        block = translate_loop(fetched, core, runtime, live)
        if block is not None:
            return block
    ctx = BlockContext(core, runtime, fetched[0][0])
    counters = ctx.code.placeholders(ACCOUNTING_INSNS)
    translate_insns(ctx, fetched, live)
    if not ctx.ended:
        ctx.prepare_exit()
        ctx.chain_to(fetched[-1][0] + 4)
        ctx.rc.end_insn()
    ctx.emit_stubs()
    n_guest = len(ctx.guests) - (1 if ctx.exits and ctx.exits[-1].kind is ExitKind.UNSUPPORTED
                                 else 0)
    host_insns = ctx.code.counted_insns + ctx.extra_insns
    cycles = ctx.code.cycles + ctx.extra_cycles
    ctx.code.fill(counters, cycles + ctx.entry_cycles, n_guest, host_insns)
    return finish(ctx, n_guest, host_insns, cycles)
