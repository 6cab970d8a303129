"""From operator profiles to the minimum set of storage formats.

1. For every (operator, accuracy target): the cheapest profiled consumption fidelity whose F1
   meets the target (fastest operator; ties go to the fewest pixels).
2. Backward to storage: each consumption fidelity gets a storage format of the same fidelity
   whose coding keeps up with the operator (retrieval speed >= consumption speed) at the least
   storage; when nothing keeps up, the fastest-retrieving coding.
3. Coalescing: two storage formats merge into their join (the poorest fidelity richer than both)
   when that saves both storage and ingestion and the merged format still keeps up with each
   consumer or slows each query it serves (an operator alone, or a whole cascade at a target)
   by at most :data:`FREE_MERGE_SLOWDOWN`; then, while the ingestion
   budget (cores) or the storage budget (bytes per day) is exceeded, the merge or re-coding that
   saves the most of the exceeded resources per unit of query slowdown is applied. What each
   budget cost is reported as the consumers' query speeds before and after it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import reduce

from video.errors import BadArgumentError, InfeasibleTargetError
from video.formats import Fidelity, StorageFormat, codings_for
from video.profiler import ConsumptionPoint, Profile, StoragePoint, clip_target

SECONDS_PER_DAY = 86_400
FREE_MERGE_SLOWDOWN = 0.10  # a merge that saves both resources may slow a query by <= 10%

StorageMeter = Callable[[StorageFormat], StoragePoint]


@dataclass(frozen=True)
class Consumer:
    """One (operator, accuracy target) and the consumption fidelity chosen for it."""

    op: str
    target: float
    point: ConsumptionPoint
    cascade: str = ""  # the cascade this stage belongs to ("" for the operator alone)
    bottleneck: float | None = None  # a cascade stage: its slowest stage's operator speed

    @property
    def key(self) -> tuple[str, float, str]:
        return self.op, self.target, self.cascade

    @property
    def query(self) -> tuple[str, float]:
        """The query this consumer is part of: its cascade (or operator) at its target."""
        return self.cascade or self.op, self.target

    @property
    def required_speed(self) -> float:
        """The retrieval speed that keeps up: the operator's own, or for a cascade stage that
        of the cascade's slowest operator (a pipeline runs at its bottleneck's pace)."""
        return self.point.speed if self.bottleneck is None else self.bottleneck


@dataclass
class Configuration:
    """Chosen storage formats, which consumer each serves, and what the budgets cost."""

    consumers: list[Consumer]
    formats: list[StorageFormat]
    serving: dict[tuple[str, float, str], StorageFormat]
    points: dict[str, StoragePoint]
    budgets: dict[str, float | None]
    budget_costs: list[dict] = field(default_factory=list)

    @property
    def ingest_cores(self) -> float:
        return sum(self.points[f.id].ingest_cores for f in self.formats)

    @property
    def storage_bytes_per_day(self) -> float:
        return sum(self.points[f.id].bytes_per_second for f in self.formats) * SECONDS_PER_DAY

    def speed(self, consumer: Consumer) -> float:
        """Query speed (x real time) of a consumer: retrieval then operator, back to back."""
        fmt = self.serving[consumer.key]
        return _speed(consumer, self.points[fmt.id])

    def to_json(self) -> dict:
        return {
            "formats": [{"id": f.id, **self.points[f.id].__dict__} for f in self.formats],
            "consumers": [{"op": c.op, "target": c.target, "cascade": c.cascade,
                           "fidelity": c.point.fidelity.id,
                           "profiled_f1": c.point.f1, "operator_speed": c.point.speed,
                           "storage_format": self.serving[c.key].id,
                           "query_speed": self.speed(c)} for c in self.consumers],
            "ingest_cores": self.ingest_cores,
            "storage_bytes_per_day": self.storage_bytes_per_day,
            "budgets": self.budgets,
            "budget_costs": self.budget_costs,
        }


def _speed(consumer: Consumer, storage: StoragePoint) -> float:
    return 1.0 / (1.0 / consumer.point.speed + 1.0 / storage.retrieval_speed)


def parse_targets(text: str) -> list[float]:
    """Accuracy targets from ``"0.8,0.9"``; each must lie in (0, 1]."""
    try:
        targets = [float(t) for t in text.split(",") if t.strip()]
    except ValueError:
        raise BadArgumentError(
            f"accuracy targets {text!r}: expected numbers like 0.8,0.9") from None
    if not targets:
        raise BadArgumentError("no accuracy target given")
    for t in targets:
        if not 0 < t <= 1:
            raise InfeasibleTargetError(f"accuracy target {t:g} is impossible: F1 lies in (0, 1]")
    return targets


_SIZE = re.compile(r"^\s*([0-9.]+)\s*([kmgtp]?)(i?)b?\s*$", re.IGNORECASE)


def parse_bytes(text: str) -> float:
    """``"20GB"`` -> 2e10, ``"1.5GiB"`` -> 1.5 * 2**30, plain numbers are bytes."""
    m = _SIZE.match(text)
    if not m:
        raise BadArgumentError(f"size {text!r}: expected e.g. 500MB, 20GB, 1.5TiB")
    power = "kmgtp".find(m[2].lower()) + 1 if m[2] else 0
    return float(m[1]) * (1024 if m[3] else 1000) ** power


def choose_consumption(profile: Profile, op: str, target: float) -> ConsumptionPoint:
    """The fastest profiled fidelity of ``op`` whose F1 on the clip meets ``target`` with
    headroom (:func:`video.profiler.clip_target`)."""
    if not 0 < target <= 1:
        raise InfeasibleTargetError(f"accuracy target {target:g} is impossible: F1 lies in (0, 1]")
    points = profile.consumption.get(op)
    if points is None:
        raise InfeasibleTargetError(f"operator {op!r} was not profiled for this store")
    feasible = [p for p in points if p.f1 >= clip_target(target)]
    if not feasible:
        raise InfeasibleTargetError(f"no profiled fidelity of {op!r} reaches F1 {target:g}")
    w, h, fps = profile.video["width"], profile.video["height"], profile.video["fps"]
    return max(feasible, key=lambda p: (p.speed, -p.fidelity.pixel_rate(w, h, fps)))


def pick_coding(fidelity: Fidelity, need: float, meter: StorageMeter) -> StorageFormat:
    """The storage format of ``fidelity`` that keeps up with ``need`` (x real time) at the
    least storage, or the fastest one when none keeps up."""
    options = [(fmt, meter(fmt)) for fmt in codings_for(fidelity)]
    keeping_up = [o for o in options if o[1].retrieval_speed >= need]
    if keeping_up:
        return min(keeping_up, key=lambda o: (o[1].bytes_per_second, o[1].ingest_cores))[0]
    return max(options, key=lambda o: o[1].retrieval_speed)[0]


class Configurator:
    """Builds a :class:`Configuration` from a profile and a storage meter."""

    def __init__(self, profile: Profile, meter: StorageMeter) -> None:
        self.profile = profile
        self.meter = meter

    def consumers(self, ops: list[str], targets: list[float],
                  cascades: list[list[str]] = ()) -> list[Consumer]:
        """One consumer per (operator, target), plus one per stage of each cascade at each
        target (the stage fidelities the cascade planner picks when anything is derivable)."""
        from video.query import plan_cascade

        out = [Consumer(op, t, choose_consumption(self.profile, op, t))
               for op in ops for t in targets]
        for cascade in cascades:
            for t in targets:
                stages = plan_cascade(self.profile, None, cascade, t)
                points = [next(p for p in self.profile.consumption[s.op]
                               if p.fidelity == s.fidelity) for s in stages]
                bottleneck = min(p.speed for p in points)
                out += [Consumer(s.op, t, p, ",".join(cascade), bottleneck)
                        for s, p in zip(stages, points)]
        return out

    def configure(self, ops: list[str], targets: list[float], ingest_budget: float | None = None,
                  storage_budget: float | None = None, coalesce: bool = True,
                  cascades: list[list[str]] = ()) -> Configuration:
        """The storage formats for ``ops`` alone and the stages of ``cascades`` at each target
        (steps 1-3 of the module doc; ``coalesce=False`` stops after step 2). Budgets: cores
        for real-time ingestion, bytes per day."""
        consumers = self.consumers(ops, targets, cascades)
        groups: dict[StorageFormat, list[Consumer]] = {}
        for c in consumers:
            groups.setdefault(self._best_for([c]), []).append(c)
        config = self._build(consumers, groups, ingest_budget, storage_budget)
        if not coalesce:
            return config
        groups = self._coalesce(groups)
        limits = {"ingest_cores": ingest_budget,
                  "bytes_per_second": None if storage_budget is None
                  else storage_budget / SECONDS_PER_DAY}
        before = self._build(consumers, groups, ingest_budget, storage_budget)
        costs = []
        for name, resource in (("ingest", "ingest_cores"), ("storage", "bytes_per_second")):
            if limits[resource] is not None:  # what this budget alone costs
                alone = self._fit_budgets(groups, {resource: limits[resource]})
                after = self._build(consumers, alone, ingest_budget, storage_budget)
                budget = ingest_budget if name == "ingest" else storage_budget
                costs.append(_budget_cost(name, budget, before, after))
        groups = self._fit_budgets(groups, {k: v for k, v in limits.items() if v is not None})
        final = self._build(consumers, groups, ingest_budget, storage_budget)
        if len(costs) == 2:
            costs.append(_budget_cost("both", None, before, final))
        final.budget_costs = costs
        return final

    def _build(self, consumers: list[Consumer], groups: dict[StorageFormat, list[Consumer]],
               ingest_budget: float | None, storage_budget: float | None) -> Configuration:
        serving = {c.key: fmt for fmt, cs in groups.items() for c in cs}
        formats = sorted(groups)
        budgets = {"ingest_cores": ingest_budget, "storage_bytes_per_day": storage_budget}
        return Configuration(consumers, formats, serving, {f.id: self.meter(f) for f in formats},
                             budgets)

    def _best_for(self, consumers: list[Consumer]) -> StorageFormat | None:
        """The storage format for a group of consumers: their joined fidelity, coded to keep up
        with the fastest of them; None when no format serves them all (raw and lossy)."""
        fidelity = reduce(Fidelity.join, (c.point.fidelity for c in consumers))
        fmt = pick_coding(fidelity, max(c.required_speed for c in consumers), self.meter)
        return fmt if all(fmt.serves(c.point.fidelity) for c in consumers) else None

    def _free_merge(self, groups: dict, a: StorageFormat, b: StorageFormat,
                    merged: StorageFormat) -> float | None:
        """How much a merge saves (sum of the two resources' fractions saved), or None when it
        costs either resource or slows a query beyond the free-merge tolerance. A query's time
        is the sum of its stages' (retrieval + operator) times; a consumer whose merged format
        still keeps up with it is not slowed."""
        pa, pb, pm = self.meter(a), self.meter(b), self.meter(merged)
        bytes_ratio = pm.bytes_per_second / (pa.bytes_per_second + pb.bytes_per_second)
        cores_ratio = pm.ingest_cores / (pa.ingest_cores + pb.ingest_cores)
        if bytes_ratio >= 1 or cores_ratio >= 1:
            return None
        slowed = {c.query for c in groups[a] + groups[b] if pm.retrieval_speed < c.required_speed}
        for query in slowed:
            stages = [(c, f) for f, cs in groups.items() for c in cs if c.query == query]
            before = sum(1 / _speed(c, self.meter(f)) for c, f in stages)
            after = sum(1 / _speed(c, pm if f in (a, b) else self.meter(f)) for c, f in stages)
            if before < (1 - FREE_MERGE_SLOWDOWN) * after:
                return None
        return 2 - bytes_ratio - cores_ratio

    def _coalesce(self, groups: dict) -> dict:
        """Apply the best free merge until none is left."""
        groups = dict(groups)
        while len(groups) > 1:
            best = None
            items = sorted(groups)
            for i, a in enumerate(items):
                for b in items[i + 1:]:
                    merged = self._best_for(groups[a] + groups[b])
                    if merged is None:
                        continue
                    value = self._free_merge(groups, a, b, merged)
                    if value is not None and (best is None or value > best[0]):
                        best = (value, a, b, merged)
            if best is None:
                break
            _, a, b, merged = best
            groups = _replace(groups, [a, b], merged)
        return groups

    def _fit_budgets(self, groups: dict, limits: dict[str, float]) -> dict:
        """Merge or re-code until every resource total fits its limit (``ingest_cores`` in
        cores, ``bytes_per_second`` in bytes per video-second), each step taking the move that
        saves the most of the exceeded resources per unit of added query slowdown and never
        pushing a resource that fits over its limit."""
        def totals(gs) -> dict[str, float]:
            return {r: sum(getattr(self.meter(f), r) for f in gs) for r in limits}

        def loss(gs) -> float:  # summed log slowdown of every consumer vs its operator alone
            return sum(math.log(c.point.speed / _speed(c, self.meter(f)))
                       for f, cs in gs.items() for c in cs)

        while True:
            current = totals(groups)
            exceeded = [r for r in limits if current[r] > limits[r] * (1 + 1e-9)]
            if not exceeded:
                return groups
            moves = []
            items = sorted(groups)
            for i, a in enumerate(items):
                for b in items[i + 1:]:
                    merged = self._best_for(groups[a] + groups[b])
                    if merged is not None:
                        moves.append(_replace(groups, [a, b], merged))
                base = reduce(Fidelity.join, (c.point.fidelity for c in groups[a]))
                moves.extend(_replace(groups, [a], alt) for alt in codings_for(base) if alt != a)
            current_loss = loss(groups)
            best = None
            for move in moves:
                after = totals(move)
                if any(after[r] > limits[r] for r in limits if r not in exceeded):
                    continue
                saved = sum((current[r] - after[r]) / current[r] for r in exceeded)
                if saved <= 1e-9 or any(after[r] > current[r] for r in exceeded):
                    continue
                value = saved / (max(loss(move) - current_loss, 0.0) + 1e-3)
                if best is None or value > best[0]:
                    best = (value, move)
            if best is None:
                names = {"ingest_cores": ("ingest", 1.0, "cores"),
                         "bytes_per_second": ("storage", SECONDS_PER_DAY, "bytes/day")}
                detail = "; ".join(
                    f"{names[r][0]} budget {limits[r] * names[r][1]:.4g} {names[r][2]}, the "
                    f"least reached is {current[r] * names[r][1]:.4g}" for r in exceeded)
                raise InfeasibleTargetError(f"budgets cannot be met: {detail}")
            groups = best[1]


def _replace(groups: dict, old: list[StorageFormat], new: StorageFormat) -> dict:
    out = {f: list(cs) for f, cs in groups.items() if f not in old}
    for f in old:
        out.setdefault(new, []).extend(groups[f])
    return out


def _budget_cost(name: str, budget: float | None, before: Configuration,
                 after: Configuration) -> dict:
    rows = [{"op": c.op, "target": c.target, "cascade": c.cascade, "speed_before": before.speed(c),
             "speed_after": after.speed(c)} for c in before.consumers]
    slowdown = math.exp(sum(math.log(r["speed_before"] / r["speed_after"]) for r in rows)
                        / max(1, len(rows)))
    return {"budget": name, "limit": budget, "formats_before": len(before.formats),
            "formats_after": len(after.formats), "geomean_slowdown": slowdown, "consumers": rows}
