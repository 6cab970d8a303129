"""``hwemu stream ...``: run a stream benchmark on a grouping engine, sweep engines by cores.

Heavy modules (numba, polars, matplotlib) load inside the commands.
"""

from __future__ import annotations

import argparse
import json
import sys

from memory.errors import InvalidRequest

REPORT_KEYS = ("records", "modeled_records_per_s", "modeled_bandwidth_gbs", "hbm_peak_bytes",
               "wall_records_per_s", "verified")
# Engine set the sweep compares: (label, grouping, kpa, placement)
SWEEP_ENGINES = (
    ("sort KPA, HBM", "sort", True, "hbm"),
    ("sort KPA, DRAM only", "sort", True, "dram"),
    ("sort full records", "sort", False, "dram"),
    ("hash", "hash", True, "dram"),
)


def register(subparsers) -> None:
    stream = subparsers.add_parser("stream", help="sort-based grouping engine for streams")
    commands = stream.add_subparsers(dest="stream_command", metavar="SUBCOMMAND",
                                     required=True)

    run = commands.add_parser("run", help="run one benchmark and verify it against Polars")
    run.add_argument("bench", help="ysb | wsum | wavg | wmedian | topk | distinct | filter | "
                                   "powergrid | tjoin")
    add_common(run)
    run.add_argument("--cores", type=int, default=64)
    run.add_argument("--grouping", choices=("sort", "hash"), default="sort")
    run.add_argument("--kpa", action=argparse.BooleanOptionalAction, default=True,
                     help="sort key/pointer arrays (default) or full records (--no-kpa)")
    run.add_argument("--placement", choices=("auto", "hbm", "dram"), default="auto",
                     help="where KPAs go: the allocator's knob, all HBM, or all DRAM")
    run.add_argument("--no-verify", action="store_true", help="skip the Polars reference")
    run.set_defaults(func=cmd_run)

    sweep = commands.add_parser("sweep", help="engines vs cores: sort/hash/no-KPA, HBM/DRAM")
    sweep.add_argument("--bench", default="ysb")
    add_common(sweep)
    sweep.add_argument("--cores", required=True, help="comma-separated, e.g. 1,2,4,...,64")
    sweep.add_argument("--plot", required=True, help="PNG path; the data goes beside it as .json")
    sweep.set_defaults(func=cmd_sweep)


def add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--machine", default="knl-7250")
    parser.add_argument("--records", type=int, default=2_000_000)
    parser.add_argument("--window-ms", type=int, default=1000)
    parser.add_argument("--slide-ms", type=int, default=None,
                        help="sliding windows advancing by this much (default: fixed windows)")
    parser.add_argument("--bundle", type=int, default=65_536, help="records per bundle")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--fidelity", choices=("analytic", "sim"), default="analytic")
    parser.add_argument("--merge-fan-in", type=int, default=None,
                        help="sorted runs merged per pass over memory (default 2: pairwise "
                             "bitonic merges, every level a pass; 16: a merge tree in L2)")
    parser.add_argument("--json", action="store_true")


def config_from(args, **changes):
    from memory.streaming.runtime import RunConfig

    base = dict(bench=args.bench, machine=args.machine, records=args.records,
                window_ms=args.window_ms, slide_ms=args.slide_ms, bundle_records=args.bundle,
                seed=args.seed, fidelity=args.fidelity)
    if args.merge_fan_in is not None:  # else the algorithm model's default
        base["merge_fan_in"] = args.merge_fan_in
    base.update(changes)
    return RunConfig(**base)


def cmd_run(args) -> int:
    from memory.streaming.runtime import run

    report = run(config_from(args, cores=args.cores, grouping=args.grouping, kpa=args.kpa,
                             placement=args.placement, verify=not args.no_verify))
    data = report.to_json()
    if args.json:
        print(json.dumps(data))
        return 0 if report.verified is not False else 1
    print(f"{report.bench} on {report.machine}, {report.cores} cores, engine {report.engine}, "
          f"KPA placement {report.placement}")
    print(f"  records            {report.records:>14,}  ({report.windows} windows, "
          f"{report.late_records} late records counted and excluded)")
    print(f"  modeled throughput {report.modeled_records_per_s / 1e6:>14.1f} M records/s")
    tiers = ", ".join(f"{t} {g:.1f}" for t, g in report.bandwidth_gbs_by_tier.items())
    print(f"  modeled bandwidth  {report.modeled_bandwidth_gbs:>14.1f} GB/s ({tiers})")
    print(f"  core cycles/record {report.core_cycles_per_record:>14.1f} (modeled, all cores)")
    print(f"  bytes/record       {report.modeled_bytes_per_record:>14.1f} (modeled, all tiers)")
    print(f"  HBM peak           {report.hbm_peak_bytes / 2**20:>14.1f} MiB")
    print(f"  window latency     {report.window_latency_ms['mean']:>14.3f} ms mean, "
          f"{report.window_latency_ms['max']:.3f} max (modeled)")
    knob = " -> ".join(f"{sample['share']:.1f}" for sample in report.knob_trajectory)
    print(f"  knob               {knob}")
    print(f"  wall throughput    {report.wall_records_per_s / 1e6:>14.2f} M records/s (real)")
    print(f"  verified vs Polars {report.verified}")
    return 0 if report.verified is not False else 1


def parse_cores(text: str) -> list[int]:
    try:
        cores = sorted({int(part) for part in text.split(",") if part.strip()})
    except ValueError:
        raise InvalidRequest(f"--cores {text!r}: expected comma-separated integers") from None
    if not cores or cores[0] < 1:
        raise InvalidRequest(f"--cores {text!r}: need positive core counts")
    return cores


def cmd_sweep(args) -> int:
    from tqdm import tqdm

    from memory.plots import write_engine_sweep
    from memory.streaming.runtime import run

    cores = parse_cores(args.cores)
    data = {"bench": args.bench, "machine": args.machine, "records": args.records,
            "cores": cores, "engines": {}}
    points = [(label, c) for label, *_ in SWEEP_ENGINES for c in cores]
    progress = tqdm(total=len(points), desc="sweep", unit=" runs", leave=False,
                    disable=not sys.stderr.isatty())
    for label, grouping, kpa, placement in SWEEP_ENGINES:
        series = []
        for c in cores:
            report = run(config_from(args, cores=c, grouping=grouping, kpa=kpa,
                                     placement=placement, verify=False))
            series.append({"modeled_records_per_s": report.modeled_records_per_s,
                           "modeled_bandwidth_gbs": report.modeled_bandwidth_gbs})
            progress.update()
        data["engines"][label] = series
    progress.close()
    json_path = write_engine_sweep(data, args.plot)
    if args.json:
        print(json.dumps(data))
        return 0
    print(f"wrote {args.plot} and {json_path}", file=sys.stderr)
    print(f"{'engine':22}" + "".join(f"{c:>9}" for c in cores) + "   (M records/s)")
    for label, series in data["engines"].items():
        print(f"{label:22}" + "".join(f"{p['modeled_records_per_s'] / 1e6:>9.1f}"
                                      for p in series))
    return 0
