"""``hwemu drivers``: fetch the Debian arm64 kernel package, audit its modules' kernel-service
needs.  Heavy modules are imported inside the command functions so ``hwemu --help`` stays fast."""

from __future__ import annotations

import argparse
import json
import sys


def register(subparsers) -> None:
    drivers = subparsers.add_parser("drivers", help="real Linux arm64 driver modules")
    sub = drivers.add_subparsers(dest="drivers_command", metavar="SUBCOMMAND", required=True)

    fetch = sub.add_parser("fetch", help="download and unpack the current Debian "
                                         "linux-image-*-arm64-unsigned package")
    fetch.add_argument("--cache", help="cache directory (default $HWEMU_CACHE or ~/.cache/hwemu)")
    fetch.add_argument("--json", action="store_true", help="print the manifest as JSON")
    fetch.set_defaults(func=_fetch)

    audit = sub.add_parser("audit", help="undefined symbols of modules and which are emulated")
    audit.add_argument("names", nargs="*", metavar="NAME",
                       help="modules (default: the target driver suite)")
    audit.add_argument("--all", action="store_true", help="every module of the package")
    audit.add_argument("--cache", help="cache directory")
    audit.add_argument("--json", action="store_true", help="machine-readable report")
    audit.set_defaults(func=_audit)

    run = sub.add_parser("run", help="run modules through init, probe, irq, suspend, resume, "
                                     "remove and exit")
    run.add_argument("names", nargs="*", metavar="NAME",
                     help="modules (default: the target driver suite)")
    run.add_argument("--mode", choices=("translate", "native", "both"), default="both")
    run.add_argument("--json", metavar="PATH", help="write the per-module results as JSON")
    run.add_argument("--trace-dir", metavar="DIR", help="write each run's hardware trace "
                     "(MMIO accesses and kernel-service calls, per phase) as DIR/MODULE.MODE.trace")
    run.add_argument("--core", default="cortex-m4", help="core of the translated run")
    run.add_argument("--mhz", type=float, help="clock of the translated run's core")
    run.add_argument("--cache", help="cache directory")
    run.set_defaults(func=_run)


def _fetch(args: argparse.Namespace) -> int:
    from kernels.fetch import timed_fetch, tree_size

    record, seconds = timed_fetch(args.cache)
    size = tree_size(record.root)
    if args.json:
        print(json.dumps({"release": record.release, "package": record.package,
                          "version": record.version, "path": str(record.root),
                          "download_bytes": record.download_bytes, "unpacked_bytes": size,
                          "seconds": round(seconds, 2)}, indent=2))
    else:
        print(f"{record.package} {record.version}: kernel {record.release} in {record.root} "
              f"({record.download_bytes / 2**20:.1f} MiB download, {size / 2**20:.0f} MiB "
              f"unpacked, {seconds:.1f} s)")
    return 0


def _audit(args: argparse.Namespace) -> int:
    from kernels.audit import audit, format_audit

    report = audit(args.names, cache=args.cache, every_module=args.all)
    if args.json:
        json.dump(report.to_json(), sys.stdout, indent=2)
        print()
    else:
        print(format_audit(report))
    return 0


def _run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from kernels.btf import Btf
    from kernels.cache import atomic_write, load_package
    from kernels.modules import find_module, module_paths
    from kernels.runner import report, run_module
    from kernels.suite import TARGETS

    package = load_package(args.cache)
    index = module_paths(package)
    names = args.names or list(TARGETS)
    for name in names:
        find_module(index, name)  # unknown names fail before anything runs
    btf = Btf.vmlinux(package)
    options = {"core": args.core, **({"mhz": args.mhz} if args.mhz else {})}
    results = []
    for name in tqdm(names, desc="drivers", unit="module", disable=not sys.stderr.isatty()):
        native = run_module(package, name, "native", btf) if args.mode != "translate" else None
        translated = run_module(package, name, "translate", btf, **options) \
            if args.mode != "native" else None
        results.append(report(native, translated))
        if args.trace_dir:
            _save_traces(args.trace_dir, [r for r in (native, translated) if r is not None])
    if args.json:
        from pathlib import Path

        atomic_write(Path(args.json), json.dumps(results, indent=2).encode() + b"\n")
    print(_format_runs(results, args.mode))
    return 0 if all(r["completed"] for r in results) else 1


def _save_traces(directory: str, runs) -> None:
    from pathlib import Path

    from kernels.runner import hardware_trace

    Path(directory).mkdir(parents=True, exist_ok=True)
    for run in runs:
        hardware_trace(run).save(Path(directory) / f"{run.module}.{run.mode}.trace")


def _format_runs(results: list[dict], mode: str) -> str:
    lines = [f"{'module':<22} {'desc':<7} {'phases':<8} {'trace':<9} {'mmio':>4} {'insns':>6} "
             f"{'M4 cyc':>7} {'A53 cyc':>7}  suspend/resume us (M4 | A53)"]
    for r in results:
        failed = [(p, v) for p, v in r["phases"].items() if v != "ok"]
        phases = "all ok" if not failed else f"{failed[0][0]}"
        trace = ("identical" if r["traces_identical"] else "DIVERGE") if mode == "both" else "-"
        lat = r["latency_us"]
        timing = " | ".join(f"{lat[k]['suspend']:.3f}/{lat[k]['resume']:.3f}"
                            for k in ("m4", "a53") if k in lat)
        lines.append(f"{r['module']:<22} {r['description']:<7} {phases:<8} {trace:<9} "
                     f"{r['mmio_accesses']:>4} {r['guest_insns']:>6} {r['m4_cycles'] or '-':>7} "
                     f"{r['a53_cycles'] or '-':>7}  {timing}")
        if failed:
            lines.append(f"    {failed[0][0]}: {failed[0][1]}")
        if r["first_divergence"]:
            lines.append(f"    first divergence: {r['first_divergence']}")
    done = sum(r["completed"] for r in results)
    lines.append(f"{done}/{len(results)} modules completed every phase")
    return "\n".join(lines)
