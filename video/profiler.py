"""Profiles: what each operator achieves at each consumption fidelity, and what each storage
format costs, measured on a short clip from the start of the video.

* consumption: for every operator and candidate fidelity, F1 against the operator on the
  full-fidelity frames and the consumption speed (video seconds per second of operator time);
* storage: for a storage format, bytes per video-second, ingestion cost (CPU seconds per
  video-second: cores needed to ingest in real time) and retrieval speed (video seconds per
  second of decoding plus modeled device I/O).

Profiles are cached as JSON under the hwemu cache, keyed by the video's contents and the grid.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from video import codec
from video.errors import StoreError
from video.formats import (
    FULL_FIDELITY,
    GOLDEN,
    RAW,
    Fidelity,
    StorageFormat,
    derive_frame,
    parse_fidelity,
    segment_frames,
)
from video.operators import OPERATOR_SPECS, f1_score, hold, make_operator, parse_operators
from video.paths import cache_dir

PROFILE_SECONDS = 8.0  # least length of the profiling clip, in whole segment windows
PROFILE_SHARE = 0.4  # ... or this share of the video's windows, up to PROFILE_MAX_WINDOWS
PROFILE_MAX_WINDOWS = 30
PROFILE_VERSION = 6  # bump when the measurement method changes (invalidates cached profiles)
# Lossy consumption fidelities are rendered with the golden format's coding at their quality, so
# the full-fidelity candidate is exactly the golden format (the accuracy reference).
QUALITY_PROBE = GOLDEN.coding


# The clip is a sample of the video: a choice must meet its target with this share of the error
# budget (1 - target) to spare on the clip (0.5: a 0.9 target needs F1 0.95 on the clip).
HEADROOM = 0.5


def clip_target(target: float) -> float:
    """The F1 a choice must reach on the profiling clip to be trusted with ``target``."""
    return target + HEADROOM * (1 - target)


@dataclass(frozen=True)
class ProfileGrid:
    """The consumption fidelities to try (knob values per axis)."""

    scales: tuple[float, ...]
    strides: tuple[int, ...]
    crops: tuple[float, ...]
    qualities: tuple[int, ...]


# Default: every scale and stride of formats.KNOBS, the two richest crops and two qualities;
# the quick grid keeps tests and the demo to seconds.
DEFAULT_GRID = ProfileGrid((1.0, 0.75, 0.5, 0.375, 0.25, 0.125), (1, 2, 4, 8, 16),
                           (1.0, 0.75), (0, 18, 28))
QUICK_GRID = ProfileGrid((1.0, 0.5, 0.25), (1, 2, 4, 8), (1.0,), (0, 18, 28))


@dataclass(frozen=True)
class ConsumptionPoint:
    """One operator at one consumption fidelity."""

    fidelity: Fidelity
    f1: float
    speed: float  # video seconds processed per second of operator time (x real time)
    results: str = ""  # per-frame results on the clip (held over skipped frames), packed, hex

    def frames(self, n: int) -> np.ndarray:
        """The per-frame results as booleans (``n`` frames)."""
        return unpack_bits(self.results, n)


def pack_bits(flags: np.ndarray) -> str:
    return np.packbits(np.asarray(flags, dtype=bool)).tobytes().hex()


def unpack_bits(text: str, n: int) -> np.ndarray:
    return np.unpackbits(np.frombuffer(bytes.fromhex(text), dtype=np.uint8))[:n].astype(bool)


@dataclass(frozen=True)
class StoragePoint:
    """One storage format's costs."""

    bytes_per_second: float  # stored bytes per video-second
    ingest_cores: float  # transcoding CPU seconds per video-second
    retrieval_speed: float  # video seconds per second of decode + modeled I/O (x real time)
    decode_speed: float  # the same without I/O


@dataclass
class Profile:
    """Measurements for one video: per-operator consumption points, per-format storage points."""

    video: dict  # path, width, height, fps, frames (of the profiling clip), digest
    device: str
    grid: ProfileGrid
    consumption: dict[str, list[ConsumptionPoint]] = field(default_factory=dict)
    storage: dict[str, StoragePoint] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {
            "video": self.video, "device": self.device, "grid": asdict(self.grid),
            "consumption": {op: [{"fidelity": p.fidelity.id, "f1": p.f1, "speed": p.speed,
                                  "results": p.results}
                                 for p in points] for op, points in self.consumption.items()},
            "storage": {fid: asdict(p) for fid, p in self.storage.items()},
        }

    @classmethod
    def from_json(cls, data: dict) -> Profile:
        grid = ProfileGrid(**{k: tuple(v) for k, v in data["grid"].items()})
        consumption = {op: [ConsumptionPoint(parse_fidelity(p["fidelity"]), p["f1"], p["speed"],
                                             p["results"])
                            for p in points] for op, points in data["consumption"].items()}
        storage = {fid: StoragePoint(**p) for fid, p in data["storage"].items()}
        return cls(data["video"], data["device"], grid, consumption, storage)


