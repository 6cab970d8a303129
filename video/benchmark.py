"""The three storage strategies side by side on one video, in one run.

For each strategy (golden only, all consumption formats, vstore's configured set): ingest into a
fresh store on the same modeled device, then run each cascade at each accuracy target. Reports
query seconds, speed (x real time), F1, stored bytes and ingestion CPU seconds, the speedup of
vstore over golden, and the retrieval speed of stored segments against plain PyAV decoding of
the same bytes. Optionally draws query speed against accuracy target for the three strategies.
"""

from __future__ import annotations

import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from video import codec
from video.configurator import Configurator
from video.errors import InfeasibleTargetError
from video.formats import FULL_FIDELITY
from video.profiler import DEFAULT_GRID, ProfileGrid, Profiler
from video.query import QueryResult, query
from video.session import DEFAULT_CASCADE, ingest_video
from video.store import VideoStore

STRATEGY_KEYS = {"golden": "golden", "all": "all", "auto": "vstore"}
BENCH_TARGETS = (0.8, 0.9, 0.95)
# vstore runs unconstrained when its configuration already costs less than storing every
# consumption format on both counts; otherwise under budgets set to these shares of what "all"
# needs (ingestion cores and bytes per day), the first that can be met: both resources at the
# share, else one at the share and the other at most what "all" needs.
BUDGET_SHARES = (0.9, 0.75)
# Ingestion and every query run this many times, in rounds over the strategies; the fastest
# counts (the machine is shared: identical work varied by up to 2x between minutes).
REPEATS = 3


def retrieval_vs_pyav(store: VideoStore, stream: str, repeats: int = 3) -> dict:
    """Seconds to retrieve (read + parse + decode) every H.264 segment of the store, against
    plain PyAV decoding of the same bytes; best of ``repeats``."""
    entries = store.entries(stream)
    ours, plain, frames = [], [], 0
    for _ in range(repeats):
        t_ours = t_plain = 0.0
        frames = 0
        for fmt, segs in entries.items():
            if "h264" not in fmt:
                continue
            for window in range(len(segs)):
                t0 = time.perf_counter()
                blob, _ = store.read_segment(stream, fmt, window)
                seg = codec.Segment.parse(blob)
                frames += len(seg.decode(range(seg.count)))
                t_ours += time.perf_counter() - t0
                t0 = time.perf_counter()
                codec.plain_decode(blob)
                t_plain += time.perf_counter() - t0
        ours.append(t_ours)
        plain.append(t_plain)
    return {"frames": frames, "store_seconds": min(ours), "pyav_seconds": min(plain),
            "ratio": min(plain) / max(min(ours), 1e-9)}


def run_bench(video: str | Path, device: str = "ssd", grid: ProfileGrid = DEFAULT_GRID,
              cascades: list[list[str]] | None = None,
              targets: tuple[float, ...] = BENCH_TARGETS, workdir: str | Path | None = None,
              plot: str | Path | None = None) -> dict:
    """Benchmark the three strategies on ``video``; returns the report (see module doc)."""
    cascades = cascades or [list(DEFAULT_CASCADE)]
    primary = (",".join(cascades[0]), 0.9 if 0.9 in targets else targets[0])
    profiler = Profiler(video, device=device, grid=grid)
    report: dict = {"video": str(video), "device": device, "video_seconds": profiler.info.seconds,
                    "primary_query": {"cascade": primary[0], "target": primary[1]},
                    "strategies": {}}
    with tempfile.TemporaryDirectory(prefix="hwemu-vbench-", dir=workdir) as tmp:
        profiler.profile_operators(sorted({op for cascade in cascades for op in cascade}))
        share, budgets = _vstore_budgets(profiler, targets, cascades)
        ingests: dict[str, list] = {key: [] for key in STRATEGY_KEYS.values()}
        for repeat in range(REPEATS):  # rounds, as for queries: the machine is shared
            for strategy, key in STRATEGY_KEYS.items():
                own = budgets if strategy == "auto" else (None, None)
                ingest, _ = ingest_video(  # configured for the cascades it runs
                    video, Path(tmp) / f"{key}{repeat}", strategy, device=device, ops=[],
                    targets=targets, grid=grid, profiler=profiler, cascades=cascades,
                    ingest_budget=own[0], storage_budget=own[1])
                ingests[key].append(ingest)
        for key, runs in ingests.items():
            report["strategies"][key] = {
                "formats": runs[0].formats, "storage_bytes": runs[0].stored_bytes,
                "budget_share_of_all": share if key == "vstore" else None,
                "ingest_seconds": min(r.cpu_seconds for r in runs),
                "transcode_seconds": min(sum(r.transcode_cpu_seconds.values()) for r in runs),
                "ingest_wall_seconds": min(r.wall_seconds for r in runs)}
        streams = {key: runs[0].stream for key, runs in ingests.items()}
        with ExitStack() as stack:
            stores = {key: stack.enter_context(VideoStore(Path(tmp) / f"{key}0"))
                      for key in streams}
            rows = _query_rows(stores, [(c, t) for c in cascades for t in targets])
            for key, store in stores.items():
                entry = report["strategies"][key]
                entry["queries"] = rows[key]
                if any("h264" in f for f in entry["formats"]):
                    entry["retrieval_vs_pyav"] = retrieval_vs_pyav(store, streams[key])
                main = primary_row(report, entry)
                entry.update({k: main[k] for k in ("query_seconds", "speed_x_realtime", "f1")})
    s = report["strategies"]
    report["speedup_vs_golden"] = _ratio(s["vstore"]["speed_x_realtime"],
                                         s["golden"]["speed_x_realtime"])
    report["speedups_vs_golden"] = [
        {"cascade": v["cascade"], "target": v["target"],
         "speedup": _ratio(v["speed_x_realtime"], g["speed_x_realtime"]), "f1": v["f1"]}
        for v, g in zip(s["vstore"]["queries"], s["golden"]["queries"])]
    report["vs_all"] = {
        "storage_ratio": _ratio(s["vstore"]["storage_bytes"], s["all"]["storage_bytes"]),
        "ingest_ratio": _ratio(s["vstore"]["ingest_seconds"], s["all"]["ingest_seconds"]),
        "transcode_ratio": _ratio(s["vstore"]["transcode_seconds"],
                                  s["all"]["transcode_seconds"])}
    report["full_fidelity_bound"] = _full_fidelity_bound(report)
    if plot:
        plot_speed_vs_accuracy(report, plot)
        report["plot"] = str(plot)
    return report


