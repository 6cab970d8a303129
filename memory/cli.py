"""``hwemu mem ...``: presets, STREAM on the model, trace replay, thread sweeps.

Heavy modules (numba, matplotlib) are imported inside the commands so ``hwemu --help`` stays
fast.
"""

from __future__ import annotations

import argparse
import json
import sys

from memory.errors import InvalidRequest

FIDELITIES = ("analytic", "sim")


def register(subparsers) -> None:
    mem = subparsers.add_parser("mem", help="memory-hierarchy model (HBM, DRAM, storage)")
    commands = mem.add_subparsers(dest="mem_command", metavar="SUBCOMMAND", required=True)

    presets = commands.add_parser("presets", help="list device, machine and storage presets")
    presets.add_argument("--json", action="store_true")
    presets.set_defaults(func=cmd_presets)

    stream = commands.add_parser("stream", help="STREAM copy/scale/add/triad on the model")
    add_machine_options(stream)
    stream.add_argument("--tier", choices=("hbm", "dram"), help="default: hbm if present")
    stream.add_argument("--threads", type=int, help="default: one per core")
    stream.set_defaults(func=cmd_stream)

    replay = commands.add_parser("replay", help="replay a memory trace on a device preset")
    replay.add_argument("trace")
    replay.add_argument("--format", default="dramsim3",
                        help="dramsim3 | ramulator | gem5-ascii (default dramsim3)")
    replay.add_argument("--device", required=True, help="device preset (see `mem presets`)")
    replay.add_argument("--mapping", default=None, help="address interleaving, e.g. RoBaCoBgCh")
    replay.add_argument("--json", action="store_true")
    replay.set_defaults(func=cmd_replay)

    sweep = commands.add_parser("sweep", help="STREAM triad bandwidth vs threads, per tier")
    add_machine_options(sweep)
    sweep.add_argument("--threads", required=True, help="comma-separated, e.g. 1,2,4,8,16")
    sweep.add_argument("--out", help="PNG path (default mem-sweep-MACHINE.png); data as .json")
    sweep.set_defaults(func=cmd_sweep)


def add_machine_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--machine", required=True, help="machine preset (see `mem presets`)")
    parser.add_argument("--fidelity", choices=FIDELITIES, default="analytic",
                        help="device model: analytic formulas or the request-level simulator")
    parser.add_argument("--json", action="store_true")


def device_model(fidelity: str):
    from memory.cost import AnalyticDevice, SimulatedDevice

    return AnalyticDevice() if fidelity == "analytic" else SimulatedDevice()


def cmd_presets(args) -> int:
    from memory.dram.presets import DEVICE_PRESETS
    from memory.machine import MACHINE_PRESETS
    from memory.storage import STORAGE_PRESETS

    data = {
        "devices": {n: {"standard": s.standard, "peak_gbs": round(s.peak_bandwidth_bps / 1e9, 1),
                        "capacity_gib": s.capacity_bytes / 2**30,
                        "channels": s.org.controllers, "rate_mtps": s.timing.rate_mtps,
                        "source": s.source} for n, s in DEVICE_PRESETS.items()},
        "machines": {n: {"cores": m.cores, "freq_ghz": m.freq_ghz, "simd_bits": m.simd_bits,
                         "tiers": {t.name: f"{t.devices} x {t.device}" for t in m.tiers},
                         "source": m.source} for n, m in MACHINE_PRESETS.items()},
        "storage": {n: {"kind": s.kind, "seq_read_mbs": s.seq_read_bps / 1e6,
                        "rand_read_iops": s.rand_read_iops, "latency_us": s.latency_s * 1e6}
                    for n, s in STORAGE_PRESETS.items()},
    }
    if args.json:
        print(json.dumps(data, indent=2))
        return 0
    print(f"{'device':12} {'standard':8} {'peak GB/s':>10} {'GiB':>6} {'channels':>8}")
    for name, d in data["devices"].items():
        print(f"{name:12} {d['standard']:8} {d['peak_gbs']:>10.1f} {d['capacity_gib']:>6.0f} "
              f"{d['channels']:>8}")
    print(f"\n{'machine':14} {'cores':>5} {'GHz':>5} {'SIMD':>5}  tiers")
    for name, m in data["machines"].items():
        tiers = ", ".join(f"{k}: {v}" for k, v in m["tiers"].items())
        print(f"{name:14} {m['cores']:>5} {m['freq_ghz']:>5} {m['simd_bits']:>5}  {tiers}")
    print(f"\n{'storage':8} {'kind':5} {'seq MB/s':>9} {'rand IOPS':>10} {'latency us':>11}")
    for name, s in data["storage"].items():
        print(f"{name:8} {s['kind']:5} {s['seq_read_mbs']:>9.0f} {s['rand_read_iops']:>10.0f} "
              f"{s['latency_us']:>11.1f}")
    return 0


