"""Machine presets: the figures the issue asks for, tiers resolve to consistent devices."""

from __future__ import annotations

import pytest

from memory.errors import UnknownPreset
from memory.machine import MACHINE_PRESETS, machine_preset


def test_required_presets_exist():
    assert {"knl-7250", "xeon-max-9480", "ddr4-server", "h100-sxm", "h200"} <= set(
        MACHINE_PRESETS)


def test_knl_7250():
    knl = machine_preset("knl-7250")
    assert knl.cores == 68 and knl.simd_bits == 512 and knl.lanes(64) == 8
    hbm, dram = knl.tier("hbm").spec(), knl.tier("dram").spec()
    assert hbm.standard == "MCDRAM" and hbm.capacity_bytes == 16 << 30
    assert dram.standard == "DDR4" and dram.org.controllers == 6
    assert dram.peak_bandwidth_bps == pytest.approx(6 * 2400e6 * 8)


@pytest.mark.parametrize("name,standard,peak_tbs,capacity_gb", [
    ("h100-sxm", "HBM3", 3.35, 80),
    ("h200", "HBM3E", 4.8, 144),
    ("xeon-max-9480", "HBM2E", 1.64, 64),
])
def test_hbm_tiers_match_vendor_totals(name, standard, peak_tbs, capacity_gb):
    spec = machine_preset(name).tier("hbm").spec()
    assert spec.standard == standard
    assert spec.peak_bandwidth_bps / 1e12 == pytest.approx(peak_tbs, rel=0.01)
    assert spec.capacity_bytes == capacity_gb << 30


def test_ddr4_server_has_no_hbm():
    server = machine_preset("ddr4-server")
    assert server.tier_names == ("dram",)
    with pytest.raises(UnknownPreset, match="dram"):
        server.tier("hbm")


def test_unknown_machine_lists_presets():
    with pytest.raises(UnknownPreset, match="knl-7250"):
        machine_preset("cray-1")


@pytest.mark.parametrize("name", sorted(MACHINE_PRESETS))
def test_every_tier_has_a_source_and_latency(name):
    machine = machine_preset(name)
    assert machine.source
    for tier in machine.tiers:
        assert tier.source and tier.idle_latency_ns > 0
        assert tier.spec().capacity_bytes > 0
