"""Modelled costs of the A64 instructions Thumb-2 has no counterpart for, and the one the
dispatcher performs for translated code: reads of the virtual counter (its value depends on the
cycles so far).

64-bit division runs in the runtime's routine (emulator.runtime) but is charged HELPER_CYCLES,
from the instruction counts of the Arm run-time ABI's 64-bit division routine (__aeabi_uldivmod)
on a Cortex-M4, the routine a compiler for the M core would call.
"""

from __future__ import annotations

from isa.a64.insn import A64Insn

# Cycles charged per helper.  __aeabi_uldivmod/__aeabi_ldivmod in compiler-rt is a shift-subtract
# loop: ~64 iterations x ~3 cycles when both operands are 64-bit; we charge the midpoint of the
# 32-bit fast path (~20) and the full loop (~200).
HELPER_CYCLES = {"udiv": 110, "sdiv": 120, "mrs": 4}
CNTFRQ_HZ = 62_500_000  # the virtual counter's frequency reported by CNTFRQ_EL0
MASK64 = (1 << 64) - 1


def perform_helper(machine, insn: A64Insn) -> None:
    """Carry out ``insn`` on the machine's guest state (registers are in the state block)."""
    machine.stats.cycles += HELPER_CYCLES[insn.op]
    machine.stats.guest_insns += 1
    if insn.rd != 32:  # MRS CNTVCT_EL0 / CNTPCT_EL0
        machine.set_reg(insn.rd, virtual_count(machine) & MASK64)


def virtual_count(machine) -> int:
    """The generic timer's count: modelled seconds so far times CNTFRQ."""
    return int(machine.seconds() * CNTFRQ_HZ)
