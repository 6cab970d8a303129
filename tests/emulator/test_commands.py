"""``hwemu disasm`` and ``hwemu demo`` on bundled programs."""

import json
import subprocess
import sys
from pathlib import Path

from emulator.toolchain import compile_c

EXAMPLES = Path(__file__).parents[2] / "emulator" / "examples"


def hwemu(*args):
    return subprocess.run([sys.executable, "-m", "emulator.cli", *map(str, args)],
                          capture_output=True, text=True, timeout=300)


def test_disasm_shows_guest_and_host_code():
    elf = compile_c([EXAMPLES / "crc32.c"], "aarch64", "-O2")
    proc = hwemu("disasm", elf, "--function", "main")
    assert proc.returncode == 0, proc.stderr
    assert "IN: main+0x0" in proc.stdout and "OUT: [host 0x2001" in proc.stdout
    assert "addw ip, ip, #" in proc.stdout  # the inline cycle counter
    blocks = json.loads(hwemu("disasm", elf, "--function", "main", "--json").stdout)
    assert blocks[0]["symbol"] == "main+0x0" and blocks[0]["cycles"] > 0
    assert all(b["host"] and b["guest"] for b in blocks)


def test_disasm_unknown_function_is_one_line():
    elf = compile_c([EXAMPLES / "crc32.c"], "aarch64", "-O2")
    proc = hwemu("disasm", elf, "--function", "nope")
    assert proc.returncode == 1 and proc.stderr.count("\n") == 1 and "nope" in proc.stderr


def test_demo_dbt_section_outputs_identical_runs():
    proc = hwemu("demo", "--only", "dbt", "--json")
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert {r["program"] for r in rows} == {"crc32", "sort", "intmark"}
    for row in rows:
        assert row["identical"] and row["m4_cycles"] > row["guest_insns"] > 0
        assert row["a53_cycles"] > 0 and 1.0 < row["host_per_guest"] < 6.0


def test_memory_trace_export_replays_on_the_memory_model(tmp_path):
    from memory.dram.presets import device_preset
    from memory.traces import read_trace, replay

    elf = compile_c([EXAMPLES / "crc32.c"], "aarch64", "-O2")
    for mode in ("translate", "native"):
        for fmt in ("dramsim3", "ramulator"):
            path = tmp_path / f"{mode}.{fmt}.trace"
            proc = hwemu("run", "--mode", mode, "--mem-trace", path, "--mem-trace-format", fmt,
                         elf, "1")
            assert "crc32=" in proc.stdout and not proc.stderr, proc.stderr
            trace = read_trace(path, fmt)
            assert len(trace.addresses) > 1000
            host = (trace.addresses >= 0x20000000) & (trace.addresses < 0x21000000)
            assert not host.any() and trace.is_write.any()  # guest data only, stack included
    result = replay(tmp_path / "translate.dramsim3.trace", device_preset("ddr4-2400"))
    assert result.requests > 1000 and result.bandwidth_gbs > 0
