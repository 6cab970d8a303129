"""The modeled KNL figures: their qualitative shape (hash wins on one core DRAM-only, sort on
HBM wins at 64 cores, KPAs beat sorting full records) and the exact figures docs/grouping.md
claims for YSB against the published StreamBox-HBM results."""

from __future__ import annotations

import numpy as np
import pytest

from memory.allocator import HBM, HybridAllocator, KnobPolicy
from memory.cost import AnalyticDevice
from memory.grouping.context import BRANCH_MISPREDICT_CYCLES, AlgorithmModel, EngineContext
from memory.grouping.engines import ENGINES, WindowState
from memory.grouping.ledger import Ledger
from memory.kernels import Access
from memory.machine import MACHINE_PRESETS, machine_preset
from memory.streaming.runtime import RunConfig, run

# YSB as docs/grouping.md measures it: 2M records, 1 s windows, knl-7250.
CONFIGS = {"sort-hbm": dict(grouping="sort", kpa=True, placement="hbm"),
           "sort-dram": dict(grouping="sort", kpa=True, placement="dram"),
           "full": dict(grouping="sort", kpa=False, placement="dram"),
           "hash": dict(grouping="hash", kpa=True, placement="dram")}
# Figures claimed in docs/grouping.md (default model: pairwise merges); must stay in sync.
CLAIMED = {"records_per_s": 319.1e6, "bandwidth_gbs": 219.4, "kpa_over_full": 7.03,
           "sort_over_hash": 1.17}
PUBLISHED = {"records_per_s": 110e6, "bandwidth_gbs": 238.0, "kpa_over_full": 7.0,
             "sort_over_hash": 10.0}


@pytest.fixture(scope="module")
def ysb():
    return {(name, cores): run(RunConfig(bench="ysb", cores=cores, verify=False, **engine))
            for name, engine in CONFIGS.items() for cores in (1, 64)}


def rate(reports, name, cores):
    return reports[(name, cores)].modeled_records_per_s


def test_hash_wins_on_one_core_dram_only(ysb):
    assert rate(ysb, "hash", 1) > 2 * rate(ysb, "sort-dram", 1)


def test_sort_on_hbm_wins_at_64_cores(ysb):
    assert rate(ysb, "sort-hbm", 64) > rate(ysb, "hash", 64)
    assert rate(ysb, "sort-hbm", 64) > 2 * rate(ysb, "sort-dram", 64)  # DDR4 saturates
    assert rate(ysb, "sort-hbm", 64) > 5 * rate(ysb, "full", 64)


def test_claimed_figures(ysb):
    sort = ysb[("sort-hbm", 64)]
    measured = {"records_per_s": sort.modeled_records_per_s,
                "bandwidth_gbs": sort.modeled_bandwidth_gbs,
                "kpa_over_full": rate(ysb, "sort-hbm", 64) / rate(ysb, "full", 64),
                "sort_over_hash": rate(ysb, "sort-hbm", 64) / rate(ysb, "hash", 64)}
    for key, value in measured.items():
        assert value == pytest.approx(CLAIMED[key], rel=0.02), key
    assert sort.core_cycles_per_record == pytest.approx(33.2, rel=0.02)  # vs ~700 published
    assert "core_cycles_per_record" in sort.to_json()
    traffic = sort.modeled_bandwidth_gbs * 1e9 * sort.modeled_seconds / sort.records
    assert sort.modeled_bytes_per_record == pytest.approx(traffic)
    assert sort.modeled_bytes_per_record == pytest.approx(687.4, rel=0.02)
    # the published pair (238 GB/s at 110 M records/s) moves 2164 B per record: over 3x ours,
    # so no throughput fix at our traffic can also keep the bandwidth (docs/grouping.md)
    published = PUBLISHED["bandwidth_gbs"] * 1e9 / PUBLISHED["records_per_s"]
    assert published > 3 * sort.modeled_bytes_per_record
    # the two published figures the model reproduces within the issue's +-25%
    for key in ("bandwidth_gbs", "kpa_over_full"):
        assert measured[key] == pytest.approx(PUBLISHED[key], rel=0.25), key
    # and the two it does not (docs/grouping.md explains the gap)
    assert measured["records_per_s"] > 2.5 * PUBLISHED["records_per_s"]
    assert measured["sort_over_hash"] < PUBLISHED["sort_over_hash"] / 5


def test_ysb_figures_do_not_depend_on_the_run_size(ysb):
    """Half the records (one window instead of two) model the same rate and bandwidth, so the
    2M-record runs above stand for longer streams."""
    half = run(RunConfig(bench="ysb", cores=64, records=1_000_000, verify=False,
                         **CONFIGS["sort-hbm"]))
    full_size = ysb[("sort-hbm", 64)]
    assert half.modeled_records_per_s == pytest.approx(full_size.modeled_records_per_s,
                                                       rel=0.02)
    assert half.modeled_bandwidth_gbs == pytest.approx(full_size.modeled_bandwidth_gbs,
                                                       rel=0.02)


