"""Cascade queries: ``diff,color,people`` at an accuracy target over a stored stream.

Planning (:func:`plan_cascade`) picks per stage a consumption fidelity and a stored format it
derives from, so that the cascade meets the target on the profiling clip at the least cost.
Execution runs window by window (one segment window of source frames at a time): a stage reads
its own stored format, decodes only the frames it needs, derives its consumption fidelity, and
sees only the frames that passed the earlier stages. Stateful operators (diff, motion) start
afresh in every window, as in the profile and the reference, so all three agree on semantics.
A sampled stage's result on a frame is its result on the last sampled frame at or before it.
The answer is the matching timestamps, the speed (video seconds per second of wall time plus
modeled I/O) and the F1 against the same cascade on the golden (full-fidelity) format.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from itertools import product
from math import prod

import numpy as np

from video import codec
from video.errors import InfeasibleTargetError, UnknownOperatorError
from video.formats import (
    FULL_FIDELITY,
    GOLDEN,
    Fidelity,
    StorageFormat,
    codings_for,
    derive_frame,
)
from video.operators import OPERATOR_SPECS, f1_score, make_operator, parse_operators
from video.profiler import ConsumptionPoint, Profile, clip_target
from video.store import StreamInfo, VideoStore


@dataclass(frozen=True)
class Stage:
    """One cascade stage: its operator, consumption fidelity and the stored format it reads."""

    op: str
    fidelity: Fidelity
    storage: StorageFormat
    profiled_f1: float
    estimated_speed: float  # x real time: operator and retrieval, from the profile

    def to_json(self) -> dict:
        return {"op": self.op, "fidelity": self.fidelity.id, "storage_format": self.storage.id,
                "profiled_f1": self.profiled_f1, "estimated_speed": self.estimated_speed}


@dataclass
class QueryResult:
    """What a cascade query found and what it cost."""

    stream: str
    cascade: list[str]
    target: float
    stages: list[Stage]
    matches: np.ndarray  # per source frame
    fps: float
    wall_seconds: float
    io_seconds: float
    decode_seconds: float
    operator_seconds: float
    frames_evaluated: list[int]
    stage_seconds: list[tuple[float, float]]  # per stage: (operator, decode) seconds
    f1: float | None = None
    reference_matches: np.ndarray | None = field(default=None, repr=False)

    @property
    def video_seconds(self) -> float:
        return len(self.matches) / self.fps

    @property
    def query_seconds(self) -> float:
        return self.wall_seconds + self.io_seconds

    @property
    def speed_x_realtime(self) -> float:
        return self.video_seconds / max(self.query_seconds, 1e-9)

    def intervals(self) -> list[tuple[float, float]]:
        """Matching time ranges in seconds, [start, end)."""
        edges = np.flatnonzero(np.diff(np.concatenate(([0], self.matches.astype(np.int8), [0]))))
        return [(s / self.fps, e / self.fps) for s, e in zip(edges[::2], edges[1::2])]

    def stage_breakdown(self) -> list[dict]:
        """Per stage: operator, frames it evaluated, operator and decoding seconds."""
        return [{"op": s.op, "frames": n, "operator_seconds": o, "decode_seconds": d}
                for s, n, (o, d) in zip(self.stages, self.frames_evaluated, self.stage_seconds)]

    def to_json(self) -> dict:
        return {
            "stream": self.stream, "cascade": self.cascade, "target": self.target,
            "stages": [s.to_json() for s in self.stages],
            "frames_evaluated": self.frames_evaluated,
            "stage_seconds": self.stage_breakdown(),
            "matching_frames": int(self.matches.sum()),
            "matching_intervals": [[round(a, 3), round(b, 3)] for a, b in self.intervals()],
            "video_seconds": self.video_seconds, "query_seconds": self.query_seconds,
            "wall_seconds": self.wall_seconds, "io_seconds": self.io_seconds,
            "decode_seconds": self.decode_seconds, "operator_seconds": self.operator_seconds,
            "speed_x_realtime": self.speed_x_realtime, "f1": self.f1,
            "reference_frames": None if self.reference_matches is None
            else int(self.reference_matches.sum()),
        }


MAX_PLANS = 200_000  # exhaustive cascade search up to this many combinations


def decoded_share(fmt: StorageFormat, wanted: float) -> float:
    """Expected share of a segment's stored frames decoded when each is wanted with probability
    ``wanted``: raw frames are read one by one; H.264 decodes each GOP from its keyframe up to
    the last wanted frame, i.e. g - sum_{m=1..g} (1-p)^m frames of a GOP of g."""
    p = min(max(wanted, 0.0), 1.0)
    if fmt.coding.kind == "raw" or p in (0.0, 1.0):
        return p
    g = fmt.coding.keyint
    return 1.0 - (1 - p) * (1 - (1 - p) ** g) / (p * g)


@dataclass(frozen=True)
class _Option:
    point: ConsumptionPoint
    storage: StorageFormat
    retrieval_speed: float


def _options(profile: Profile, formats: list[StorageFormat] | None, op: str) -> list[_Option]:
    """Each profiled fidelity of ``op`` with the fastest stored format it derives from, Pareto-
    pruned on (F1, standalone speed). ``formats=None`` plans for an ideal store that holds
    every fidelity and reads it for free (used to decide what to store)."""
    options = []
    for p in profile.consumption[op]:
        if formats is None:
            options.append(_Option(p, codings_for(p.fidelity)[0], float("inf")))
            continue
        sources = [f for f in formats if f.serves(p.fidelity)]
        if sources:
            best = max(sources, key=lambda f: profile.storage[f.id].retrieval_speed)
            options.append(_Option(p, best, profile.storage[best.id].retrieval_speed))

    def alone(o: _Option) -> float:
        return 1 / o.point.speed + 1 / o.retrieval_speed

    options.sort(key=lambda o: (-o.point.f1, alone(o)))
    pareto, fastest = [], float("inf")
    for o in options:  # by falling F1: keep each option faster than every richer one
        if alone(o) < fastest:
            pareto.append(o)
            fastest = alone(o)
    return pareto


def plan_cascade(profile: Profile, formats: list[StorageFormat] | None, ops: list[str],
                 target: float) -> list[Stage]:
    """The fastest combination of (consumption fidelity, stored format) per stage whose cascade
    F1 on the profiling clip meets ``target`` with headroom (:func:`clip_target`).

    The profile keeps every candidate's per-frame results on the clip, so a combination's
    cascade F1 (the AND of its stages against the AND of the golden-format references) and its
    cost (each stage's operator and decoding time, scaled by the share of frames that reach it)
    are evaluated exactly on the clip.
    """
    if not 0 < target <= 1:
        raise InfeasibleTargetError(f"accuracy target {target:g} is impossible: F1 lies in (0, 1]")
    ops = parse_operators(ops)
    n = profile.video["frames"]
    choices = []
    for op in ops:
        if op not in profile.consumption:
            raise UnknownOperatorError(f"operator {op!r} was not profiled for this store "
                                       f"(profiled: {', '.join(profile.consumption)})")
        options = _options(profile, formats, op)
        if not options:
            raise InfeasibleTargetError(f"no stored format can serve {op!r} (stored: "
                                        f"{', '.join(f.id for f in formats or [])})")
        choices.append(options)
    while prod(len(c) for c in choices) > MAX_PLANS:  # thin the longest list, keep its ends
        longest = max(choices, key=len)
        longest[:] = longest[::2] + ([longest[-1]] if len(longest) % 2 == 0 else [])
    needed = clip_target(target)
    reference = np.logical_and.reduce([
        next(p for p in profile.consumption[op] if p.fidelity == FULL_FIDELITY).frames(n)
        for op in ops])
    results = [[o.point.frames(n) for o in c] for c in choices]
    best = None
    for combo in product(*[range(len(c)) for c in choices]):
        passed = np.ones(n, dtype=bool)
        cost = 0.0
        for i, j in enumerate(combo):
            option = choices[i][j]
            reach = 1.0 if OPERATOR_SPECS[ops[i]].stateful else float(passed.mean())
            wanted = reach * option.storage.fidelity.stride / option.point.fidelity.stride
            cost += (reach / option.point.speed
                     + decoded_share(option.storage, wanted) / option.retrieval_speed)
            passed &= results[i][j]
        if best is not None and cost >= best[0]:
            continue
        if f1_score(passed, reference) >= needed:
            best = (cost, combo)
    if best is None:
        raise InfeasibleTargetError(
            f"cascade {','.join(ops)} cannot reach F1 {target:g} from the stored formats "
            f"({', '.join(f.id for f in formats or [])}); configure and ingest for this target")
    stages = []
    for i, j in enumerate(best[1]):
        o = choices[i][j]
        stages.append(Stage(ops[i], o.point.fidelity, o.storage, o.point.f1,
                            1.0 / (1 / o.point.speed + 1 / o.retrieval_speed)))
    return stages


class _SegmentReader:
    """Decoded frames of one segment window, shared by the stages that read the same format."""

    def __init__(self, store: VideoStore, stream: StreamInfo, window: int) -> None:
        self.store, self.stream, self.window = store, stream, window
        self.segments: dict[str, codec.Segment] = {}
        self.frames: dict[str, dict[int, np.ndarray]] = {}
        self.decode_seconds = 0.0
        self.io_seconds = 0.0

    def get(self, fmt: StorageFormat, sources: np.ndarray) -> dict[int, np.ndarray]:
        """Stored frames of ``fmt`` for the source frame indices ``sources``."""
        if fmt.id not in self.segments:
            blob, io = self.store.read_segment(self.stream.name, fmt.id, self.window)
            self.io_seconds += io
            self.segments[fmt.id] = codec.Segment.parse(blob)
            self.frames[fmt.id] = {}
        have = self.frames[fmt.id]
        first = self.window * self.stream.segment_frames
        stored = {int(s): (int(s) - first) // fmt.fidelity.stride for s in sources}
        missing = sorted({i for i in stored.values() if i not in have})
        if missing:
            t0 = time.perf_counter()
            have.update(self.segments[fmt.id].decode(missing))
            self.decode_seconds += time.perf_counter() - t0
        return {s: have[i] for s, i in stored.items()}


def run_cascade(store: VideoStore, stream: StreamInfo, stages: list[Stage]) -> QueryResult:
    """Execute a planned cascade over the whole stream."""
    from tqdm import tqdm

    n, step = stream.frames, stream.segment_frames
    operators = [make_operator(s.op) for s in stages]
    evaluated = [0] * len(stages)
    stage_op, stage_decode = [0.0] * len(stages), [0.0] * len(stages)
    matches = np.zeros(n, dtype=bool)
    decode = io = 0.0
    t_start = time.perf_counter()
    for window in tqdm(range(stream.segments), desc="query", unit="seg",
                       disable=not sys.stderr.isatty()):
        lo, hi = window * step, min(n, (window + 1) * step)
        candidates = np.arange(lo, hi)
        reader = _SegmentReader(store, stream, window)
        for i, stage in enumerate(stages):
            if candidates.size == 0:
                break
            k = stage.fidelity.stride
            if OPERATOR_SPECS[stage.op].stateful:  # its whole sampled window, from a reset
                sampled = np.arange(lo, hi, k)
                operators[i].reset()
            else:
                sampled = np.unique(candidates - candidates % k)
            d0 = reader.decode_seconds
            stored = reader.get(stage.storage, sampled)
            stage_decode[i] += reader.decode_seconds - d0
            frames = [derive_frame(stored[int(s)], stage.storage.fidelity, stage.fidelity,
                                   stream.width, stream.height) for s in sampled]
            t0 = time.perf_counter()
            results = dict(zip(sampled.tolist(), operators[i](frames)))
            stage_op[i] += time.perf_counter() - t0
            evaluated[i] += len(sampled)
            keep = np.array([results[int(f - f % k)] for f in candidates], dtype=bool)
            candidates = candidates[keep]
        matches[candidates] = True
        decode += reader.decode_seconds
        io += reader.io_seconds
    wall = time.perf_counter() - t_start
    return QueryResult(stream.name, [s.op for s in stages], 0.0, stages, matches, stream.fps,
                       wall, io, decode, sum(stage_op), evaluated,
                       list(zip(stage_op, stage_decode)))


def reference_results(store: VideoStore, stream: StreamInfo, op: str) -> np.ndarray | None:
    """Per-frame results of ``op`` on the golden format of the whole stream (cached in the
    store); None when neither the cache nor the source video is available."""
    cached = store.reference(stream.name, op)
    if cached is not None:
        return cached
    from pathlib import Path

    if not Path(stream.source).is_file():
        return None
    operator = make_operator(op)
    results: list[bool] = []
    for frames in codec.iter_frames(stream.source, stream.segment_frames, limit=stream.frames):
        operator.reset()  # stateful operators see one segment window at a time
        seg = codec.Segment.parse(codec.encode_segment(frames, GOLDEN, stream.fps))
        golden = seg.decode(range(seg.count))
        results.extend(operator([golden[j] for j in range(seg.count)]))
    out = np.array(results, dtype=bool)
    store.put_reference(stream.name, op, out)
    return out


def query(store: VideoStore, cascade: list[str], target: float, stream: str | None = None,
          with_f1: bool = True) -> QueryResult:
    """Plan and run ``cascade`` at ``target`` over a stream of ``store``."""
    from video.session import store_profile

    ops = parse_operators(cascade)
    info = store.stream(stream)
    profile = store_profile(store)
    stages = plan_cascade(profile, store.formats(info), ops, target)
    result = run_cascade(store, info, stages)
    result.target = target
    if with_f1:
        refs = [reference_results(store, info, op) for op in ops]
        if all(r is not None for r in refs):
            result.reference_matches = np.logical_and.reduce(refs)
            result.f1 = f1_score(result.matches, result.reference_matches)
    return result

