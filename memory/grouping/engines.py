"""Three grouping engines with one interface: KPA sort (keys and pointers in HBM or DRAM),
full-record sort (no KPA) and hash grouping. Each computes the real result and charges the
modeled cost of its algorithm to the context's ledger.

Per window: ``add_bundle(ctx, state, keys, rows, values)`` for every bundle as it arrives
(``values``: the field the aggregate reads, aligned with ``rows``, or None), ``close(ctx,
state, how)`` when the watermark passes the window's end. ``how`` is "count", "sum", "mean",
"median", "topk:K", "distinct" or "join" (keys are ``2 * key + side``: pairs of side-0 and
side-1 records with equal keys, their count and the sum of value products); the result is a
dict of equally long numpy columns sorted by key (and rank).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from memory.errors import InvalidRequest
from memory.grouping.context import KPA_BYTES, RECORD_TIER, EngineContext
from memory.grouping.fast import (
    group_sums,
    hash_group_ids,
    join_sorted_sides,
    radix_sort_pairs,
    reduce_sorted_sum,
    segment_starts,
    sortable,
)
from memory.kernels import Access
from memory.machine import LINE_BYTES

AGGREGATES = ("count", "sum", "mean", "median", "topk", "distinct", "join")


def parse_how(how: str) -> tuple[str, int]:
    name, _, k = how.partition(":")
    if name not in AGGREGATES or (name == "topk") != bool(k):
        raise InvalidRequest(f"aggregate {how!r}: expected one of count, sum, mean, median, "
                             f"topk:K, distinct, join")
    return name, int(k) if k else 0


@dataclass
class WindowState:
    """A window's bundles: keys, record rows and aggregated values per bundle, plus
    engine-held allocations."""

    keys: list[np.ndarray] = field(default_factory=list)
    rows: list[np.ndarray] = field(default_factory=list)
    values: list[np.ndarray] = field(default_factory=list)
    allocations: list = field(default_factory=list)  # KPA runs placed by the allocator
    distinct_keys: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))

    @property
    def records(self) -> int:
        return sum(k.shape[0] for k in self.keys)


def reduce_sorted(keys: np.ndarray, values: np.ndarray | None, how: str) -> dict:
    """Aggregate ``values`` (sorted by key, and by value within a key) per distinct key."""
    name, k = parse_how(how)
    if name == "distinct":
        return {"distinct": np.array([segment_starts(keys).shape[0]], dtype=np.int64)}
    if name == "join":
        key, pairs, dot = join_sorted_sides(keys.astype(np.int64), values)
        return {"key": key, "pairs": pairs, "dot": dot}
    if name in ("count", "sum", "mean"):
        distinct, counts, sums = reduce_sorted_sum(
            keys, values if values is not None else np.zeros(keys.shape[0], np.int64))
        result = {"count": counts, "sum": sums, "mean": sums / np.maximum(counts, 1)}[name]
        return {"key": distinct, name: result}
    starts = segment_starts(keys)
    ends = np.append(starts[1:], keys.shape[0])
    counts = ends - starts
    out = {"key": keys[starts].astype(np.int64)}
    if name == "median":
        low = values[starts + (counts - 1) // 2]
        high = values[starts + counts // 2]
        out["median"] = (low + high) / 2.0
    else:  # topk: the k largest per key, rank 0 first
        take = np.minimum(counts, k)
        group = np.repeat(np.arange(starts.shape[0]), take)
        rank = np.arange(group.shape[0]) - np.repeat(np.cumsum(take) - take, take)
        out = {"key": out["key"][group], "rank": rank,
               "value": values[ends[group] - 1 - rank]}
    return out


def partition_by_key_range(ctx: EngineContext, runs: list[np.ndarray], parts: int,
                           align: int = 1) -> list[list[slice]]:
    """Split key-sorted runs into ``parts`` key ranges for parallel tasks: splitters are
    quantiles of a sample of the keys (multiples of ``align``, so a join's 2*key+side pairs
    stay together); every run is cut at the splitters by binary search, so equal keys always
    land in the same task. Returns, per task, one slice per run."""
    sample = np.concatenate([run[:: max(1, run.shape[0] // 64)] for run in runs])
    quantiles = np.quantile(sample, np.linspace(0, 1, parts + 1)[1:-1], method="lower")
    splitters = np.unique(quantiles.astype(sample.dtype) // np.uint64(align) * np.uint64(align))
    cuts = [np.concatenate(([0], np.searchsorted(run, splitters), [run.shape[0]]))
            for run in runs]
    ctx.ledger.charge("partition", [], scalar_ops=len(runs) * (splitters.shape[0] + 1) * 64)
    return [[slice(c[i], c[i + 1]) for c in cuts] for i in range(splitters.shape[0] + 1)]


def sort_by_key_then_value(keys: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, ...]:
    """Radix sort by value, then stably by key: keys sorted, values sorted within a key."""
    by_value, order = radix_sort_pairs(sortable(values), np.arange(values.shape[0]))
    keys_sorted, order = radix_sort_pairs(keys[order].astype(np.uint64), order)
    return keys_sorted, values[order]


def concatenate_results(results: list[dict], how: str) -> dict:
    """Join the per-task results of disjoint, increasing key ranges (distinct counts add up)."""
    if not results:
        return reduce_sorted(np.zeros(0, np.uint64), np.zeros(0, np.int64), how)
    if parse_how(how)[0] == "distinct":
        return {"distinct": np.array([sum(int(r["distinct"][0]) for r in results)])}
    return {name: np.concatenate([r[name] for r in results]) for name in results[0]}


class KpaSortEngine:
    """Sort compact key/pointer arrays (in the tier the allocator picks); gather full records
    through the pointers only for the values an aggregate needs, bundle by bundle."""

    name = "sort"

    def add_bundle(self, ctx: EngineContext, state: WindowState, keys: np.ndarray,
                   rows: np.ndarray, values: np.ndarray | None) -> None:
        n = keys.shape[0]
        allocation = ctx.allocator.allocate(max(1, n * KPA_BYTES))
        tier = allocation.tier
        ctx.ledger.charge("extract", [(RECORD_TIER, Access("sequential", n * ctx.record_bytes)),
                                      (tier, Access("sequential", n * KPA_BYTES, write=True))],
                          ops=2 * n)
        ctx.sort_charge("sort", n, tier)
        sorted_keys, order = radix_sort_pairs(keys.astype(np.uint64), np.arange(n))
        state.keys.append(sorted_keys)
        state.rows.append(rows[order])
        if values is not None:
            ctx.ledger.charge("materialize", [(tier, Access("sequential", n * KPA_BYTES)),
                                              (RECORD_TIER, Access("random", n * 8))], ops=n)
            state.values.append(values[order])
        state.allocations.append(allocation)

    def close(self, ctx: EngineContext, state: WindowState, how: str) -> dict:
        name, _ = parse_how(how)
        n = state.records
        # the knob may have put some runs in HBM and others in DRAM: charge each tier its share
        per_tier: dict[str, list[int]] = {}
        for allocation, run in zip(state.allocations, state.keys):
            per_tier.setdefault(allocation.tier, []).append(run.shape[0])
        for tier, sizes in per_tier.items():
            if len(sizes) > 1:  # multiway merge of the bundles' sorted runs
                ctx.sort_charge("merge", sum(sizes), tier, runs_sorted=len(sizes))
        carried_runs = state.values or state.rows
        align = 2 if name == "join" else 1
        tasks = partition_by_key_range(ctx, state.keys, ctx.ledger.cores, align) if n else []
        results = []
        for task in tasks:  # key ranges: independent tasks, modeled as running in parallel
            keys, carried = radix_sort_pairs(
                np.concatenate([run[s] for run, s in zip(state.keys, task)]),
                np.concatenate([run[s] for run, s in zip(carried_runs, task)]))
            values = carried if state.values else None
            if name in ("median", "topk"):
                keys, values = sort_by_key_then_value(keys, values)
            results.append(reduce_sorted(keys, values, how))
        for allocation in state.allocations:
            ctx.allocator.free(allocation)
        state.allocations.clear()
        for tier, sizes in per_tier.items():
            if name in ("median", "topk"):
                ctx.sort_charge("sort-values", sum(sizes), tier)
            ctx.ledger.charge("group-reduce", [(tier, Access("sequential",
                                                            sum(sizes) * KPA_BYTES))],
                              ops=sum(sizes))
        return concatenate_results(results, how)


class FullRecordSortEngine:
    """Sort the full records themselves (no KPA): every merge level moves whole records. The
    allocator's knob decides where a bundle's records are sorted: in place in DRAM, or
    copied into HBM first (a record-sized allocation instead of a 16-byte KPA entry)."""

    name = "fullsort"

    def add_bundle(self, ctx: EngineContext, state: WindowState, keys: np.ndarray,
                   rows: np.ndarray, values: np.ndarray | None) -> None:
        allocation = self.place_and_sort(ctx, "sort-records", keys.shape[0])
        order = np.argsort(keys, kind="stable")
        state.keys.append(keys[order])
        state.rows.append(rows[order])
        if values is not None:
            state.values.append(values[order])
        state.allocations.append(allocation)

    @staticmethod
    def place_and_sort(ctx: EngineContext, name: str, n: int):
        """Sort ``n`` records where the knob places them (copied into HBM first if there);
        returns the allocation, which the caller frees."""
        allocation = ctx.allocator.allocate(max(1, n * ctx.record_bytes))
        if allocation.tier != RECORD_TIER:
            ctx.ledger.charge("copy-records", [
                (RECORD_TIER, Access("sequential", n * ctx.record_bytes)),
                (allocation.tier, Access("sequential", n * ctx.record_bytes, write=True))])
        ctx.record_sort_charge(name, n, tier=allocation.tier)
        return allocation

    def close(self, ctx: EngineContext, state: WindowState, how: str) -> dict:
        name, _ = parse_how(how)
        per_tier: dict[str, list[int]] = {}
        for allocation, run in zip(state.allocations, state.keys):
            per_tier.setdefault(allocation.tier, []).append(run.shape[0])
        for tier, sizes in per_tier.items():
            if len(sizes) > 1:
                ctx.record_sort_charge("merge-records", sum(sizes), runs_sorted=len(sizes),
                                       tier=tier)
            ctx.ledger.charge("group-reduce", [(tier, Access(
                "sequential", sum(sizes) * ctx.record_bytes))], ops=sum(sizes))
            if name in ("median", "topk"):
                ctx.record_sort_charge("sort-values", sum(sizes), tier=tier)
        for allocation in state.allocations:
            ctx.allocator.free(allocation)
        state.allocations.clear()
        keys = np.concatenate(state.keys)
        order = np.argsort(keys, kind="stable")
        keys = keys[order].astype(np.uint64)
        values = np.concatenate(state.values)[order] if state.values else None
        if name in ("median", "topk"):
            keys, values = sort_by_key_then_value(keys, values)
        return reduce_sorted(keys, values, how)


class HashEngine:
    """One concurrent hash table of groups in DRAM shared by all tasks: an insert takes the
    bucket's and the element's locks, atomic read-modify-writes of lines another core most
    likely wrote last (a coherence transfer) or, when the table outgrows the last-level
    cache, that miss to DRAM; a round trip per atomic, one in flight per thread (an atomic
    blocks), and a hot key's line is handed from core to core one update at a time.
    Holistic aggregates keep per-key pointer lists."""

    name = "hash"

    def add_bundle(self, ctx: EngineContext, state: WindowState, keys: np.ndarray,
                   rows: np.ndarray, values: np.ndarray | None) -> None:
        state.keys.append(keys)
        state.rows.append(rows)
        if values is not None:
            state.values.append(values)
        known = state.distinct_keys.shape[0]
        groups, state.distinct_keys = hash_group_ids(np.concatenate((state.distinct_keys, keys)))
        n = keys.shape[0]
        m, cores = ctx.model, ctx.ledger.cores
        shared = 1.0 - 1.0 / cores  # chance the line was last written by another core
        table = state.distinct_keys.shape[0] * m.hash_entry_bytes
        miss = max(0.0, 1.0 - ctx.ledger.machine.llc_bytes / table) if table else 0.0
        round_trips = int(n * m.hash_atomics_per_insert * max(shared, miss))
        # One core owns a line at a time: the updates of the hottest line (entries laid out
        # in first-seen order, LINE_BYTES / entry bytes per line) are a serial chain of
        # ownership transfers, one round trip each, however many cores insert.
        lines = groups[known:] // max(1, LINE_BYTES // m.hash_entry_bytes)
        hottest = int(np.bincount(lines).max()) if n else 0
        latency = ctx.ledger.machine.tier(RECORD_TIER).idle_latency_ns * 1e-9
        ctx.ledger.charge("hash-insert", [
            (RECORD_TIER, Access("sequential", n * ctx.record_bytes)),
            (RECORD_TIER, Access("random", round_trips * 8, dependent=True)),
            (RECORD_TIER, Access("random", int(n * miss) * 8, write=True))],
            scalar_ops=n * m.hash_instructions,
            serial_seconds=hottest * m.hash_atomics_per_insert * shared * latency)

    def close(self, ctx: EngineContext, state: WindowState, how: str) -> dict:
        name, _ = parse_how(how)
        keys = np.concatenate(state.keys)
        n = keys.shape[0]
        groups, distinct = hash_group_ids(keys)
        ctx.ledger.charge("hash-scan", [
            (RECORD_TIER, Access("sequential", distinct.shape[0] * ctx.model.hash_entry_bytes))],
            ops=distinct.shape[0])
        if name == "distinct":
            return {"distinct": np.array([distinct.shape[0]], dtype=np.int64)}
        order = np.argsort(distinct, kind="stable")  # output in key order, as every engine
        out = {"key": distinct[order].astype(np.int64)}
        counts = np.bincount(groups, minlength=distinct.shape[0])
        if name == "count":
            out["count"] = counts[order]
            return out
        ctx.ledger.charge("hash-gather", [(RECORD_TIER, Access("random", n * 8))], ops=n)
        values = np.concatenate(state.values)
        if name in ("sum", "mean"):
            sums = group_sums(groups, values, distinct.shape[0])[order]
            out[name] = sums if name == "sum" else sums / counts[order]
            return out
        # median / top-k / join: walk each key's pointer list, sort the values per key
        ctx.ledger.charge("hash-lists", [(RECORD_TIER, Access("random", n * 8))],
                          scalar_ops=n * ctx.model.hash_instructions)
        ctx.sort_charge("sort-values", n, RECORD_TIER)
        rank = np.empty_like(order)
        rank[order] = np.arange(order.shape[0])
        ranks_sorted, values_sorted = sort_by_key_then_value(rank[groups].astype(np.uint64),
                                                             values)
        return reduce_sorted(out["key"][ranks_sorted.astype(np.int64)], values_sorted, how)


ENGINES = {"sort": KpaSortEngine, "fullsort": FullRecordSortEngine, "hash": HashEngine}
