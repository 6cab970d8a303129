"""Hybrid allocator: capacity accounting, knob-following placement, knob trajectory."""

from __future__ import annotations

import pytest

from memory.allocator import DRAM, HBM, HybridAllocator, KnobPolicy, OutOfMemory
from memory.errors import InvalidRequest
from memory.machine import machine_preset

MB = 1 << 20


@pytest.mark.parametrize("share", [0.0, 0.25, 0.5, 0.8, 1.0])
def test_placement_tracks_the_knob(share):
    alloc = HybridAllocator(10_000 * MB, 10_000 * MB, KnobPolicy(initial_share=share))
    for _ in range(400):
        alloc.allocate(MB)
    assert alloc.used[HBM] + alloc.used[DRAM] == 400 * MB
    assert alloc.used[HBM] / (400 * MB) == pytest.approx(share, abs=0.01)


def test_full_hbm_spills_to_dram_and_accounting_follows_free():
    alloc = HybridAllocator(4 * MB, 100 * MB)
    blocks = [alloc.allocate(MB) for _ in range(6)]
    assert [b.tier for b in blocks] == [HBM] * 4 + [DRAM] * 2
    alloc.free(blocks[0])
    assert alloc.used == {HBM: 3 * MB, DRAM: 2 * MB}
    assert alloc.peak == {HBM: 4 * MB, DRAM: 2 * MB}  # the peak outlives the free
    assert alloc.allocate(MB).tier == HBM
    with pytest.raises(InvalidRequest, match="not live"):
        alloc.free(blocks[0])


def test_out_of_memory_and_bad_sizes():
    alloc = HybridAllocator(MB, MB)
    alloc.allocate(MB)
    alloc.allocate(MB)
    with pytest.raises(OutOfMemory):
        alloc.allocate(1)
    with pytest.raises(InvalidRequest):
        alloc.allocate(0)
    with pytest.raises(InvalidRequest):
        KnobPolicy(step=2.0)


def test_knob_moves_with_pressure_and_is_recorded():
    alloc = HybridAllocator(10 * MB, 1000 * MB, KnobPolicy(initial_share=0.5, step=0.1))
    assert alloc.observe(1.0, dram_utilization=0.9) == pytest.approx(0.6)  # DRAM busy: up
    assert alloc.observe(2.0, dram_utilization=0.2) == pytest.approx(0.6)  # no pressure
    while alloc.used[HBM] < 9 * MB:
        alloc.allocate(MB)
    assert alloc.observe(3.0, dram_utilization=0.9) == pytest.approx(0.5)  # HBM full wins
    reasons = [s.reason for s in alloc.trajectory]
    assert reasons == ["start", "dram-bandwidth", "steady", "hbm-capacity"]
    assert [s.time for s in alloc.trajectory] == [0.0, 1.0, 2.0, 3.0]
    assert alloc.trajectory[-1].hbm_used >= 9 * MB
    with pytest.raises(InvalidRequest):
        alloc.observe(4.0, dram_utilization=1.5)


def test_machine_capacities():
    knl = HybridAllocator.for_machine(machine_preset("knl-7250"))
    assert knl.hbm_capacity == 16 << 30 and knl.dram_capacity == 96 << 30
    server = HybridAllocator.for_machine(machine_preset("ddr4-server"))
    assert server.hbm_capacity == 0
    assert server.allocate(MB).tier == DRAM
