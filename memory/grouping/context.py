"""What every primitive needs: the ledger it charges, the allocator placing KPAs, the record
store's size, and the per-instruction constants of the algorithms being modeled."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from memory.allocator import DRAM, HybridAllocator
from memory.grouping.ledger import Ledger
from memory.kernels import Access

KPA_BYTES = 16  # 8-byte key + 8-byte record pointer
RECORD_TIER = DRAM  # full records always live in DRAM


@dataclass(frozen=True)
class AlgorithmModel:
    """Instruction counts of the modeled algorithms, derived from their inner loops."""

    # Bitonic comparator stage on two registers of L keys (AVX-512: L = 8 x 64 bit):
    # min + max + permute on keys, two blends moving the pointers = 6 instructions per 2L
    # elements -> 3 element-operations per element.
    network_ops_per_stage: int = 3
    # Merge loop around the SIMD network, per output register: load next input, compare the
    # two heads, branch, store keys and pointers, advance two pointers = 8 instructions.
    merge_loop_instructions: int = 8
    # Merge tree kept in L2: 16 runs merged per pass over memory (4 levels of 2-way merges).
    merge_fan_in: int = 16
    # Hash insert: multiply-shift hash, load slot, compare key, branch, update aggregate,
    # store = ~12 instructions, plus ~8 for collision handling and loop control.
    hash_instructions: int = 20
    hash_entry_bytes: int = 32  # key, aggregate, link/padding in one half cache line
    # Full-record merge (records do not fit SIMD registers): load both keys, compare, branch,
    # advance = 6 instructions, plus copying the record with 64-byte vector loads/stores.
    record_merge_instructions: int = 6


@dataclass
class EngineContext:
    """Charges, placement and sizes for one run."""

    ledger: Ledger
    allocator: HybridAllocator
    record_bytes: int
    model: AlgorithmModel = field(default_factory=AlgorithmModel)

    @property
    def lanes(self) -> int:
        return self.ledger.machine.lanes(64)

    def sort_charge(self, name: str, n: int, tier: str, runs_sorted: int = 1) -> None:
        """Charge a SIMD merge sort of ``n`` KPA entries held in ``tier``: in-register bitonic
        networks on L-element blocks, then 2-way SIMD merge levels, ``merge_fan_in`` runs per
        pass over memory. ``runs_sorted`` > 1 means the input is already that many sorted runs
        of equal size (merging only)."""
        if n <= 1:
            return
        m, lanes = self.model, self.lanes
        stages = 0
        if runs_sorted == 1:
            width = int(math.log2(lanes))
            stages = width * (width + 1) // 2
            runs_sorted = max(1, n // lanes)
        levels = math.ceil(math.log2(runs_sorted)) if runs_sorted > 1 else 0
        merge_stages = int(math.log2(2 * lanes))
        passes = math.ceil(levels / math.log2(m.merge_fan_in)) + (1 if stages else 0)
        ops = n * m.network_ops_per_stage * (stages + levels * merge_stages)
        scalar = n * levels * m.merge_loop_instructions // lanes
        traffic = [(tier, Access("sequential", n * KPA_BYTES * passes)),
                   (tier, Access("sequential", n * KPA_BYTES * passes, write=True))]
        self.ledger.charge(name, traffic, ops=ops, scalar_ops=scalar)

    def scan_records(self, name: str, n: int, ops_per_record: int = 1) -> None:
        """Charge one sequential pass over ``n`` full records in DRAM."""
        self.ledger.charge(name, [(RECORD_TIER, Access("sequential", n * self.record_bytes))],
                           ops=n * ops_per_record)
