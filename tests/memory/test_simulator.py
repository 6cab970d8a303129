"""Request-level simulator: peak bandwidth bounds, sequential vs random, latency, mapping."""

from __future__ import annotations

import numpy as np
import pytest

from memory.dram.address import decode, parse_mapping
from memory.dram.presets import device_preset
from memory.dram.simulator import simulate
from memory.errors import InvalidOverride, InvalidRequest

# pins x Gb/s / 8 for every standard preset, written out from the data sheets' headline figures
PEAK_GBS = {
    "ddr4-2400": 64 * 2.4 / 8,  # one 64-bit DIMM channel: 19.2 GB/s
    "ddr5-4800": 64 * 4.8 / 8,  # two 32-bit sub-channels: 38.4 GB/s
    "hbm2-2000": 1024 * 2.0 / 8,  # 256 GB/s per stack
    "hbm2e-3200": 1024 * 3.2 / 8,  # 409.6 GB/s
    "hbm3-6400": 1024 * 6.4 / 8,  # 819.2 GB/s
    "hbm3e-9200": 1024 * 9.2 / 8,  # 1177.6 GB/s
    "mcdram-knl": 8 * 256 * 2.2 / 8,  # 8 devices x 256 pins (modeled)
}
N = 40_000


def sequential(spec, n=N):
    return np.arange(n, dtype=np.uint64) * np.uint64(spec.org.access_bytes)


def random_addresses(spec, n=N, seed=7):
    units = spec.capacity_bytes // spec.org.access_bytes
    rng = np.random.default_rng(seed)
    return rng.integers(0, units, n).astype(np.uint64) * np.uint64(spec.org.access_bytes)


@pytest.mark.parametrize("name", sorted(PEAK_GBS))
def test_peak_is_pins_times_rate(name):
    assert device_preset(name).peak_bandwidth_bps / 1e9 == pytest.approx(PEAK_GBS[name])


@pytest.mark.parametrize("name", sorted(PEAK_GBS))
def test_sequential_reads_reach_90_percent_and_never_exceed_peak(name):
    spec = device_preset(name)
    result = simulate(spec, sequential(spec), np.zeros(N, np.uint8))
    assert result.requests == N
    assert 0.90 * result.peak_gbs <= result.bandwidth_gbs <= result.peak_gbs
    assert result.row_hit_rate > 0.9
    assert max(result.channel_utilization) <= 1.0


@pytest.mark.parametrize("name", sorted(PEAK_GBS))
def test_random_reads_drop_and_never_exceed_peak(name):
    spec = device_preset(name)
    reads = np.zeros(N, np.uint8)
    seq = simulate(spec, sequential(spec), reads)
    rnd = simulate(spec, random_addresses(spec), reads)
    assert rnd.bandwidth_gbs <= rnd.peak_gbs
    assert rnd.bandwidth_gbs < seq.bandwidth_gbs
    assert rnd.row_hit_rate < 0.05
    assert rnd.avg_latency_ns > 0 and rnd.p99_latency_ns >= rnd.avg_latency_ns * 0.5
    if spec.standard.startswith(("HBM", "MCDRAM", "DDR4")):  # ACT-rate bound devices
        assert rnd.bandwidth_gbs < 0.7 * seq.bandwidth_gbs


@pytest.mark.parametrize("name", ["ddr4-2400", "hbm3-6400"])
def test_mixed_read_write_never_exceeds_peak(name):
    spec = device_preset(name)
    rng = np.random.default_rng(3)
    writes = (rng.random(N) < 0.4).astype(np.uint8)
    result = simulate(spec, sequential(spec), writes)
    assert result.bandwidth_gbs <= result.peak_gbs
    read_only = simulate(spec, sequential(spec), np.zeros(N, np.uint8))
    assert result.bandwidth_gbs < read_only.bandwidth_gbs  # turnarounds cost bandwidth


def test_unloaded_latency_of_miss_hit_and_conflict():
    spec = device_preset("ddr4-2400")
    t = spec.timing
    row_stride = spec.org.row_bytes * spec.org.banks * spec.org.controllers  # next row, same bank
    addresses = np.array([0, 0, row_stride], dtype=np.uint64)
    arrival = np.array([100, 1000, 2000], dtype=np.int64)  # idle channel, before any refresh
    assert decode(spec, addresses, bank_xor=False).bank.tolist() == [0, 0, 0]
    result = simulate(spec, addresses, np.zeros(3, np.uint8), arrival, bank_xor=False)
    expected = [t.nRCD + t.nCL + spec.nBL,  # closed bank
                t.nCL + spec.nBL,  # row hit
                t.nRP + t.nRCD + t.nCL + spec.nBL]  # row conflict
    assert result.latencies_ns == pytest.approx(np.array(expected) * t.tck_ps / 1000)
    assert result.row_hit_rate == pytest.approx(1 / 3)


def test_channel_interleaving_spreads_a_stream_over_every_channel():
    spec = device_preset("hbm3-6400")
    where = decode(spec, sequential(spec, 64))
    assert sorted(set(where.channel.tolist())) == list(range(spec.org.controllers))
    partitioned = simulate(spec, sequential(spec), np.zeros(N, np.uint8), mapping="ChRoBaBgCo")
    interleaved = simulate(spec, sequential(spec), np.zeros(N, np.uint8))
    assert interleaved.bandwidth_gbs > 4 * partitioned.bandwidth_gbs


def test_six_channel_ddr4_tier_and_overrides():
    spec = device_preset("ddr4-2400", channels=6)
    assert spec.peak_bandwidth_bps == pytest.approx(6 * 19.2e9)
    assert spec.capacity_bytes == 6 * 16 * 2**30
    result = simulate(spec, sequential(spec), np.zeros(N, np.uint8))
    assert result.bandwidth_gbs > 0.9 * 115.2


@pytest.mark.parametrize("bad", ["RoBaCoBg", "RoRoBaCoBgCh", "robacobgch", "RoBaCoBgChXx"])
def test_bad_mapping_is_rejected(bad):
    with pytest.raises(InvalidOverride):
        parse_mapping(bad)


def test_address_beyond_capacity_is_rejected():
    spec = device_preset("hbm2-2000")
    with pytest.raises(InvalidRequest, match="beyond"):
        simulate(spec, np.array([spec.capacity_bytes], dtype=np.uint64), np.zeros(1, np.uint8))


def test_bad_overrides_are_rejected():
    with pytest.raises(InvalidOverride, match="nRC"):
        device_preset("ddr4-2400", nRC=10)
    with pytest.raises(InvalidOverride, match="cannot override"):
        device_preset("ddr4-2400", rate_mtps=3200)
    with pytest.raises(InvalidOverride, match="cannot override"):
        device_preset("ddr4-2400", banana=1)
