"""Hardware traces: record, text and binary round trips, diff, replay, rwmmio import, export."""

import subprocess
import sys
from pathlib import Path

import pytest

from emulator.api import load
from emulator.mmio import MmioAccess
from emulator.toolchain import compile_c
from emulator.trace import (
    ReplayCursor,
    ReplayDevice,
    Trace,
    TraceError,
    export,
    first_divergence,
    import_rwmmio,
)
from emulator.trace import load as load_trace

HERE = Path(__file__).parent / "programs"
DEV = "0x48000000:0x1000"


def hwemu(*args):
    return subprocess.run([sys.executable, "-m", "emulator.cli", *map(str, args)],
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def elf():
    return compile_c([HERE / "mmio_poll.c"], "aarch64", "-O2")


def test_run_records_a_device_trace(tmp_path, elf):
    """hwemu run --device/--trace: a plain register file (reads return what was written), so
    the program's status poll never ends; a budget stops it and the trace is still written."""
    for mode in ("translate", "native"):
        proc = hwemu("run", "--mode", mode, "--device", DEV, "--trace", tmp_path / f"{mode}.txt",
                     "--max-insns", 20000, elf)
        assert proc.returncode == 1 and "--max-insns" in proc.stderr
    assert not (tmp_path / "translate.txt").exists()  # nothing half-written on failure


def make_trace(machine_mode, elf):
    from test_mmio import PollingDevice  # the same device model as test_mmio

    m = load(elf, machine_mode)
    m.map_device(0x48000000, 0x1000, PollingDevice("poll", 0x1000))
    m.run()
    trace = Trace(meta={"mode": machine_mode})
    for access in m.mmio_trace:
        trace.add_mmio(access, module="mmio_poll", phase="run", core=m.core.name)
    return trace


def test_round_trips_and_diff(tmp_path, elf):
    translated, native = make_trace("translate", elf), make_trace("native", elf)
    for name in ("t.bin", "t.txt"):
        translated.save(tmp_path / name)
        again = load_trace(tmp_path / name)
        assert [e.key() for e in again.events] == [e.key() for e in translated.events]
        assert again.meta == {"mode": "translate"}
    native.save(tmp_path / "n.bin")
    proc = hwemu("trace", "diff", tmp_path / "t.bin", tmp_path / "n.bin")
    assert proc.returncode == 0 and proc.stdout.strip() == "identical"
    assert "mmio W32 0x48000000 = 0x1" in hwemu("trace", "show", tmp_path / "t.txt").stdout


def test_diff_reports_first_divergence(elf):
    trace = make_trace("native", elf)
    changed = list(trace.events)
    from dataclasses import replace

    changed[3] = replace(changed[3], value=changed[3].value + 1)
    message = first_divergence(trace.events, changed)
    assert message.startswith("event 3:")
    assert first_divergence(trace.events, trace.events[:-1]).startswith("event 10:")


@pytest.mark.parametrize("mode", ["translate", "native"])
def test_replay_serves_reads_and_checks_writes(tmp_path, elf, mode):
    make_trace("native", elf).save(tmp_path / "rec.bin")
    proc = hwemu("trace", "replay", tmp_path / "rec.bin", elf, "--device", DEV, "--mode", mode)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "50 1122334455667788\n" and "11 accesses matched" in proc.stderr


def test_replay_stops_at_a_mismatched_write(tmp_path, elf):
    trace = make_trace("native", elf)
    from dataclasses import replace

    trace.events[0] = replace(trace.events[0], value=7)  # the enable write recorded as 7
    trace.save(tmp_path / "bad.bin")
    proc = hwemu("trace", "replay", tmp_path / "bad.bin", elf, "--device", DEV)
    assert proc.returncode == 1 and proc.stderr.count("\n") == 1
    assert "replay diverged at access 0" in proc.stderr and "= 0x1" in proc.stderr


def test_replay_device_consumes_split_accesses():
    trace = Trace()
    trace.add_mmio(MmioAccess(0, 4, 0x1000, 8, 0x1122334455667788, False))
    device = ReplayDevice("d", 0x1000, ReplayCursor(trace))
    assert device.read(0, 4) == 0x55667788 and device.read(4, 4) == 0x11223344
    with pytest.raises(TraceError, match="trace ended"):
        device.read(0, 4)


def test_rwmmio_import(tmp_path):
    ftrace = tmp_path / "trace.txt"
    ftrace.write_text(
        "# tracer: nop\n"
        "  kworker/0:1-12 [000] ..... 105.000100: rwmmio_write: sp805_wdt_start+0x2c/0x90 -> "
        "sp805_wdt_start+0x10/0x90 width=32 val=0x1acce551 addr=0xffff800082f40c00\n"
        "  kworker/0:1-12 [000] ..... 105.000108: rwmmio_read: sp805_wdt_start+0x40/0x90 -> "
        "sp805_wdt_start+0x10/0x90 width=32 addr=0xffff800082f40008\n"
        "  kworker/0:1-12 [000] ..... 105.000109: rwmmio_post_read: sp805_wdt_start+0x40/0x90 "
        "-> sp805_wdt_start+0x10/0x90 width=32 val=0x3 addr=0xffff800082f40008\n")
    trace = import_rwmmio(ftrace, base=0x48000000)
    assert [(e.write, e.addr, e.width, e.value) for e in trace.events] == [
        (True, 0x48000C00, 4, 0x1ACCE551), (False, 0x48000008, 4, 3)]
    assert export(trace, "dramsim3").splitlines()[0] == "0x48000c00 WRITE 105000100"
    assert export(trace, "ramulator").splitlines()[1] == "LD 0x48000008"
    out = tmp_path / "imported.bin"
    proc = hwemu("trace", "import-rwmmio", ftrace, "-o", out, "--base", "0x48000000")
    assert proc.returncode == 0 and len(load_trace(out).events) == 2


def test_bad_trace_files(tmp_path):
    junk = tmp_path / "junk.txt"
    junk.write_text("mmio W32 0x10 = 0x1 pc=0x0 cycle=1 module=- phase=- core=-\nhello\n")
    proc = hwemu("trace", "show", junk)
    assert proc.returncode == 1 and f"{junk}:2: not a trace event" in proc.stderr
    broken = tmp_path / "broken.bin"
    broken.write_bytes(b"HWTRACE1\x05\x00\x00\x00{}")
    assert "corrupted binary trace" in hwemu("trace", "show", broken).stderr
    empty = tmp_path / "empty.txt"
    empty.write_text("nothing here\n")
    assert "no rwmmio_write" in hwemu("trace", "import-rwmmio", empty, "-o",
                                      tmp_path / "x.bin").stderr
