"""Streaming runtime: every benchmark on every engine equals the Polars reference; windows,
watermarks and late records; metrics; bad input."""

from __future__ import annotations

import argparse
import json

import pytest

from isa.errors import HwemuError
from memory import stream_cli
from memory.streaming.benchmarks import QUERIES
from memory.streaming.runtime import RunConfig, run

SMALL = dict(records=150_000, window_ms=20, bundle_records=4096, late_every=5000)


@pytest.mark.parametrize("bench", sorted(QUERIES))
@pytest.mark.parametrize("grouping,kpa", [("sort", True), ("sort", False), ("hash", True)])
def test_every_benchmark_verifies(bench, grouping, kpa):
    report = run(RunConfig(bench=bench, grouping=grouping, kpa=kpa, **SMALL))
    assert report.verified is True
    assert report.windows >= 3
    assert report.modeled_records_per_s > 0 and report.wall_records_per_s > 0


def test_late_records_are_counted_not_dropped_silently():
    report = run(RunConfig(bench="wsum", **SMALL))
    assert report.late_records > 0
    on_time = run(RunConfig(bench="wsum", **{**SMALL, "late_every": 0}))
    assert on_time.late_records == 0
    assert on_time.verified and report.verified  # the reference excludes exactly the late ones


def test_metrics_and_knob():
    report = run(RunConfig(bench="ysb", placement="auto", **SMALL))
    assert report.hbm_peak_bytes > 0
    assert set(report.bandwidth_gbs_by_tier) == {"dram", "hbm"}
    assert report.modeled_bandwidth_gbs == pytest.approx(
        sum(report.bandwidth_gbs_by_tier.values()))
    assert report.knob_trajectory[0]["reason"] == "start"
    assert len(report.knob_trajectory) == report.windows + 1
    assert report.window_latency_ms["max"] >= report.window_latency_ms["mean"] > 0
    dram_only = run(RunConfig(bench="ysb", placement="dram", **SMALL))
    assert dram_only.hbm_peak_bytes == 0
    assert dram_only.modeled_records_per_s < report.modeled_records_per_s


def test_more_cores_model_more_throughput_for_sort():
    slow = run(RunConfig(bench="wsum", cores=2, verify=False, **SMALL))
    fast = run(RunConfig(bench="wsum", cores=32, verify=False, **SMALL))
    assert fast.modeled_records_per_s > 4 * slow.modeled_records_per_s


@pytest.mark.parametrize("changes,message", [
    (dict(bench="nexmark"), "unknown benchmark"),
    (dict(cores=0), "--cores"),
    (dict(window_ms=2), "smaller than one bundle"),
    (dict(machine="cray-1"), "machine"),
    (dict(placement="l3"), "--placement"),
    (dict(machine="h100-sxm"), "no DRAM tier"),
])
def test_bad_configurations(changes, message):
    config = {**dict(bench="wsum"), **SMALL, **changes}
    with pytest.raises(HwemuError, match=message):
        run(RunConfig(**config))


def cli(argv, capsys):
    parser = argparse.ArgumentParser(prog="hwemu")
    stream_cli.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args), capsys.readouterr().out


def test_cli_run_json(capsys):
    code, out = cli(["stream", "run", "ysb", "--records", "40000", "--window-ms", "10",
                     "--bundle", "4096", "--json"], capsys)
    data = json.loads(out)
    assert code == 0
    for key in stream_cli.REPORT_KEYS:
        assert key in data
    assert data["verified"] is True and data["records"] == 40000


def test_cli_sweep_writes_plot(tmp_path, capsys):
    png = tmp_path / "engines.png"
    code, _ = cli(["stream", "sweep", "--bench", "wsum", "--cores", "1,8", "--records", "20000",
                   "--window-ms", "10", "--bundle", "4096", "--plot", str(png)], capsys)
    assert code == 0
    assert png.read_bytes()[:4] == b"\x89PNG"
    data = json.loads(png.with_suffix(".json").read_text())
    assert len(data["engines"]) == len(stream_cli.SWEEP_ENGINES) and data["cores"] == [1, 8]


def test_cli_bad_cores(capsys):
    with pytest.raises(HwemuError, match="--cores"):
        cli(["stream", "sweep", "--cores", "0,x", "--plot", "/tmp/x.png"], capsys)


@pytest.mark.parametrize("bench", ["wsum", "ysb", "topk", "powergrid"])
@pytest.mark.parametrize("grouping", ["sort", "hash"])
def test_sliding_windows_verify(bench, grouping):
    config = {**SMALL, "window_ms": 40, "slide_ms": 10}
    report = run(RunConfig(bench=bench, grouping=grouping, **config))
    fixed = run(RunConfig(bench=bench, grouping=grouping, **{**SMALL, "window_ms": 40}))
    assert report.verified is True
    assert report.windows > 3 * fixed.windows - 4  # a window starts every slide


def test_slide_must_divide_the_window():
    with pytest.raises(HwemuError, match="--slide-ms"):
        run(RunConfig(bench="wsum", **{**SMALL, "window_ms": 40, "slide_ms": 15}))


def test_auto_placement_knob_follows_dram_pressure():
    report = run(RunConfig(bench="ysb", placement="auto", verify=False, **SMALL))
    shares = [s["share"] for s in report.knob_trajectory]
    assert shares[0] == 0.5 and max(shares) > 0.5  # DRAM busy scanning records: more HBM
    assert all(s["reason"] in ("start", "dram-bandwidth", "hbm-capacity", "steady")
               for s in report.knob_trajectory)
    assert set(report.bandwidth_gbs_by_tier) == {"dram", "hbm"}