def cmd_stream(args) -> int:
    from memory.machine import machine_preset
    from memory.stream_benchmark import run_stream

    machine = machine_preset(args.machine)
    tier = args.tier or ("hbm" if "hbm" in machine.tier_names else "dram")
    threads = args.threads or machine.cores
    result = run_stream(machine, tier, threads, device_model(args.fidelity))
    if args.json:
        print(json.dumps({k: round(v, 2) for k, v in result.items()}))
        return 0
    print(f"STREAM on {machine.name}, tier {tier}, {threads} threads ({args.fidelity} model)")
    for kernel in ("copy", "scale", "add", "triad"):
        print(f"  {kernel:6} {result[kernel + '_gbs']:10.1f} GB/s")
    print(f"  {'peak':6} {result['peak_gbs']:10.1f} GB/s")
    return 0


def cmd_replay(args) -> int:
    from memory.dram.address import DEFAULT_MAPPING
    from memory.dram.presets import device_preset
    from memory.traces import replay

    spec = device_preset(args.device)
    result = replay(args.trace, spec, args.format, mapping=args.mapping or DEFAULT_MAPPING)
    keys = ("requests", "bandwidth_gbs", "avg_latency_ns", "p99_latency_ns", "row_hit_rate",
            "channel_utilization", "sim_wall_seconds")
    data = {k: result.to_json()[k] for k in keys}
    if args.json:
        print(json.dumps(data))
        return 0
    print(f"{result.requests} requests on {spec.name} ({result.peak_gbs:.1f} GB/s peak)")
    print(f"  bandwidth      {result.bandwidth_gbs:10.2f} GB/s")
    print(f"  latency avg    {result.avg_latency_ns:10.1f} ns   p99 {result.p99_latency_ns:.1f} ns")
    print(f"  row-hit rate   {result.row_hit_rate:10.3f}")
    util = result.channel_utilization
    print(f"  channel util   min {min(util):.2f}  mean {sum(util) / len(util):.2f}  "
          f"max {max(util):.2f}")
    print(f"  simulated in {result.sim_wall_seconds:.3f} s "
          f"({result.requests / max(result.sim_wall_seconds, 1e-9) / 1e6:.2f} M requests/s)")
    return 0


def parse_threads(text: str) -> list[int]:
    try:
        threads = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise InvalidRequest(f"--threads {text!r}: expected comma-separated integers") from None
    if not threads or min(threads) < 1:
        raise InvalidRequest(f"--threads {text!r}: need positive thread counts")
    return sorted(set(threads))


def cmd_sweep(args) -> int:
    from tqdm import tqdm

    from memory.machine import machine_preset
    from memory.plots import write_sweep
    from memory.stream_benchmark import run_stream

    machine = machine_preset(args.machine)
    threads = parse_threads(args.threads)
    limit = machine.cores * machine.threads_per_core
    if threads[-1] > limit:
        raise InvalidRequest(f"--threads: {machine.name} runs at most {limit} threads")
    model = device_model(args.fidelity)
    data = {"machine": machine.name, "fidelity": args.fidelity, "kernel": "triad",
            "threads": threads, "tiers": {}}
    for tier in machine.tier_names:
        points = tqdm(threads, desc=f"{tier} sweep", unit=" runs", leave=False,
                      disable=not sys.stderr.isatty())
        runs = [run_stream(machine, tier, t, model) for t in points]
        data["tiers"][tier] = {"triad_gbs": [round(r["triad_gbs"], 2) for r in runs],
                               "peak_gbs": round(runs[0]["peak_gbs"], 2)}
    png = args.out or f"mem-sweep-{machine.name}.png"
    json_path = write_sweep(data, png)
    if args.json:
        print(json.dumps(data))
    else:
        print(f"wrote {png} and {json_path}", file=sys.stderr)
        for tier, series in data["tiers"].items():
            points = ", ".join(f"{t}:{g:.0f}" for t, g in zip(threads, series["triad_gbs"]))
            print(f"  {tier:5} triad GB/s by threads  {points}")
    return 0
