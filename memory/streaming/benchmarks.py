"""Stream benchmarks: seeded record generators, the query each runs on a grouping engine, and
an independent reference answer computed with Polars on the same records."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from memory.errors import InvalidRequest
from memory.grouping.context import KPA_BYTES, RECORD_TIER, EngineContext
from memory.grouping.engines import FullRecordSortEngine, KpaSortEngine
from memory.grouping.fast import radix_sort_pairs
from memory.kernels import Access

YSB_ADS = 1000  # YSB: 100 campaigns x 10 ads
YSB_CAMPAIGNS = 100
KEYS = 10_000  # keyed benchmarks: distinct keys
TOPK = 3
HOUSES, PLUGS_PER_HOUSE = 40, 20  # DEBS 2014 grand challenge scale (40 houses)
FILTER_THRESHOLD = 900  # values are uniform in [0, 1000)

# YSB events: user and page ids are UUIDs (16 bytes), the ad id indexes the campaign table.
YSB_DTYPE = np.dtype([("ts", "<i8"), ("user_id", "<u8", 2), ("page_id", "<u8", 2),
                      ("ad_id", "<i8"), ("ad_type", "i1"), ("event_type", "i1"), ("ip", "<u4")])
KEYED_DTYPE = np.dtype([("ts", "<i8"), ("key", "<i8"), ("value", "<i8")])
JOIN_DTYPE = np.dtype([("ts", "<i8"), ("key", "<i8"), ("side", "i1"), ("value", "<i8")])
JOIN_KEYS = 200_000  # sparse keys: few matches per key, as a temporal join of two streams
GRID_DTYPE = np.dtype([("ts", "<i8"), ("house", "<i4"), ("plug", "<i4"), ("load", "<i8")])


@dataclass(frozen=True)
class Generated:
    records: np.ndarray  # structured, in arrival order, with an int64 "ts" in ms
    table: np.ndarray | None  # YSB: campaign id of every ad id


def arrival_times(n: int, records_per_ms: int, disorder_ms: int, late_every: int, late_ms: int,
                  rng: np.random.Generator) -> np.ndarray:
    """Event times in arrival order: steady rate, bounded disorder, every ``late_every``-th
    record delayed by ``late_ms`` (beyond the watermark when ``late_ms`` > the lateness)."""
    ts = np.arange(n, dtype=np.int64) // records_per_ms
    ts -= rng.integers(0, disorder_ms + 1, n)
    if late_every:
        ts[late_every - 1::late_every] -= late_ms
    return np.maximum(ts, 0)


def generate(bench: str, n: int, seed: int, records_per_ms: int, disorder_ms: int,
             late_every: int, late_ms: int) -> Generated:
    rng = np.random.default_rng(seed)
    ts = arrival_times(n, records_per_ms, disorder_ms, late_every, late_ms, rng)
    if bench == "ysb":
        records = np.zeros(n, YSB_DTYPE)
        records["ts"] = ts
        records["user_id"] = rng.integers(0, 1 << 63, (n, 2), dtype=np.uint64)
        records["page_id"] = rng.integers(0, 1 << 63, (n, 2), dtype=np.uint64)
        records["ad_id"] = rng.integers(0, YSB_ADS, n)
        records["ad_type"] = rng.integers(0, 5, n)
        records["event_type"] = rng.integers(0, 3, n)  # view, click, purchase
        records["ip"] = rng.integers(0, 1 << 31, n)
        table = rng.permutation(np.arange(YSB_ADS) // (YSB_ADS // YSB_CAMPAIGNS))
        return Generated(records, table.astype(np.int64))
    if bench == "powergrid":
        records = np.zeros(n, GRID_DTYPE)
        records["ts"] = ts
        records["house"] = rng.integers(0, HOUSES, n)
        records["plug"] = rng.integers(0, PLUGS_PER_HOUSE, n)
        records["load"] = rng.gamma(2.0, 50.0, n).astype(np.int64)
        return Generated(records, None)
    if bench == "tjoin":
        records = np.zeros(n, JOIN_DTYPE)
        records["ts"] = ts
        records["key"] = rng.integers(0, JOIN_KEYS, n)
        records["side"] = rng.integers(0, 2, n)
        records["value"] = rng.integers(0, 1000, n)
        return Generated(records, None)
    records = np.zeros(n, KEYED_DTYPE)
    records["ts"] = ts
    records["key"] = rng.zipf(1.2, n) % KEYS if bench == "topk" else rng.integers(0, KEYS, n)
    records["value"] = rng.integers(0, 1000, n)
    return Generated(records, None)


@dataclass(frozen=True)
class Query:
    """How a benchmark feeds an engine and finishes a window."""

    prepare: Callable  # (ctx, engine, gen, rows) -> (keys, rows) fed to add_bundle
    how: str
    values: str | None  # record field the aggregate reads
    finish: Callable  # (ctx, result dict, gen, rows of the window) -> output columns
    reference: Callable  # (polars frame of accepted records with "window", gen) -> frame


def keyed(field_name: str):
    def prepare(ctx: EngineContext, engine, gen: Generated, rows: np.ndarray):
        return gen.records[field_name][rows], rows
    return prepare


def same(ctx, result, gen, rows):
    return result


def ysb_prepare(ctx: EngineContext, engine, gen: Generated, rows: np.ndarray):
    """Filter views, then join ad -> campaign: a merge join of the sorted (ad, pointer) array
    with the sorted campaign table for the sort engines, a probe of the (cached) table for hash."""
    n = rows.shape[0]
    ctx.scan_records("select", n)
    rows = rows[gen.records["event_type"][rows] == 0]
    ads = gen.records["ad_id"][rows]
    if engine.name == "hash":
        ctx.ledger.charge("join-probe", [], scalar_ops=rows.shape[0] * ctx.model.hash_instructions)
        return gen.table[ads], rows
    n = rows.shape[0]
    if isinstance(engine, KpaSortEngine):  # sort (ad id, pointer) pairs in the knob's tier
        allocation = ctx.allocator.allocate(max(1, n * KPA_BYTES))
        tier, entry_bytes = allocation.tier, KPA_BYTES
        ctx.sort_charge("join-sort", n, tier)
        ctx.allocator.free(allocation)
    else:  # no KPA: the full records are sorted by ad id
        allocation = FullRecordSortEngine.place_and_sort(ctx, "join-sort", n)
        tier, entry_bytes = allocation.tier, ctx.record_bytes
        ctx.allocator.free(allocation)
    ctx.ledger.charge("merge-join", [(tier, Access("sequential", n * entry_bytes)),
                                     (RECORD_TIER, Access("sequential", YSB_ADS * KPA_BYTES))],
                      ops=n)
    ads_sorted, rows_sorted = radix_sort_pairs(ads.astype(np.uint64), rows)
    table_keys = np.arange(YSB_ADS, dtype=np.uint64)  # the table sorted by ad id
    campaigns = gen.table[np.searchsorted(table_keys, ads_sorted)]
    return campaigns, rows_sorted


def ysb_reference(frame, gen: Generated):
    import polars as pl

    table = pl.DataFrame({"ad_id": np.arange(YSB_ADS), "campaign": gen.table})
    return (frame.filter(pl.col("event_type") == 0).join(table, on="ad_id")
            .group_by("window", "campaign").agg(pl.len().alias("count"))
            .rename({"campaign": "key"}))


def grouped_reference(field_name: str, value: str | None, how: str):
    def reference(frame, gen):
        import polars as pl

        by = frame.rename({field_name: "key"}).group_by("window", "key")
        if how == "count":
            return by.agg(pl.len().alias("count"))
        if how == "sum":
            return by.agg(pl.col(value).sum().alias("sum"))
        if how == "mean":
            return by.agg((pl.col(value).sum() / pl.len()).alias("mean"))
        if how == "median":
            return by.agg(pl.col(value).median().alias("median"))
        ranked = frame.rename({field_name: "key"}).sort(value, descending=True).group_by(
            "window", "key").head(TOPK)
        return ranked.with_columns(pl.int_range(pl.len()).over("window", "key").alias(
            "rank")).select("window", "key", "rank", pl.col(value).alias("value"))
    return reference


def distinct_reference(frame, gen):
    import polars as pl

    return frame.group_by("window").agg(pl.col("key").n_unique().cast(pl.Int64).alias(
        "distinct"))


def filter_prepare(ctx: EngineContext, engine, gen: Generated, rows: np.ndarray):
    ctx.scan_records("select", rows.shape[0])
    rows = rows[gen.records["value"][rows] > FILTER_THRESHOLD]
    return np.zeros(rows.shape[0], np.int64), rows  # one group per window


def filter_reference(frame, gen):
    import polars as pl

    return frame.filter(pl.col("value") > FILTER_THRESHOLD).group_by("window").agg(
        pl.col("value").sum().alias("sum")).with_columns(pl.lit(0, pl.Int64).alias("key"))


def join_prepare(ctx, engine, gen: Generated, rows: np.ndarray):
    """Both streams in one key space: 2 * key + side puts A then B records of a key together."""
    return gen.records["key"][rows] * 2 + gen.records["side"][rows], rows


def join_reference(frame, gen):
    import polars as pl

    left = frame.filter(pl.col("side") == 0).select("window", "key", "value")
    right = frame.filter(pl.col("side") == 1).select("window", "key", "value")
    return (left.join(right, on=["window", "key"], suffix="_b")
            .group_by("window", "key").agg(pl.len().cast(pl.Int64).alias("pairs"),
                                           (pl.col("value") * pl.col("value_b")).sum()
                                           .alias("dot")))


def grid_prepare(ctx, engine, gen: Generated, rows: np.ndarray):
    plug = gen.records["house"][rows].astype(np.int64) * PLUGS_PER_HOUSE + gen.records["plug"][
        rows]
    return plug, rows


def grid_finish(ctx: EngineContext, result: dict, gen: Generated, rows: np.ndarray) -> dict:
    """Per house: how many plugs have a median load above the window's global median."""
    loads = gen.records["load"][rows]
    ctx.sort_charge("global-median", rows.shape[0], RECORD_TIER)
    ordered = np.sort(loads)
    n = ordered.shape[0]
    global_median = (ordered[(n - 1) // 2] + ordered[n // 2]) / 2.0
    above = result["median"] > global_median
    houses = result["key"][above] // PLUGS_PER_HOUSE
    key, count = np.unique(houses, return_counts=True)
    return {"key": key.astype(np.int64), "count": count.astype(np.int64)}


def grid_reference(frame, gen):
    import polars as pl

    plugs = frame.group_by("window", "house", "plug").agg(pl.col("load").median().alias("m"))
    medians = frame.group_by("window").agg(pl.col("load").median().alias("g"))
    return (plugs.join(medians, on="window").filter(pl.col("m") > pl.col("g"))
            .group_by("window", "house").agg(pl.len().alias("count"))
            .select("window", pl.col("house").cast(pl.Int64).alias("key"), "count"))


QUERIES: dict[str, Query] = {
    "ysb": Query(ysb_prepare, "count", None, same, ysb_reference),
    "wsum": Query(keyed("key"), "sum", "value", same, grouped_reference("key", "value", "sum")),
    "wavg": Query(keyed("key"), "mean", "value", same, grouped_reference("key", "value", "mean")),
    "wmedian": Query(keyed("key"), "median", "value", same,
                     grouped_reference("key", "value", "median")),
    "topk": Query(keyed("key"), f"topk:{TOPK}", "value", same,
                  grouped_reference("key", "value", "topk")),
    "distinct": Query(keyed("key"), "distinct", None, same, distinct_reference),
    "filter": Query(filter_prepare, "sum", "value", same, filter_reference),
    "powergrid": Query(grid_prepare, "median", "load", grid_finish, grid_reference),
    "tjoin": Query(join_prepare, "join", "value", same, join_reference),
}


def query(bench: str) -> Query:
    if bench not in QUERIES:
        raise InvalidRequest(f"unknown benchmark {bench!r} (known: {', '.join(QUERIES)})")
    return QUERIES[bench]

