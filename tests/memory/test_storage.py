"""Storage tier: sequential vs random cost, seek dominance, bandwidth bounds, errors."""

from __future__ import annotations

import pytest

from isa.errors import HwemuError
from memory.errors import InvalidRequest, UnknownPreset
from memory.storage import (
    IOPS_BLOCK_BYTES,
    STORAGE_PRESETS,
    StorageDevice,
    StorageSpec,
    storage_preset,
)

MIB = 1 << 20


@pytest.mark.parametrize("name", ["hdd", "ssd", "nvme"])
def test_presets_exist_with_matching_kind(name):
    spec = storage_preset(name)
    assert isinstance(spec, StorageSpec)
    assert spec.kind == name
    assert spec.name == name


def test_unknown_preset_lists_valid_names():
    with pytest.raises(UnknownPreset) as info:
        storage_preset("floppy")
    assert isinstance(info.value, HwemuError)
    for name in ("hdd", "ssd", "nvme"):
        assert name in str(info.value)


@pytest.mark.parametrize("name", sorted(STORAGE_PRESETS))
def test_sequential_stream_runs_at_the_sustained_rate(name):
    spec = storage_preset(name)
    dev = StorageDevice(spec)
    dev.read(0, MIB)  # the first request positions the head
    seconds = sum(dev.read(MIB * i, MIB) for i in range(1, 65))
    assert seconds == pytest.approx(64 * MIB / spec.seq_read_bps)
    writes = sum(dev.write(65 * MIB + MIB * i, MIB) for i in range(64))
    assert writes == pytest.approx(64 * MIB / spec.seq_write_bps)


@pytest.mark.parametrize("name", sorted(STORAGE_PRESETS))
def test_random_costs_more_than_sequential(name):
    spec = storage_preset(name)
    dev = StorageDevice(spec)
    seq = dev.cost(IOPS_BLOCK_BYTES, write=False, sequential=True)
    rnd = dev.cost(IOPS_BLOCK_BYTES, write=False, sequential=False)
    assert rnd > seq


def test_hdd_random_small_reads_are_seek_dominated():
    spec = storage_preset("hdd")
    dev = StorageDevice(spec)
    seconds = dev.read(10**12, IOPS_BLOCK_BYTES)
    transfer = IOPS_BLOCK_BYTES / spec.seq_read_bps
    assert seconds == pytest.approx(spec.seek_s + spec.latency_s + transfer)
    assert transfer < 0.01 * seconds
    # Random 4 KiB reads on a disk are ~1000x slower per byte than on NVMe.
    nvme = StorageDevice(storage_preset("nvme")).read(10**9, IOPS_BLOCK_BYTES)
    assert seconds / nvme > 100


@pytest.mark.parametrize("name", ["ssd", "nvme"])
def test_qd1_random_reads_match_the_datasheet_qd1_iops(name):
    spec = storage_preset(name)
    dev = StorageDevice(spec)
    per_request = dev.cost(IOPS_BLOCK_BYTES, write=False, sequential=False)
    qd1_iops = {"ssd": 13_000, "nvme": 22_000}[name]
    assert 1 / per_request == pytest.approx(qd1_iops)


@pytest.mark.parametrize("name", sorted(STORAGE_PRESETS))
def test_full_queue_reaches_but_never_exceeds_rated_iops(name):
    spec = storage_preset(name)
    dev = StorageDevice(spec, outstanding=spec.queue_depth)
    for write, iops in ((False, spec.rand_read_iops), (True, spec.rand_write_iops)):
        per_request = dev.cost(IOPS_BLOCK_BYTES, write=write, sequential=False)
        assert 1 / per_request <= iops * (1 + 1e-9)
    # Deeper queues amortize positioning: more outstanding requests never cost more.
    costs = [StorageDevice(spec, outstanding=q).cost(IOPS_BLOCK_BYTES, write=False,
                                                     sequential=False)
             for q in (1, 2, 4, spec.queue_depth)]
    assert costs == sorted(costs, reverse=True)


@pytest.mark.parametrize("name", sorted(STORAGE_PRESETS))
@pytest.mark.parametrize("outstanding", [1, 8, 10_000])
def test_bandwidth_never_above_spec(name, outstanding):
    spec = storage_preset(name)
    dev = StorageDevice(spec, outstanding=outstanding)
    offsets = [0, 5 * MIB, 5 * MIB + 4096, 77 * MIB, 3 * MIB, 3 * MIB + 65536]
    sizes = [4096, 65536, 4096, MIB, 65536, 512]
    for offset, size in zip(offsets, sizes):
        dev.read(offset, size)
        dev.write(offset + 100 * MIB, size)
    stats = dev.stats
    moved = stats["bytes_read"] + stats["bytes_written"]
    assert moved / stats["busy_seconds"] <= spec.peak_bps


def test_stats_accumulate_every_request():
    dev = StorageDevice(storage_preset("ssd"))
    total = dev.read(0, 4096) + dev.read(4096, 8192) + dev.write(1 << 30, 100)
    stats = dev.stats
    assert stats == {
        "bytes_read": 12288,
        "bytes_written": 100,
        "reads": 2,
        "writes": 1,
        "random_requests": 2,
        "busy_seconds": pytest.approx(total),
    }


def test_a_write_continuing_a_read_is_sequential():
    spec = storage_preset("hdd")
    dev = StorageDevice(spec)
    dev.read(0, MIB)
    assert dev.write(MIB, MIB) == pytest.approx(MIB / spec.seq_write_bps)


@pytest.mark.parametrize("offset,nbytes", [(-1, 10), (0, -5), (10**12, 1)])
def test_bad_requests_are_rejected(offset, nbytes):
    dev = StorageDevice(storage_preset("nvme"))
    with pytest.raises(InvalidRequest):
        dev.read(offset, nbytes)
    assert dev.stats["reads"] == 0


def test_inconsistent_spec_is_rejected():
    good = storage_preset("ssd")
    with pytest.raises(InvalidRequest, match="seq_read_bps"):
        StorageSpec(**{**good.__dict__, "seq_read_bps": 0})
    with pytest.raises(InvalidRequest, match="kind"):
        StorageSpec(**{**good.__dict__, "kind": "tape"})
