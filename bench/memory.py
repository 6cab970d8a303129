"""Memory-model benchmark: request-level simulator speed vs the analytic model, side by side.

Simulated requests per wall second for 1M-request sequential and random traces on HBM3 and
DDR4 (target >= 1M/s), next to the analytic model's speed (kernel costs per second, and the
requests they stand for); plus the calibration error and KNL STREAM against published figures.

    python bench/memory.py [--requests N] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

# This script is bench/memory.py: keep its own directory off the path so ``memory`` is the package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]

import numpy as np  # noqa: E402

from memory.calibration import calibration_report, simulated_rates  # noqa: E402
from memory.cost import AnalyticDevice, SimulatedDevice, kernel_cost  # noqa: E402
from memory.dram.presets import device_preset  # noqa: E402
from memory.dram.simulator import simulate  # noqa: E402
from memory.kernels import Access, Kernel  # noqa: E402
from memory.machine import machine_preset  # noqa: E402
from memory.stream_benchmark import run_stream  # noqa: E402

DEVICES = ("hbm3-6400", "ddr4-2400")
PUBLISHED_KNL_TRIAD = {"hbm": "400-490", "dram": "85-90"}


def traces(spec, n, seed=11):
    access = np.uint64(spec.org.access_bytes)
    sequential = np.arange(n, dtype=np.uint64) * access
    rng = np.random.default_rng(seed)
    random = rng.integers(0, spec.capacity_bytes // spec.org.access_bytes, n).astype(
        np.uint64) * access
    return {"sequential": sequential, "random": random}


def simulator_speed(n: int) -> list[dict]:
    simulate(device_preset("ddr4-2400"), np.arange(1000, dtype=np.uint64) * np.uint64(64),
             np.zeros(1000, np.uint8))  # compile (or load the numba cache) outside the timing
    rows = []
    for name in DEVICES:
        spec = device_preset(name)
        for pattern, addresses in traces(spec, n).items():
            result = simulate(spec, addresses, np.zeros(n, np.uint8))
            rows.append({"device": name, "pattern": pattern, "requests": n,
                         "wall_s": round(result.sim_wall_seconds, 3),
                         "requests_per_s": n / result.sim_wall_seconds,
                         "requests_per_cpu_s": n / result.sim_cpu_seconds,
                         "bandwidth_gbs": round(result.bandwidth_gbs, 1),
                         "peak_gbs": round(result.peak_gbs, 1),
                         "row_hit_rate": round(result.row_hit_rate, 3)})
    return rows


def analytic_speed(n: int) -> list[dict]:
    """Kernel costs per wall second for the same 1M-request patterns on the same devices."""
    model = AnalyticDevice()
    knl = machine_preset("knl-7250")
    rows = []
    for name in DEVICES:
        spec = device_preset(name)
        nbytes = n * spec.org.access_bytes
        kernels = {"sequential": Kernel("seq", (Access("sequential", nbytes),)),
                   "random": Kernel("rnd", (Access("random", n * 8),))}
        for pattern, kernel in kernels.items():
            repeats = 2000
            began = time.perf_counter()
            for _ in range(repeats):
                model.stream_bandwidth(spec, n, 0) if pattern == "sequential" else (
                    model.random_line_rate(spec))
                kernel_cost(knl, "hbm", kernel, 64, model)
            wall = (time.perf_counter() - began) / repeats
            rows.append({"device": name, "pattern": pattern, "evaluations_per_s": 1 / wall,
                         "requests_per_s": n / wall})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    sim_rows = simulator_speed(args.requests)
    ana_rows = analytic_speed(args.requests)
    rates = simulated_rates()
    report = calibration_report(AnalyticDevice(), rates)
    knl = machine_preset("knl-7250")
    stream = {f"{fidelity}/{tier}": run_stream(knl, tier, 64, model)["triad_gbs"]
              for fidelity, model in (("analytic", AnalyticDevice()), ("sim", SimulatedDevice()))
              for tier in ("hbm", "dram")}
    data = {
        "simulator": sim_rows,
        "analytic": ana_rows,
        "analytic_over_simulator_speed": [a["requests_per_s"] / s["requests_per_s"]
                                          for a, s in zip(ana_rows, sim_rows)],
        "calibration": [{"device": c.device, "case": c.case, "error": round(c.error, 4)}
                        for c in report],
        "calibration_worst_error": max(abs(c.error) for c in report),
        "knl_stream_triad_gbs": stream,
        "knl_published_triad_gbs": PUBLISHED_KNL_TRIAD,
    }
    if args.json:
        print(json.dumps(data, indent=2))
        return 0
    print(f"{'device':10} {'pattern':10} {'sim req/s':>10} {'(per CPU s)':>11} "
          f"{'analytic req/s':>15} {'ratio':>9} {'GB/s':>8} {'peak':>7} {'row hits':>8}")
    for s, a, ratio in zip(sim_rows, ana_rows, data["analytic_over_simulator_speed"]):
        print(f"{s['device']:10} {s['pattern']:10} {s['requests_per_s']:10.3g} "
              f"{s['requests_per_cpu_s']:11.3g} {a['requests_per_s']:15.3g} {ratio:9.3g} "
              f"{s['bandwidth_gbs']:8.1f} {s['peak_gbs']:7.1f} {s['row_hit_rate']:8.3f}")
    print(f"\nanalytic vs simulator calibration: worst error "
          f"{data['calibration_worst_error']:.1%} over {len(report)} cases")
    for c in report:
        print(f"  {c.device:11} {c.case:7} {c.error:+.1%}")
    print("\nKNL 7250 STREAM triad at 64 threads (published: MCDRAM 400-490, DDR4 85-90 GB/s)")
    for key, value in stream.items():
        print(f"  {key:13} {value:7.1f} GB/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
