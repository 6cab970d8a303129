"""Grouping-engine benchmark: real wall-clock throughput of windowed sum per key against Polars
and DuckDB on the same records, plus the modeled KNL figures next to the published ones.

    python bench/grouping.py [--records 1000000] [--keys 10000] [--repeats 5] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

# Keep bench/ off the path so ``memory`` resolves to the package, not a script here.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]

import numpy as np  # noqa: E402

from memory.allocator import HybridAllocator  # noqa: E402
from memory.cost import AnalyticDevice  # noqa: E402
from memory.grouping.context import EngineContext  # noqa: E402
from memory.grouping.engines import ENGINES, WindowState  # noqa: E402
from memory.grouping.ledger import Ledger  # noqa: E402
from memory.machine import machine_preset  # noqa: E402
from memory.streaming.runtime import RunConfig, run  # noqa: E402

BUNDLE = 65_536
PUBLISHED = {"ysb_records_per_s": 110e6, "ysb_bandwidth_gbs": 238.0,
             "kpa_over_full_sort": 7.0, "sort_hbm_over_hash": 10.0}


def best_of(repeats: int, fn) -> float:
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        fn()
        times.append(time.perf_counter() - began)
    return min(times)


def engine_window_sum(name: str, keys: np.ndarray, values: np.ndarray) -> dict:
    """One window through an engine: bundles in, sum per key out (real computation)."""
    machine = machine_preset("knl-7250")
    ctx = EngineContext(Ledger(machine, 64, AnalyticDevice()), HybridAllocator.for_machine(
        machine), record_bytes=24)
    engine = ENGINES[name]()
    state = WindowState()
    for lo in range(0, keys.shape[0], BUNDLE):
        rows = np.arange(lo, min(lo + BUNDLE, keys.shape[0]))
        engine.add_bundle(ctx, state, keys[rows], rows, values[rows])
    return engine.close(ctx, state, "sum")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--keys", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    import duckdb
    import polars as pl

    rng = np.random.default_rng(1)
    keys = rng.integers(0, args.keys, args.records)
    values = rng.integers(0, 1000, args.records)
    frame = pl.DataFrame({"key": keys, "value": values})
    reference = frame.group_by("key").agg(pl.col("value").sum()).sort("key")

    wall = {}
    for name in ("sort", "hash"):
        result = engine_window_sum(name, keys, values)  # compile, then check
        assert np.array_equal(result["key"], reference["key"].to_numpy())
        assert np.array_equal(result["sum"], reference["value"].to_numpy())
        wall[f"engine-{name}"] = best_of(args.repeats,
                                         lambda n=name: engine_window_sum(n, keys, values))
    wall["polars"] = best_of(args.repeats, lambda: frame.group_by("key").agg(
        pl.col("value").sum()))
    con = duckdb.connect()
    con.execute("CREATE TABLE t (key BIGINT, value BIGINT)")
    con.execute("INSERT INTO t SELECT * FROM (SELECT unnest($1) AS key, unnest($2) AS value)",
                [keys.tolist(), values.tolist()])
    wall["duckdb"] = best_of(args.repeats, lambda: con.execute(
        "SELECT key, sum(value) FROM t GROUP BY key").fetchall())
    rates = {k: args.records / v for k, v in wall.items()}

    modeled = {}
    for label, grouping, kpa, placement in (("sort-kpa-hbm", "sort", True, "hbm"),
                                            ("sort-full", "sort", False, "dram"),
                                            ("sort-full-hbm", "sort", False, "hbm"),
                                            ("hash", "hash", True, "dram")):
        report = run(RunConfig(bench="ysb", cores=64, grouping=grouping, kpa=kpa,
                               placement=placement, records=2_000_000, verify=False))
        modeled[label] = {"records_per_s": report.modeled_records_per_s,
                          "bandwidth_gbs": report.modeled_bandwidth_gbs,
                          "core_cycles_per_record": report.core_cycles_per_record,
                          "bytes_per_record": report.modeled_bytes_per_record}
    data = {
        "records": args.records, "keys": args.keys,
        "wall_records_per_s": rates,
        "engine_over_polars": {k: rates[k] / rates["polars"] for k in rates if "engine" in k},
        "engine_over_duckdb": {k: rates[k] / rates["duckdb"] for k in rates if "engine" in k},
        "modeled_knl_ysb": modeled,
        "modeled_ratios": {
            "kpa_over_full_sort": modeled["sort-kpa-hbm"]["records_per_s"]
            / modeled["sort-full"]["records_per_s"],
            "kpa_over_full_sort_in_hbm": modeled["sort-kpa-hbm"]["records_per_s"]
            / modeled["sort-full-hbm"]["records_per_s"],
            "sort_hbm_over_hash": modeled["sort-kpa-hbm"]["records_per_s"]
            / modeled["hash"]["records_per_s"]},
        "published": PUBLISHED,
    }
    if args.json:
        print(json.dumps(data, indent=2))
        return 0
    print(f"windowed sum per key, {args.records:,} records, {args.keys:,} keys (best of "
          f"{args.repeats}, wall clock)")
    for name, rate in rates.items():
        print(f"  {name:12} {rate / 1e6:8.2f} M records/s   {rate / rates['polars']:6.2f}x Polars"
              f"   {rate / rates['duckdb']:6.2f}x DuckDB")
    published = PUBLISHED["ysb_bandwidth_gbs"] * 1e9 / PUBLISHED["ysb_records_per_s"]
    print(f"\nmodeled YSB on knl-7250, 64 cores (published: 110 M records/s at 238 GB/s, "
          f"i.e. ~{published:.0f} B/record)")
    for label, m in modeled.items():
        print(f"  {label:13} {m['records_per_s'] / 1e6:8.1f} M records/s "
              f"{m['bandwidth_gbs']:7.1f} GB/s {m['core_cycles_per_record']:7.1f} core cycles"
              f"/record {m['bytes_per_record']:7.0f} B/record")
    r = data["modeled_ratios"]
    print(f"  KPA sort / full-record sort {r['kpa_over_full_sort']:5.2f}x (records sorted in "
          f"DRAM), {r['kpa_over_full_sort_in_hbm']:5.2f}x (in HBM) (published ~7x)")
    print(f"  sort on HBM / hash          {r['sort_hbm_over_hash']:5.2f}x (published ~10x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
