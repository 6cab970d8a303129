"""Hybrid-memory allocator: capacity per tier and one knob, the HBM share of new allocations.

The knob moves at run time: down when HBM is nearly full (capacity pressure), up when the DRAM
channels are busy (bandwidth pressure) and HBM has room. Every adjustment is recorded, so a run
can show how placement evolved. Placement follows the knob by error diffusion: each
allocation adds ``share x size`` of HBM credit and goes to HBM when the credit covers it, so
the bytes placed in HBM track the knob without randomness.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from memory.errors import InvalidRequest, MemoryModelError
from memory.machine import MachineSpec

HBM, DRAM = "hbm", "dram"


class OutOfMemory(MemoryModelError):
    """No tier has room for an allocation."""


@dataclass(frozen=True)
class KnobPolicy:
    """When and how far the knob moves."""

    initial_share: float = 1.0
    hbm_high_water: float = 0.90  # HBM used / capacity above which the share goes down
    dram_busy: float = 0.70  # DRAM bandwidth utilization above which the share goes up
    step: float = 0.10

    def __post_init__(self) -> None:
        for name in ("initial_share", "hbm_high_water", "dram_busy", "step"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise InvalidRequest(f"knob policy: {name} must be within [0, 1]")


@dataclass(frozen=True)
class Allocation:
    handle: int
    nbytes: int
    tier: str


@dataclass(frozen=True)
class KnobSample:
    """One point of the knob's trajectory."""

    time: float
    share: float
    hbm_used: int
    dram_used: int
    dram_utilization: float
    reason: str  # "start" | "hbm-capacity" | "dram-bandwidth" | "steady"


@dataclass
class HybridAllocator:
    """Places arrays in HBM or DRAM; ``observe`` feeds it pressure and moves the knob."""

    hbm_capacity: int
    dram_capacity: int
    policy: KnobPolicy = field(default_factory=KnobPolicy)
    share: float = field(init=False)
    used: dict[str, int] = field(init=False)
    trajectory: list[KnobSample] = field(init=False)
    _credit: float = field(default=0.0, init=False)
    _live: dict[int, Allocation] = field(default_factory=dict, init=False)
    _handles: itertools.count = field(default_factory=itertools.count, init=False)

    def __post_init__(self) -> None:
        if self.hbm_capacity < 0 or self.dram_capacity <= 0:
            raise InvalidRequest("tier capacities must be positive")
        self.share = self.policy.initial_share
        self.used = {HBM: 0, DRAM: 0}
        self.peak = {HBM: 0, DRAM: 0}  # most bytes ever in use at once, per tier
        self.trajectory = [self._sample(0.0, 0.0, "start")]

    @classmethod
    def for_machine(cls, machine: MachineSpec, policy: KnobPolicy | None = None
                    ) -> HybridAllocator:
        """Capacities from a machine's tiers (no HBM tier: capacity 0, everything in DRAM)."""
        capacity = {t.name: t.spec().capacity_bytes for t in machine.tiers}
        return cls(capacity.get(HBM, 0), capacity[DRAM], policy or KnobPolicy())

    def allocate(self, nbytes: int) -> Allocation:
        """Place ``nbytes``: HBM when the knob's credit covers it and it fits, else DRAM."""
        if nbytes <= 0:
            raise InvalidRequest(f"allocation size must be positive, got {nbytes}")
        self._credit += self.share * nbytes
        fits_hbm = self.used[HBM] + nbytes <= self.hbm_capacity
        if fits_hbm and self._credit >= nbytes / 2:
            tier = HBM
            self._credit -= nbytes
        elif self.used[DRAM] + nbytes <= self.dram_capacity:
            tier = DRAM
            self._credit = min(self._credit, nbytes)  # no HBM debt piles up while HBM is full
        elif fits_hbm:
            tier = HBM
            self._credit -= nbytes
        else:
            raise OutOfMemory(
                f"cannot place {nbytes} bytes: HBM {self.used[HBM]}/{self.hbm_capacity} and "
                f"DRAM {self.used[DRAM]}/{self.dram_capacity} bytes used")
        self.used[tier] += nbytes
        self.peak[tier] = max(self.peak[tier], self.used[tier])
        allocation = Allocation(next(self._handles), nbytes, tier)
        self._live[allocation.handle] = allocation
        return allocation

    def free(self, allocation: Allocation) -> None:
        if self._live.pop(allocation.handle, None) is None:
            raise InvalidRequest(f"allocation {allocation.handle} is not live (double free?)")
        self.used[allocation.tier] -= allocation.nbytes

    def observe(self, time: float, dram_utilization: float) -> float:
        """Adjust the knob from HBM capacity and DRAM bandwidth pressure; returns the share."""
        if not 0.0 <= dram_utilization <= 1.0:
            raise InvalidRequest(f"dram_utilization must be within [0, 1], got {dram_utilization}")
        p = self.policy
        hbm_fill = self.used[HBM] / self.hbm_capacity if self.hbm_capacity else 1.0
        if hbm_fill >= p.hbm_high_water:
            self.share, reason = max(0.0, self.share - p.step), "hbm-capacity"
        elif dram_utilization >= p.dram_busy:
            self.share, reason = min(1.0, self.share + p.step), "dram-bandwidth"
        else:
            reason = "steady"
        self.trajectory.append(self._sample(time, dram_utilization, reason))
        return self.share

    def _sample(self, time: float, dram_utilization: float, reason: str) -> KnobSample:
        return KnobSample(time, self.share, self.used[HBM], self.used[DRAM], dram_utilization,
                          reason)
