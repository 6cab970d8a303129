"""Core models as data: clock, cycle tables and power, each number with its source.

Thumb-2 cycle counts are per host instruction (by mnemonic, without width/condition/flag suffixes);
A64 cycle counts are per guest instruction class (as decoded by :mod:`isa.a64.decode`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType

from isa.errors import HwemuError

# Cortex-M4: ARM DDI 0439B (Cortex-M4 TRM r0p1), Table 3-1 "Cortex-M4 instruction set summary".
#   ALU, shifts, bit-field, extend, CLZ/RBIT/REV, MOVW/MOVT, IT (not folded): 1 cycle.
#   LDR/STR single: 2 (neighbouring loads/stores pipeline; not modelled).  LDRD/STRD: 1+N = 3.
#   MUL/MLA/MLS and 32x32->64 UMULL/SMULL/UMLAL/SMLAL: 1 (single-cycle MAC).  SDIV/UDIV: 2-12,
#   early-terminating; we charge the midpoint 7.  MRS/MSR: 1/1 (table: "Move to/from special reg").
#   Branch: 1 + P, P = pipeline refill of 1-3 cycles; we charge P = 2 on every taken branch.
_M4 = {
    "ldr": 2, "ldrb": 2, "ldrh": 2, "ldrsb": 2, "ldrsh": 2, "str": 2, "strb": 2, "strh": 2,
    "ldrd": 3, "strd": 3, "ldrex": 2, "strex": 2,
    "udiv": 7, "sdiv": 7, "mrs": 1, "msr": 1,
}
# Cortex-M3: ARM DDI 0337E (Cortex-M3 TRM r1p1), Table 18-1 "Instruction timings".
#   As the M4 except: MLA/MLS 2, UMULL/SMULL 3-5 (charged 4), UMLAL/SMLAL 4-7 (charged 5).
_M3 = {**_M4, "mla": 2, "mls": 2, "umull": 4, "smull": 4, "umlal": 5, "smlal": 5}

# Cortex-A53 (native reference): an in-order core; per-instruction issue costs after the LLVM
# Cortex-A53 scheduling model (llvm/lib/Target/AArch64/AArch64SchedA53.td): integer ALU 1,
# load-use latency 3 (charged 2: one slot overlaps), multiply 3 (32-bit) / 4 (64-bit, charged 3
# for both as the pipe is fully pipelined), divide 4-20 (charged 12).  Single issue is assumed
# (the A53 dual-issues some pairs, so this errs on the slow side); taken branches add 1.
_A53 = {
    "ldst_imm:ld": 2, "ldst_reg:ld": 2, "ldst_lit:ld": 2, "ldstpair:ldp": 2, "ldstpair:ldpsw": 2,
    "exclusive": 2, "atomic": 3, "cas": 3, "dp3": 3, "dp2:udiv": 12, "dp2:sdiv": 12,
    "sysreg": 2,
}


@dataclass(frozen=True)
class CoreModel:
    """One core: its ISA, clock, per-instruction cycles and taken-branch penalty, power."""

    name: str
    isa: str  # "armv7-m" (runs translated code) or "armv8-a" (native reference)
    mhz: float
    cycles: MappingProxyType = field(repr=False)
    default_cycles: int
    taken_branch_penalty: int
    active_mw: float
    idle_mw: float
    unicorn_cpu: str
    source: str

    def thumb_cycles(self, mnemonic: str) -> int:
        """Cycles of one Thumb-2 instruction given its canonical mnemonic."""
        return self.cycles.get(mnemonic, self.default_cycles)

    def a64_cycles(self, kind: str, op: str) -> int:
        """Cycles of one A64 instruction of class ``kind``/``op``."""
        return self.cycles.get(f"{kind}:{op}", self.cycles.get(kind, self.default_cycles))


# Power: Cortex-M4 dynamic power 12.26 uW/MHz (ARM Cortex-M4 product page, 90 nm LP, core only)
# -> 2.5 mW at 200 MHz; peripheral-core idle ~3 mW and application-core idle ~30 mW (transkernel
# paper, MobiSys'19, Sec. 2: measured on a phone SoC); Cortex-A53 ~ 100 mW/core at 1.2 GHz
# (ARM big.LITTLE white paper figures for the LITTLE cluster, per core).
CORES = MappingProxyType({
    "cortex-m4": CoreModel("cortex-m4", "armv7-m", 200.0, MappingProxyType(_M4), 1, 2,
                           active_mw=2.5, idle_mw=3.0, unicorn_cpu="UC_CPU_ARM_CORTEX_M4",
                           source="ARM DDI 0439B Table 3-1"),
    "cortex-m3": CoreModel("cortex-m3", "armv7-m", 100.0, MappingProxyType(_M3), 1, 2,
                           active_mw=1.9, idle_mw=3.0, unicorn_cpu="UC_CPU_ARM_CORTEX_M3",
                           source="ARM DDI 0337E Table 18-1"),
    "cortex-a53": CoreModel("cortex-a53", "armv8-a", 1200.0, MappingProxyType(_A53), 1, 1,
                            active_mw=100.0, idle_mw=30.0, unicorn_cpu="UC_CPU_ARM64_A53",
                            source="LLVM AArch64SchedA53.td"),
})


def core(name: str) -> CoreModel:
    """The core model called ``name`` (error lists the known ones)."""
    try:
        return CORES[name]
    except KeyError:
        raise HwemuError(f"unknown core {name!r} (known: {', '.join(CORES)})") from None
