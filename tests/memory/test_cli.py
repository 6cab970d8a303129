"""``hwemu mem ...`` through its parser: outputs, JSON keys, one-line errors, files written."""

from __future__ import annotations

import argparse
import json

import pytest

from isa.errors import HwemuError
from memory import cli


def run(argv, capsys):
    parser = argparse.ArgumentParser(prog="hwemu")
    cli.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    code = args.func(args)
    return code, capsys.readouterr().out


def test_presets_json(capsys):
    code, out = run(["mem", "presets", "--json"], capsys)
    data = json.loads(out)
    assert code == 0
    assert {"ddr4-2400", "hbm3-6400", "mcdram-knl"} <= set(data["devices"])
    assert {"knl-7250", "h100-sxm"} <= set(data["machines"])
    assert set(data["storage"]) >= {"hdd", "ssd", "nvme"}


def test_stream_json_keys_and_text(capsys):
    code, out = run(["mem", "stream", "--machine", "knl-7250", "--threads", "64", "--json"],
                    capsys)
    data = json.loads(out)
    assert code == 0
    assert set(data) == {"copy_gbs", "scale_gbs", "add_gbs", "triad_gbs", "peak_gbs"}
    assert 360 < data["triad_gbs"] < 540
    _, text = run(["mem", "stream", "--machine", "ddr4-server"], capsys)
    assert "triad" in text and "dram" in text


def test_replay_json(tmp_path, capsys):
    trace = tmp_path / "t.trace"
    trace.write_text("".join(f"LD {i * 64:#x}\n" for i in range(2000)))
    code, out = run(["mem", "replay", str(trace), "--format", "ramulator", "--device",
                     "ddr4-2400", "--json"], capsys)
    data = json.loads(out)
    assert code == 0
    assert set(data) == {"requests", "bandwidth_gbs", "avg_latency_ns", "p99_latency_ns",
                         "row_hit_rate", "channel_utilization", "sim_wall_seconds"}
    assert data["requests"] == 2000 and 0 < data["bandwidth_gbs"] <= 19.2


def test_sweep_writes_png_and_json(tmp_path, capsys):
    png = tmp_path / "sweep.png"
    code, _ = run(["mem", "sweep", "--machine", "knl-7250", "--threads", "1,4,16,64",
                   "--out", str(png)], capsys)
    assert code == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    data = json.loads(png.with_suffix(".json").read_text())
    assert data["threads"] == [1, 4, 16, 64]
    assert set(data["tiers"]) == {"hbm", "dram"}
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("argv", [
    ["mem", "stream", "--machine", "cray-1"],
    ["mem", "stream", "--machine", "knl-7250", "--threads", "999"],
    ["mem", "sweep", "--machine", "knl-7250", "--threads", "1,two"],
    ["mem", "sweep", "--machine", "knl-7250", "--threads", "1,9999"],
    ["mem", "replay", "/nonexistent.trace", "--device", "ddr4-2400"],
    ["mem", "replay", "/nonexistent.trace", "--device", "sdram-1"],
])
def test_bad_input_is_a_one_line_error(argv, capsys, tmp_path):
    with pytest.raises(HwemuError) as info:
        run(argv, capsys)
    assert "\n" not in str(info.value)


def test_replay_unknown_format(tmp_path, capsys):
    trace = tmp_path / "t.trace"
    trace.write_text("0x0 READ 0\n")
    with pytest.raises(HwemuError, match="unknown trace format"):
        run(["mem", "replay", str(trace), "--format", "pin", "--device", "ddr4-2400"], capsys)