def test_wider_merge_tree_trades_bandwidth_for_fewer_passes():
    pairwise = run(RunConfig(bench="ysb", cores=64, placement="hbm", verify=False))
    tree = run(RunConfig(bench="ysb", cores=64, placement="hbm", verify=False,
                         merge_fan_in=16))
    assert tree.modeled_records_per_s > pairwise.modeled_records_per_s
    assert tree.modeled_bandwidth_gbs < pairwise.modeled_bandwidth_gbs


def test_every_machine_has_a_branch_penalty():
    assert set(BRANCH_MISPREDICT_CYCLES) == set(MACHINE_PRESETS)


def test_regular_stores_read_their_lines_first():
    knl = machine_preset("knl-7250")
    written = Access("sequential", 1 << 20, write=True)
    allocating, streaming = Ledger(knl, 64, AnalyticDevice()), Ledger(
        knl, 64, AnalyticDevice(), write_allocate=False)
    for ledger in (allocating, streaming):
        ledger.charge("store", [(HBM, written), (HBM, Access("random", 8 << 10, write=True))])
    assert streaming.bytes_by_tier[HBM] == (1 << 20) + (1 << 10) * 64
    assert allocating.bytes_by_tier[HBM] == 2 * (1 << 20) + (1 << 10) * 64  # random: no RFO
    assert allocating.seconds > streaming.seconds


def test_stall_cycles_add_to_the_compute_bound():
    knl = machine_preset("knl-7250")
    ledger = Ledger(knl, 4, AnalyticDevice())
    seconds = ledger.charge("branchy", [], scalar_ops=8 * 1200, stall_cycles=4 * 1200)
    # 9600 instructions on 4 cores x 2 issue slots = 1200 cycles per core, plus 4800 stall
    # cycles shared by 4 cores = 1200 per core, at 1.2 GHz
    assert seconds == pytest.approx((1200 + 1200) / 1.2e9)


def test_sort_model_counts_the_key_pointer_network():
    m = AlgorithmModel()
    # 4 stages of a 16-element bitonic merge (AVX-512, 64-bit lanes) x 9 + loop 8 per register
    assert m.network_instructions_per_stage * 4 + m.merge_loop_instructions == 44
    assert m.merge_fan_in == 2


def test_skewed_keys_serialize_the_shared_hash_table():
    """topk's Zipf keys: the hottest key's line passes from core to core one update at a
    time, so hash stops scaling while sort on HBM does not; there sort on HBM beats hash by
    the published order of magnitude (claimed in docs/grouping.md)."""
    config = dict(bench="topk", verify=False)
    hash8 = run(RunConfig(cores=8, grouping="hash", **config)).modeled_records_per_s
    hash64 = run(RunConfig(cores=64, grouping="hash", **config)).modeled_records_per_s
    sort64 = run(RunConfig(cores=64, placement="hbm", **config)).modeled_records_per_s
    assert hash64 < hash8
    assert sort64 / hash64 == pytest.approx(9.26, rel=0.02)
    assert sort64 / hash64 == pytest.approx(PUBLISHED["sort_over_hash"], rel=0.25)


def grouped_window(engine_name, keys, cores, share=0.0, record_bytes=24):
    knl = machine_preset("knl-7250")
    allocator = HybridAllocator.for_machine(knl, KnobPolicy(initial_share=share, step=0))
    ctx = EngineContext(Ledger(knl, cores, AnalyticDevice()), allocator, record_bytes)
    engine, state = ENGINES[engine_name](), WindowState()
    for lo in range(0, keys.shape[0], 4096):
        rows = np.arange(lo, min(lo + 4096, keys.shape[0]))
        engine.add_bundle(ctx, state, keys[rows], rows, np.ones(rows.shape[0], np.int64))
    return engine.close(ctx, state, "sum"), ctx


def test_one_hot_key_costs_the_hash_engine_a_serial_chain():
    uniform = np.random.default_rng(3).integers(0, 1000, 40_000)
    hot = np.zeros(40_000, np.int64)
    _, spread = grouped_window("hash", uniform, cores=64)
    _, contended = grouped_window("hash", hot, cores=64)
    assert contended.ledger.seconds > 20 * spread.ledger.seconds
    _, alone = grouped_window("hash", hot, cores=1)  # one core owns the line: no chain
    assert alone.ledger.seconds < contended.ledger.seconds


def test_full_records_follow_the_placement_knob():
    keys = np.random.default_rng(4).integers(0, 500, 20_000)
    result_hbm, on_hbm = grouped_window("fullsort", keys, cores=64, share=1.0, record_bytes=96)
    result_dram, on_dram = grouped_window("fullsort", keys, cores=64, share=0.0,
                                          record_bytes=96)
    assert np.array_equal(result_hbm["sum"], result_dram["sum"])
    assert on_hbm.ledger.bytes_by_tier[HBM] > 0 and on_dram.ledger.bytes_by_tier[HBM] == 0
    assert on_hbm.allocator.used[HBM] == 0  # freed at close
    assert on_hbm.ledger.seconds < on_dram.ledger.seconds
