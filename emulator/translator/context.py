"""Per-block translation state shared by the instruction-class translators.

Guest NZCV lives in the host APSR: translators that clobber host flags for their own purposes
call :meth:`BlockContext.preserve_flags` first (it saves them only if a later instruction, or the
block's exit, may still read them), readers call :meth:`need_flags`, and guest flag-setting
instructions call :meth:`flags_defined`.
"""

from __future__ import annotations

from dataclasses import dataclass

from emulator import state
from emulator.translator.exits import Exit, ExitKind
from emulator.translator.hostcode import HostCode
from emulator.translator.regcache import RegCache
from isa.a64.fields import CONDITIONS
from isa.a64.insn import A64Insn
from isa.timing.cores import CoreModel


@dataclass(frozen=True)
class RuntimeAddrs:
    """Host addresses of the shared runtime routines and tables."""

    exit: int  # emulation stops here (the ``until`` of emu_start)
    indirect: int  # jump-cache lookup: r0/r1 = guest target (low/high word)
    indirect_cycles: int  # static cost of the lookup's hit path
    indirect_insns: int
    udiv64: int  # 64-bit division (see emulator.runtime._DIVIDE)
    sdiv64: int


class BlockContext:
    def __init__(self, core: CoreModel, runtime: RuntimeAddrs, guest_pc: int) -> None:
        self.core = core
        self.runtime = runtime
        self.guest_pc = guest_pc
        self.code = HostCode(core)
        self.rc = RegCache(self.code, state.reg_offset)
        self.exits: list[Exit] = []
        self.insn: A64Insn | None = None
        self.flags_live_after = True
        self.flags_needed = frozenset("NZCV")  # the guest flags a later reader may test
        self.flags_saved: str | None = None
        self.ended = False
        self.extra_cycles = 0  # runtime-routine cost charged to the block
        self.entry_cycles = 0  # charged on entry, taken back on the paths that do not owe it
        self.extra_insns = 0
        self.stubs: list[tuple[str, Exit]] = []
        self.guests: list[tuple[int, int]] = []  # (pc, word) of each translated instruction
        self.guest_starts: list[int] = []  # index of each one's first host instruction

    # --- flags ------------------------------------------------------------------------------

    def preserve_flags(self) -> None:
        """Save the guest flags before host code clobbers APSR, if anything may read them."""
        if self.flags_saved is None and self.flags_live_after:
            self.flags_saved = self.rc.keep()
            self.code.op("mrs", f"{self.flags_saved}, apsr")

    def need_flags(self) -> None:
        """Make APSR hold the guest flags again (before an instruction reads them)."""
        if self.flags_saved is not None:
            self.code.op("msr", f"apsr_nzcvq, {self.flags_saved}")
            self.rc.release(self.flags_saved)
            self.flags_saved = None

    def flags_defined(self) -> None:
        """The current instruction set new guest flags in APSR: a saved copy is stale."""
        if self.flags_saved is not None:
            self.rc.release(self.flags_saved)
            self.flags_saved = None

    # --- block exits ------------------------------------------------------------------------

    def prepare_exit(self) -> None:
        """Write back dirty registers and restore the flags before leaving the block."""
        self.rc.commit()
        self.rc.flush()
        self.need_flags()

    def chain_to(self, guest_pc: int, cond: int | None = None) -> None:
        """A chainable ``b.w`` (``b<cond>.w`` with a condition) to ``guest_pc``, at first to a
        stub that exits to the dispatcher."""
        stub = self.code.new_label()
        index = self.code.op("b.w" if cond is None else f"b{CONDITIONS[cond]}.w", stub)
        exit_ = Exit(ExitKind.CHAIN, guest_pc, patch_index=index, cond=cond)
        self.exits.append(exit_)
        self.stubs.append((stub, exit_))

    def leave(self, kind: ExitKind, guest_pc: int, insn: A64Insn | None = None) -> None:
        """An exit straight to the dispatcher (never chained)."""
        exit_ = Exit(kind, guest_pc, insn=insn)
        self.exits.append(exit_)
        self._stub(exit_, counted=True)
        self.ended = True

    def _stub(self, exit_: Exit, counted: bool) -> None:
        exit_.stub_index = self.code.op("mov", "r3, pc", counted=counted)
        self.code.far_branch(self.runtime.exit, counted=counted)

    def emit_stubs(self) -> None:
        for label, exit_ in self.stubs:
            self.code.label(label)
            self._stub(exit_, counted=False)

    def end_with(self, kind: ExitKind, guest_pc: int, insn: A64Insn | None = None) -> None:
        """Finish the block here with a dispatcher exit (SVC, helper, unsupported...)."""
        self.prepare_exit()
        self.leave(kind, guest_pc, insn)

    def taken_penalty(self, owed: bool = True) -> None:
        """Charge the taken-branch pipeline refill on the path that takes a guest branch; with
        ``owed`` False, the block charges it on entry and this path (not taken) takes it back."""
        penalty = self.core.taken_branch_penalty + 1
        if owed:
            self.code.op("addw", f"r12, r12, #{penalty}", counted=False)
        else:
            self.entry_cycles += penalty
            self.code.op("subw", f"r12, r12, #{penalty}", counted=False)
