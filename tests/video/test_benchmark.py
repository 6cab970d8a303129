"""The benchmark harness on the synthesized clip: the report's shape and its invariants."""

from video.benchmark import run_bench
from video.cli import format_bench
from video.profiler import QUICK_GRID


def test_bench_report_compares_three_strategies(clip, tmp_path, monkeypatch):
    monkeypatch.setenv("HWEMU_CACHE", str(tmp_path / "cache"))  # profiles from scratch
    plot = tmp_path / "speed.png"
    report = run_bench(clip, grid=QUICK_GRID, cascades=[["diff", "color"]], targets=(0.8, 0.9),
                       workdir=tmp_path, plot=plot)
    assert set(report["strategies"]) == {"golden", "all", "vstore"}
    for entry in report["strategies"].values():
        for key in ("query_seconds", "speed_x_realtime", "f1", "storage_bytes",
                    "ingest_seconds"):
            assert entry[key] is not None
        assert all(q["f1"] >= q["target"] for q in entry["queries"])
    golden = report["strategies"]["golden"]
    assert golden["formats"] == ["s1-k1-c1-q18-rgb_h264-g48-veryfast"]
    assert golden["retrieval_vs_pyav"]["frames"] == 48
    assert report["speedup_vs_golden"] > 0
    assert plot.stat().st_size > 1000 and plot.read_bytes()[:4] == b"\x89PNG"
    assert "vstore vs all" in format_bench(report)
    # the people-free cascade: what vstore runs at full fidelity bounds its speedup
    bound = report["full_fidelity_bound"]
    assert set(bound["ops"]) <= {"diff", "color"} and 0 <= bound["share_of_golden"] < 1
    assert (bound["max_speedup"] is None) == (not bound["ops"])
    report["strategies"]["vstore"]["budget_share_of_all"] = {"ingest": 1.0, "storage": 0.9}
    assert "budgets vs all's: ingest x1, storage x0.9" in format_bench(report)
    assert not any(tmp_path.glob("hwemu-vbench-*"))  # stores are temporary
