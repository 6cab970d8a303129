"""Instructions the dispatcher performs for translated code: 64-bit division (no Thumb-2
equivalent) and reads of the virtual counter (its value depends on the cycles so far).

Each charges its modelled cost on the M core: HELPER_CYCLES, from the instruction counts of the
Arm run-time ABI's 64-bit division routine (__aeabi_uldivmod) on a Cortex-M4.
"""

from __future__ import annotations

from isa.a64.insn import A64Insn

# Cycles charged per helper.  __aeabi_uldivmod/__aeabi_ldivmod in compiler-rt is a shift-subtract
# loop: ~64 iterations x ~3 cycles when both operands are 64-bit; we charge the midpoint of the
# 32-bit fast path (~20) and the full loop (~200).
HELPER_CYCLES = {"udiv": 110, "sdiv": 120, "mrs": 4}
CNTFRQ_HZ = 62_500_000  # the virtual counter's frequency reported by CNTFRQ_EL0
MASK64 = (1 << 64) - 1


def _signed(value: int) -> int:
    return value - (1 << 64) if value >> 63 else value


def perform_helper(machine, insn: A64Insn) -> None:
    """Carry out ``insn`` on the machine's guest state (registers are in the state block)."""
    machine.stats.cycles += HELPER_CYCLES[insn.op]
    machine.stats.guest_insns += 1
    if insn.op in ("udiv", "sdiv"):
        n, m = machine.reg(insn.rn), machine.reg(insn.rm)
        if m == 0:
            result = 0
        elif insn.op == "udiv":
            result = n // m
        else:
            a, b = _signed(n), _signed(m)
            q = abs(a) // abs(b)
            result = -q if (a < 0) != (b < 0) else q
        if insn.rd != 32:
            machine.set_reg(insn.rd, result & MASK64)
        return
    if insn.rd != 32:  # MRS CNTVCT_EL0 / CNTPCT_EL0
        machine.set_reg(insn.rd, virtual_count(machine) & MASK64)


def virtual_count(machine) -> int:
    """The generic timer's count: modelled seconds so far times CNTFRQ."""
    return int(machine.seconds() * CNTFRQ_HZ)