def choose_windows(path: str | Path, step: int, count: int) -> list[int]:
    """``count`` segment windows to profile on: half spread evenly over the video (coverage),
    half the most active of the rest (events are rare; activity is the mean absolute change
    between consecutive frames at 64 pixels wide), so rare events are likelier to be seen."""
    import cv2

    activity, previous = [], None
    for chunk in codec.iter_frames(path, step):
        change = 0.0
        for frame in chunk:
            small = cv2.cvtColor(cv2.resize(frame, (64, 36), interpolation=cv2.INTER_AREA),
                                 cv2.COLOR_BGR2GRAY).astype(np.int16)
            if previous is not None:
                change += float(np.mean(np.abs(small - previous)))
            previous = small
        activity.append(change / len(chunk))
    total = len(activity)
    if count >= total:
        return list(range(total))
    spread = {int(w) for w in np.linspace(0, total - 1, (count + 1) // 2).round()}
    busiest = [w for w in np.argsort(activity)[::-1].tolist() if w not in spread]
    return sorted(spread | set(busiest[:count - len(spread)]))


def _read_windows(path: str | Path, step: int, windows: list[int]) -> list[list[np.ndarray]]:
    """The frames of the given segment windows (``step`` frames each), decoding once."""
    wanted, out = set(windows), []
    for index, chunk in enumerate(codec.iter_frames(path, step)):
        if index in wanted:
            out.append(chunk)
        if index >= windows[-1]:
            break
    return out


def video_digest(path: str | Path) -> str:
    """A content key for ``path``: size plus a hash of its first and last MiB."""
    p = Path(path)
    size = p.stat().st_size
    h = hashlib.sha256(str(size).encode())
    with p.open("rb") as f:
        h.update(f.read(1 << 20))
        f.seek(max(0, size - (1 << 20)))
        h.update(f.read())
    return h.hexdigest()[:20]


class Profiler:
    """Measures a :class:`Profile` on the first :data:`PROFILE_SECONDS` of a video."""

    def __init__(self, path: str | Path, device: str = "ssd", grid: ProfileGrid = DEFAULT_GRID,
                 seconds: float = PROFILE_SECONDS, use_cache: bool = True,
                 profile: Profile | None = None) -> None:
        """Profile ``path``; with ``profile`` given, continue that profile (same clip length)."""
        self.path = str(path)
        self.info = codec.probe(path)
        self.step = segment_frames(self.info.fps)
        if profile is not None:
            device, grid = profile.device, profile.grid
            windows = profile.video["windows"]
        else:
            total = -(-self.info.frames // self.step)
            count = max(1, round(seconds * self.info.fps / self.step),
                        min(PROFILE_MAX_WINDOWS, round(PROFILE_SHARE * total)))
            windows = choose_windows(path, self.step, count)
        self.excerpts = _read_windows(path, self.step, windows)
        self.frames = [f for excerpt in self.excerpts for f in excerpt]
        self.seconds = len(self.frames) / self.info.fps
        digest = video_digest(path)
        if profile is not None and profile.video["digest"] != digest:
            raise StoreError(f"{path}: changed since it was profiled")
        self.profile = profile or Profile(
            {"path": self.path, "width": self.info.width, "height": self.info.height,
             "fps": self.info.fps, "frames": len(self.frames), "windows": windows,
             "digest": digest}, device, grid)
        key = hashlib.sha256(json.dumps(
            [PROFILE_VERSION, digest, asdict(grid), windows, device]).encode())
        self._cache_file = (cache_dir() / "profiles" / f"{key.hexdigest()[:24]}.json"
                            if use_cache else None)
        if profile is None and self._cache_file and self._cache_file.is_file():
            self.profile = Profile.from_json(json.loads(self._cache_file.read_text()))
            self.profile.video["path"] = self.path

    # -- consumption ------------------------------------------------------------------------
    def profile_operators(self, ops: list[str]) -> Profile:
        """Consumption points of every operator in ``ops`` (measured once, then cached)."""
        missing = [op for op in parse_operators(ops) if op not in self.profile.consumption]
        if missing:
            self._measure_consumption(missing)
            self._save()
        return self.profile

    def _candidates(self) -> list[Fidelity]:
        """Every grid fidelity except the golden one (which is the reference)."""
        g = self.profile.grid
        grid = [Fidelity(s, k, c, q, color) for s in g.scales for k in g.strides
                for c in g.crops for q in g.qualities for color in (True, False)]
        return [f for f in grid if f != FULL_FIDELITY]

    def _render(self, fidelity: Fidelity) -> list[list[np.ndarray]]:
        """Each excerpt's sampled frames at ``fidelity``, encoded and decoded exactly as a
        stored segment of that fidelity with the profiling coding would be."""
        w, h = self.info.width, self.info.height
        fmt = StorageFormat(fidelity, RAW if fidelity.quality == 0 else QUALITY_PROBE)
        out = []
        for excerpt in self.excerpts:
            frames = [derive_frame(f, FULL_FIDELITY, fidelity, w, h)
                      for f in excerpt[::fidelity.stride]]
            seg = codec.Segment.parse(codec.encode_segment(frames, fmt, self.info.fps))
            decoded = seg.decode(range(seg.count))
            out.append([decoded[j] for j in range(seg.count)])
        return out

    def _run(self, op: str, rendered: list[list[np.ndarray]], stride: int):
        """Per-frame results of ``op`` over the excerpts (held over skipped frames) and the
        operator's seconds. Each excerpt starts a new sequence, as a query's segment window."""
        operator = make_operator(op)
        held, seconds = [], 0.0
        for sampled, excerpt in zip(rendered, self.excerpts):
            operator.reset()
            t0 = time.perf_counter()
            results = operator(sampled)
            seconds += time.perf_counter() - t0
            held.append(hold(results, stride, len(excerpt)))
        return np.concatenate(held), max(seconds, 1e-9)

    def _measure_consumption(self, ops: list[str]) -> None:
        from tqdm import tqdm

        golden = self._render(FULL_FIDELITY)
        reference: dict[str, np.ndarray] = {}
        points: dict[str, list[ConsumptionPoint]] = {}
        for op in ops:  # the run on the golden format is the reference, and a candidate (F1 = 1)
            reference[op], seconds = self._run(op, golden, 1)
            points[op] = [ConsumptionPoint(FULL_FIDELITY, 1.0, self.seconds / seconds,
                                           pack_bits(reference[op]))]
        candidates = self._candidates()
        bar = tqdm(total=len(candidates), desc="profile operators", unit="fidelity",
                   disable=not sys.stderr.isatty())
        for fidelity in candidates:
            bar.update()
            users = [op for op in ops if fidelity.color or not OPERATOR_SPECS[op].needs_color]
            if not users:
                continue
            rendered = self._render(fidelity)
            for op in users:
                held, seconds = self._run(op, rendered, fidelity.stride)
                points[op].append(ConsumptionPoint(fidelity, f1_score(held, reference[op]),
                                                   self.seconds / seconds, pack_bits(held)))
        bar.close()
        self.profile.consumption.update(points)

    # -- storage ----------------------------------------------------------------------------
    def storage_point(self, fmt: StorageFormat) -> StoragePoint:
        """Costs of ``fmt`` measured on the clip (cached per format and device)."""
        if fmt.id not in self.profile.storage:
            self.profile.storage[fmt.id] = self._measure_storage(fmt)
            self._save()
        return self.profile.storage[fmt.id]

    def _measure_storage(self, fmt: StorageFormat) -> StoragePoint:
        from memory.storage import StorageDevice, storage_preset

        fid = fmt.fidelity
        w, h = self.info.width, self.info.height
        t0 = time.thread_time()  # CPU time: ingestion cost is a CPU budget
        blobs = [codec.encode_segment([derive_frame(f, FULL_FIDELITY, fid, w, h)
                                       for f in excerpt[::fid.stride]], fmt, self.info.fps)
                 for excerpt in self.excerpts]
        ingest = time.thread_time() - t0
        t0 = time.perf_counter()
        for blob in blobs:
            seg = codec.Segment.parse(blob)
            seg.decode(range(seg.count))
        decode = time.perf_counter() - t0
        # Segments of one format are interleaved with the other formats' on the device, so
        # each segment read is charged as a random request.
        device = StorageDevice(storage_preset(self.profile.device))
        io = sum(device.cost(len(b), write=False, sequential=False) for b in blobs)
        return StoragePoint(bytes_per_second=sum(map(len, blobs)) / self.seconds,
                            ingest_cores=ingest / self.seconds,
                            retrieval_speed=self.seconds / max(decode + io, 1e-9),
                            decode_speed=self.seconds / max(decode, 1e-9))

    def _save(self) -> None:
        if self._cache_file is None:
            return
        self._cache_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = self._cache_file.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(json.dumps(self.profile.to_json()))
        os.replace(tmp, self._cache_file)
