"""Trace readers (DRAMSim3, Ramulator, gem5 ASCII) and their errors."""

from __future__ import annotations

import numpy as np
import pytest

from memory.dram.presets import device_preset
from memory.errors import TraceFormatError
from memory.traces import device_requests, read_trace, replay


def write(tmp_path, text, name="t.trace"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_dramsim3_trace(tmp_path):
    path = write(tmp_path, "# comment\n0x1000 READ 5\n\n0x1040 WRITE 9\n4096 read 12\n")
    trace = read_trace(path, "dramsim3")
    assert trace.addresses.tolist() == [0x1000, 0x1040, 4096]
    assert trace.is_write.tolist() == [0, 1, 0]
    assert trace.times.tolist() == [5, 9, 12]
    assert trace.lines.tolist() == [2, 4, 5]


def test_ramulator_both_forms(tmp_path):
    loadstore = read_trace(write(tmp_path, "LD 0x40\nST 0x80\n", "a"), "ramulator")
    dram = read_trace(write(tmp_path, "0x40 R\n0x80 W\n", "b"), "ramulator")
    for trace in (loadstore, dram):
        assert trace.addresses.tolist() == [0x40, 0x80]
        assert trace.is_write.tolist() == [0, 1]
        assert trace.times is None


def test_gem5_packets_split_into_bursts_and_ticks_become_cycles(tmp_path):
    spec = device_preset("hbm3-6400")  # 32-byte accesses
    path = write(tmp_path, "r,0x100,64,1000000\nw,0x200,32,0,2000000\n")
    addresses, is_write, arrival = device_requests(read_trace(path, "gem5-ascii"), spec)
    assert addresses.tolist() == [0x100, 0x120, 0x200]
    assert is_write.tolist() == [0, 0, 1]
    cycles_per_us = 1e6 / spec.timing.tck_ps
    assert arrival.tolist() == [int(cycles_per_us), int(cycles_per_us), int(2 * cycles_per_us)]


@pytest.mark.parametrize("fmt,text,line", [
    ("dramsim3", "0x10 READ 1\n0x20 FETCH 2\n", 2),
    ("dramsim3", "0x10 READ 1\n0x20 READ\n", 2),
    ("dramsim3", "0xZZ READ 1\n", 1),
    ("ramulator", "LD 0x10\nLOAD 0x20\n", 2),
    ("gem5-ascii", "r,0x10,64,5\nx,0x10,64,5\n", 2),
    ("gem5-ascii", "r,0x10,0,5\n", 1),
])
def test_malformed_lines_name_their_number(tmp_path, fmt, text, line):
    path = write(tmp_path, text)
    with pytest.raises(TraceFormatError, match=f"{path}:{line}:"):
        read_trace(path, fmt)


def test_unknown_format_and_missing_file(tmp_path):
    with pytest.raises(TraceFormatError, match="unknown trace format"):
        read_trace(write(tmp_path, "0x0 READ 0\n"), "pin")
    with pytest.raises(TraceFormatError, match="cannot read"):
        read_trace(tmp_path / "missing.trace", "dramsim3")
    with pytest.raises(TraceFormatError, match="no requests"):
        read_trace(write(tmp_path, "# nothing\n"), "dramsim3")


def test_address_beyond_capacity_names_the_line(tmp_path):
    spec = device_preset("hbm2-2000")
    path = write(tmp_path, f"0x0 READ 0\n{spec.capacity_bytes:#x} READ 1\n")
    with pytest.raises(TraceFormatError, match=f"{path}:2: address"):
        replay(path, spec, "dramsim3")


def test_replay_matches_in_memory_simulation(tmp_path):
    spec = device_preset("ddr4-2400")
    lines = [f"{i * 64:#x} {'WRITE' if i % 3 == 0 else 'READ'} {i * 2}" for i in range(3000)]
    result = replay(write(tmp_path, "\n".join(lines) + "\n"), spec, "dramsim3")
    assert result.requests == 3000
    assert 0 < result.bandwidth_gbs <= result.peak_gbs
    assert np.isfinite(result.p99_latency_ns)