def primary_row(report: dict, entry: dict) -> dict:
    """A strategy's figures for the report's primary query."""
    primary = report["primary_query"]
    return next(q for q in entry["queries"]
                if q["cascade"] == primary["cascade"] and q["target"] == primary["target"])


def _full_fidelity_bound(report: dict) -> dict | None:
    """The stages vstore runs at full fidelity in the primary query, the share of golden's
    query time their operators take, and so the speedup over golden that storage can give at
    most while as many frames reach them (vstore spends at least that operator time too)."""
    golden, vstore = (primary_row(report, report["strategies"][k]) for k in ("golden", "vstore"))
    if golden["query_seconds"] is None or vstore["query_seconds"] is None:
        return None
    full = [s["op"] for s in vstore["stages"] if s["fidelity"] == FULL_FIDELITY.id]
    seconds = sum(s["operator_seconds"] for s in golden["stage_seconds"] if s["op"] in full)
    share = seconds / golden["query_seconds"]
    return {"ops": full, "share_of_golden": share,
            "max_speedup": 1 / share if share > 0 else None}


def _vstore_budgets(profiler: Profiler, targets, cascades) -> tuple[dict | None, tuple]:
    """({resource: share of "all"}, (ingest budget, storage budget)) for vstore; see
    BUDGET_SHARES."""
    configurator = Configurator(profiler.profile, profiler.storage_point)
    everything = configurator.configure([], list(targets), coalesce=False, cascades=cascades)
    free = configurator.configure([], list(targets), cascades=cascades)
    if (free.ingest_cores < everything.ingest_cores
            and free.storage_bytes_per_day < everything.storage_bytes_per_day):
        return None, (None, None)
    need = (everything.ingest_cores, everything.storage_bytes_per_day)
    for share in BUDGET_SHARES:
        for scaled in ((True, True), (False, True), (True, False)):
            shares = [share if s else 1.0 for s in scaled]
            budgets = tuple(s * n for s, n in zip(shares, need))
            try:
                configurator.configure([], list(targets), *budgets, cascades=cascades)
            except InfeasibleTargetError:
                continue
            return dict(zip(("ingest", "storage"), shares)), budgets
    return None, (None, None)


def _query_rows(stores: dict[str, VideoStore], queries: list[tuple[list[str], float]],
                ) -> dict[str, list[dict]]:
    """Each query's figures on each store: the fastest of :data:`REPEATS` rounds. A round runs
    every query on every store, so all strategies see the same load on a shared machine."""
    best: dict[tuple[str, int], QueryResult | InfeasibleTargetError] = {}
    for _ in range(REPEATS):
        for key, store in stores.items():
            for i, (cascade, target) in enumerate(queries):
                if isinstance(best.get((key, i)), InfeasibleTargetError):
                    continue
                try:
                    result = query(store, cascade, target)
                except InfeasibleTargetError as exc:
                    best[key, i] = exc
                    continue
                if (key, i) not in best or result.query_seconds < best[key, i].query_seconds:
                    best[key, i] = result
    return {key: [_row(cascade, target, best[key, i]) for i, (cascade, target)
                  in enumerate(queries)] for key in stores}


def _row(cascade: list[str], target: float, result: QueryResult | InfeasibleTargetError) -> dict:
    """One query's figures (or why it could not run)."""
    row = {"cascade": ",".join(cascade), "target": target}
    if isinstance(result, InfeasibleTargetError):
        return {**row, "error": str(result), "query_seconds": None, "speed_x_realtime": None,
                "f1": None}
    return {**row, "query_seconds": result.query_seconds,
            "speed_x_realtime": result.speed_x_realtime, "f1": result.f1,
            "io_seconds": result.io_seconds, "decode_seconds": result.decode_seconds,
            "operator_seconds": result.operator_seconds,
            "stage_seconds": result.stage_breakdown(),
            "stages": [s.to_json() for s in result.stages]}


def _ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or not b else a / b


def plot_speed_vs_accuracy(report: dict, path: str | Path) -> None:
    """PNG: query speed (x real time, log scale) against accuracy target, per strategy."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    for n, (key, entry) in enumerate(report["strategies"].items()):
        cascades = dict.fromkeys(q["cascade"] for q in entry["queries"])
        for style, cascade in zip(("-", "--", ":", "-."), cascades):
            rows = [q for q in entry["queries"]
                    if q["cascade"] == cascade and q["speed_x_realtime"]]
            ax.plot([q["target"] for q in rows], [q["speed_x_realtime"] for q in rows],
                    marker="o", color=f"C{n}", linestyle=style, label=f"{key}: {cascade}")
    ax.set_xlabel("accuracy target (F1)")
    ax.set_ylabel("query speed (x real time)")
    ax.set_yscale("log")
    ax.set_title(f"{Path(report['video']).name} on {report['device']}")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    tmp = Path(path).with_suffix(".tmp.png")
    fig.savefig(tmp, dpi=110)
    plt.close(fig)
    tmp.replace(path)
