"""Where modeled time and bytes go: every primitive charges its memory traffic per tier and its
SIMD/scalar work to a :class:`Ledger`, which prices them on the machine model."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace

from memory.cost import DeviceModel, compute_seconds, kernel_cost
from memory.kernels import Access, Kernel
from memory.machine import MachineSpec


@dataclass
class Ledger:
    """Accumulates modeled seconds and bytes; ``cores`` tasks run each primitive in parallel."""

    machine: MachineSpec
    cores: int
    device_model: DeviceModel
    seconds: float = 0.0
    bytes_by_tier: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    seconds_by_primitive: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    busy_cycles: float = 0.0  # core cycles of issued instructions and stalls, all cores
    # The engines' loops store with regular (temporal) stores. On the write-back caches of the
    # machines the engine runs on, a store that misses first reads its line (write-allocate),
    # so every streamed write also streams the same lines in: McCalpin, "Memory Bandwidth and
    # Machine Balance" (STREAM, 1995) counts this extra read per store on write-allocate
    # machines; Hager, "The McCalpin STREAM benchmark: how to do it right" (2019) measures it.
    # Only non-temporal stores avoid it (memory.kernels.stream_kernels assumes those). Random
    # writes (the hash table's) land on lines their atomic has already fetched.
    write_allocate: bool = True

    def charge(self, primitive: str, accesses: list[tuple[str, Access]], ops: int = 0,
               scalar_ops: int = 0, element_bits: int = 64, stall_cycles: float = 0.0,
               serial_seconds: float = 0.0) -> float:
        """Price one primitive: per-tier traffic runs concurrently on separate channels, the
        cores' miss handling is shared, compute overlaps; the slowest bound wins.

        ``stall_cycles``: core cycles in which no instruction issues (branch mispredictions),
        summed over the primitive's work and shared by the active cores; they add to the
        compute bound. ``serial_seconds``: a critical path no number of cores shortens (e.g.
        updates of one contended cache line, which one core owns at a time)."""
        if self.write_allocate:
            accesses = accesses + [(tier, replace(access, write=False))
                                   for tier, access in accesses
                                   if access.write and access.streaming]
        by_tier: dict[str, list[Access]] = defaultdict(list)
        for tier, access in accesses:
            if access.nbytes:
                by_tier[tier].append(access)
        device = core = 0.0
        for tier, tier_accesses in by_tier.items():
            cost = kernel_cost(self.machine, tier, Kernel(primitive, tuple(tier_accesses)),
                               self.cores, self.device_model)
            device = max(device, cost.device_seconds)
            core += cost.core_seconds
            self.bytes_by_tier[tier] += cost.traffic_bytes
        work = Kernel(primitive, (), ops=ops, scalar_ops=scalar_ops, element_bits=element_bits)
        active = min(self.cores, self.machine.cores)
        compute = (compute_seconds(self.machine, active, work)
                   + stall_cycles / (active * self.machine.freq_ghz * 1e9))
        seconds = max(device, core, compute, serial_seconds)
        self.busy_cycles += compute * active * self.machine.freq_ghz * 1e9
        self.seconds += seconds
        self.seconds_by_primitive[primitive] += seconds
        return seconds
