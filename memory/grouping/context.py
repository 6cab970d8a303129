"""What every primitive needs: the ledger it charges, the allocator placing KPAs, the record
store's size, the instruction counts of the algorithms being modeled and each machine's
branch-misprediction penalty."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from memory.allocator import DRAM, HybridAllocator
from memory.grouping.ledger import Ledger
from memory.kernels import Access

KPA_BYTES = 16  # 8-byte key + 8-byte record pointer
RECORD_TIER = DRAM  # full records always live in DRAM


# Cycles a core loses on a mispredicted branch (pipeline refill), per machine. Sources:
# knl-7250: the KNL core is a 2-wide out-of-order Silvermont derivative (Sodani et al., IEEE
#   Micro 2016; Chips and Cheese, "Knights Landing: Atom with AVX-512", 2022); Agner Fog's
#   microarchitecture manual puts Silvermont's misprediction penalty at about 10-11 cycles
#   (figure recalled from the manual, not re-checked with our search tools) -> 10.
# xeon-max-9480 (Golden Cove) and ddr4-server (Broadwell): deeper big-core pipelines, ~15-20
#   cycles in the same manual -> 17 and 15.
# GPUs (h100-sxm, h200): no branch speculation; divergence is not modeled -> 0.
BRANCH_MISPREDICT_CYCLES = {"knl-7250": 10, "xeon-max-9480": 17, "ddr4-server": 15,
                            "h100-sxm": 0, "h200": 0}


@dataclass(frozen=True)
class AlgorithmModel:
    """Instruction counts of the modeled inner loops (one table for every benchmark)."""

    # Bitonic comparator stage on key/pointer pairs held in two key registers and two pointer
    # registers of L lanes (AVX-512: L = 8 x 64 bit): one compare into a mask, two blends for
    # the keys, two for the pointers, and the shuffles that line the next stage up (two
    # permutes for the keys, two for the pointers) = 9 instructions per 2L elements.
    network_instructions_per_stage: int = 9
    # Merge loop around the 2-register bitonic merge network, per output register: load the
    # next input register (keys, pointers), compare the two heads, branch, store keys and
    # pointers, advance = 8 instructions.
    merge_loop_instructions: int = 8
    # Which input supplies the next register depends on the data: on random keys the branch
    # goes either way with probability 1/2, so half the output registers mispredict.
    merge_mispredicts_per_register: float = 0.5
    # Sorted runs merged per pass over memory. 2: pairwise bitonic merges (the merge kernel of
    # Chhugani et al., VLDB 2008, which StreamBox-HBM's sort/merge on KPAs builds on), each
    # level streaming the KPAs through HBM -- the engine spends HBM bandwidth instead of
    # saving it. A multiway merge tree kept in L2 (e.g. 16) is the --merge-fan-in alternative.
    merge_fan_in: int = 2
    # Hash insert: multiply-shift hash, load slot, compare key, branch, update aggregate,
    # store = ~12 instructions, plus ~8 for collision handling and loop control.
    hash_instructions: int = 20
    hash_entry_bytes: int = 32  # key, aggregate, link/padding in one half cache line
    # A concurrent hash table's insert takes the bucket's lock and the element's lock (oneTBB
    # concurrent_hash_map: bucket_accessor locks the bucket, an accessor holds the pair's
    # spin_rw_mutex until released -- the guide's Tally example counts keys exactly so): two
    # atomic read-modify-writes, each on a line that another core most likely wrote last.
    hash_atomics_per_insert: int = 2
    # Full-record merge (records do not fit SIMD registers): load both keys, compare, branch,
    # advance = 6 instructions, plus copying the record with 64-byte vector loads/stores; the
    # compare-and-branch on random keys mispredicts half the time.
    record_merge_instructions: int = 6
    record_merge_mispredicts: float = 0.5


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

    @property
    def mispredict_cycles(self) -> int:
        return BRANCH_MISPREDICT_CYCLES[self.ledger.machine.name]

    def sort_charge(self, name: str, n: int, tier: str, runs_sorted: int = 1) -> None:
        """Charge a SIMD merge sort of ``n`` KPA entries held in ``tier``: in-register bitonic
        networks on L-element blocks, then 2-register bitonic merge levels, ``merge_fan_in``
        runs per pass over memory. ``runs_sorted`` > 1 means the input is already that many
        sorted runs of equal size (merging only)."""
        if n <= 1:
            return
        m, lanes = self.model, self.lanes
        registers = n / lanes
        network = 0.0
        if runs_sorted == 1:
            width = int(math.log2(lanes))
            stages = width * (width + 1) // 2
            network = registers / 2 * m.network_instructions_per_stage * stages
            runs_sorted = max(1, n // lanes)
        levels = math.ceil(math.log2(runs_sorted)) if runs_sorted > 1 else 0
        merge_stages = int(math.log2(2 * lanes))
        per_register = m.network_instructions_per_stage * merge_stages + m.merge_loop_instructions
        instructions = network + registers * levels * per_register
        stalls = registers * levels * m.merge_mispredicts_per_register * self.mispredict_cycles
        passes = math.ceil(levels / math.log2(m.merge_fan_in)) + (1 if network else 0)
        traffic = [(tier, Access("sequential", n * KPA_BYTES * passes)),
                   (tier, Access("sequential", n * KPA_BYTES * passes, write=True))]
        self.ledger.charge(name, traffic, scalar_ops=int(instructions), stall_cycles=stalls)

    def record_sort_charge(self, name: str, n: int, runs_sorted: int = 1,
                           tier: str = RECORD_TIER) -> None:
        """Charge a scalar merge sort of ``n`` full records held in ``tier`` (no KPA):
        log2(runs) levels, ``merge_fan_in`` runs per pass over memory, each level comparing
        keys with a data-dependent branch and copying whole records with 64-byte moves."""
        if n <= 1:
            return
        m = self.model
        levels = math.ceil(math.log2(n if runs_sorted == 1 else runs_sorted))
        passes = math.ceil(levels / math.log2(m.merge_fan_in))
        copy = 2 * math.ceil(self.record_bytes / 64)  # vector load + store per 64 bytes
        nbytes = n * self.record_bytes * passes
        self.ledger.charge(name, [(tier, Access("sequential", nbytes)),
                                  (tier, Access("sequential", nbytes, write=True))],
                           scalar_ops=n * levels * (m.record_merge_instructions + copy),
                           stall_cycles=n * levels * m.record_merge_mispredicts
                           * self.mispredict_cycles)

    def ingest(self, n: int) -> None:
        """Charge the arrival of ``n`` records: the ingress thread stores them into the bundle
        buffers in DRAM (regular stores: the ledger adds the write-allocate reads). The
        published throughput is measured with ingress (StreamBox project page,
        thexsel.github.io/p/streambox), and every engine pays it alike."""
        self.ledger.charge("ingest", [(RECORD_TIER, Access("sequential", n * self.record_bytes,
                                                           write=True))])

    def scan_records(self, name: str, n: int, ops_per_record: int = 1) -> None:
        """Charge one sequential pass over ``n`` full records in DRAM."""
        self.ledger.charge(name, [(RECORD_TIER, Access("sequential", n * self.record_bytes))],
                           ops=n * ops_per_record)
