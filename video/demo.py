"""A short end-to-end run for ``make demo``: fetch, ingest, configure, query, print a table."""

from __future__ import annotations

import sys
import tempfile
from typing import TextIO

from video.fetch import demo_clip
from video.profiler import QUICK_GRID, Profiler
from video.query import query
from video.session import configure_store, ingest_video
from video.store import VideoStore

# A cascade of cheap operators keeps the demo well under a minute on a fresh cache (profiling
# the HOG people detector over the grid alone takes about a minute on this machine).
DEMO_OPS = ["diff", "motion", "color"]
DEMO_TARGET = 0.9


def run_demo(out: TextIO = sys.stdout) -> dict:
    """Ingest the bundled clip golden-only and with vstore's formats, query both, print a
    comparison; returns the figures."""
    clip = demo_clip()
    profiler = Profiler(clip, grid=QUICK_GRID)
    rows = {}
    with tempfile.TemporaryDirectory(prefix="hwemu-vdemo-") as tmp:
        for strategy in ("golden", "auto"):
            store_dir = f"{tmp}/{strategy}"
            report, _ = ingest_video(clip, store_dir, strategy, ops=DEMO_OPS,
                                     targets=[DEMO_TARGET], grid=QUICK_GRID, profiler=profiler,
                                     cascades=[DEMO_OPS])
            if strategy == "auto":
                config = configure_store(store_dir, DEMO_OPS, [DEMO_TARGET], cascades=[DEMO_OPS])
                print(f"vstore configuration: {len(config.formats)} storage formats for "
                      f"{len(config.consumers)} (operator, target) consumers", file=out)
            with VideoStore(store_dir) as store:
                result = query(store, DEMO_OPS, DEMO_TARGET)
            rows[strategy] = {"formats": len(report.formats),
                              "stored_mb": report.stored_bytes / 1e6,
                              "ingest_cpu_s": report.cpu_seconds,
                              "speed_x": result.speed_x_realtime, "f1": result.f1,
                              "matches": int(result.matches.sum())}
    print(f"\n{clip.name}: cascade {','.join(DEMO_OPS)} at F1 >= {DEMO_TARGET}", file=out)
    print(f"{'strategy':8s} {'formats':>7s} {'stored MB':>9s} {'ingest s':>8s} "
          f"{'speed x':>8s} {'F1':>6s} {'matches':>7s}", file=out)
    for name, r in rows.items():
        print(f"{name:8s} {r['formats']:7d} {r['stored_mb']:9.2f} {r['ingest_cpu_s']:8.2f} "
              f"{r['speed_x']:8.1f} {r['f1']:6.3f} {r['matches']:7d}", file=out)
    rows["speedup"] = rows["auto"]["speed_x"] / rows["golden"]["speed_x"]
    print(f"vstore speedup over golden-only: {rows['speedup']:.2f}x", file=out)
    return rows


if __name__ == "__main__":
    run_demo()
