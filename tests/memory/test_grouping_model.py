"""The modeled KNL figures: their qualitative shape (hash wins on one core DRAM-only, sort on
HBM wins at 64 cores, KPAs beat sorting full records) and the exact figures docs/grouping.md
claims for YSB against the published StreamBox-HBM results."""

from __future__ import annotations

import pytest

from memory.cost import AnalyticDevice
from memory.grouping.context import BRANCH_MISPREDICT_CYCLES, AlgorithmModel
from memory.grouping.ledger import Ledger
from memory.machine import MACHINE_PRESETS, machine_preset
from memory.streaming.runtime import RunConfig, run

# YSB as docs/grouping.md measures it: 2M records, 1 s windows, knl-7250.
ENGINES = {"sort-hbm": dict(grouping="sort", kpa=True, placement="hbm"),
           "sort-dram": dict(grouping="sort", kpa=True, placement="dram"),
           "full": dict(grouping="sort", kpa=False, placement="dram"),
           "hash": dict(grouping="hash", kpa=True, placement="dram")}
# Figures claimed in docs/grouping.md (default model: pairwise merges); must stay in sync.
CLAIMED = {"records_per_s": 629.6e6, "bandwidth_gbs": 259.5, "kpa_over_full": 9.45,
           "sort_over_hash": 1.20}
PUBLISHED = {"records_per_s": 110e6, "bandwidth_gbs": 238.0, "kpa_over_full": 7.0,
             "sort_over_hash": 10.0}


@pytest.fixture(scope="module")
def ysb():
    return {(name, cores): run(RunConfig(bench="ysb", cores=cores, verify=False, **engine))
            for name, engine in ENGINES.items() for cores in (1, 64)}


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
    # the one published figure the model reproduces within the issue's +-25%
    assert measured["bandwidth_gbs"] == pytest.approx(PUBLISHED["bandwidth_gbs"], rel=0.25)


def test_wider_merge_tree_trades_bandwidth_for_fewer_passes():
    pairwise = run(RunConfig(bench="ysb", cores=64, placement="hbm", verify=False))
    tree = run(RunConfig(bench="ysb", cores=64, placement="hbm", verify=False,
                         merge_fan_in=16))
    assert tree.modeled_records_per_s > pairwise.modeled_records_per_s
    assert tree.modeled_bandwidth_gbs < pairwise.modeled_bandwidth_gbs


def test_every_machine_has_a_branch_penalty():
    assert set(BRANCH_MISPREDICT_CYCLES) == set(MACHINE_PRESETS)


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
