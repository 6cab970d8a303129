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
from video.formats import (
    FULL_FIDELITY,
    GOLDEN,
    Fidelity,
    StorageFormat,
    derive_frame,
    parse_fidelity,
    segment_frames,
)
from video.operators import OPERATOR_SPECS, f1_score, hold, make_operator, parse_operators
from video.paths import cache_dir

PROFILE_SECONDS = 4.0  # length of the profiling clip taken from the start of the video
PROFILE_VERSION = 2  # bump when the measurement method changes (invalidates cached profiles)
# Lossy consumption fidelities are rendered with the golden format's coding at their quality, so
# the full-fidelity candidate is exactly the golden format (the accuracy reference).
QUALITY_PROBE = GOLDEN.coding


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
                           (1.0, 0.75), (18, 28))
QUICK_GRID = ProfileGrid((1.0, 0.5, 0.25), (1, 2, 4, 8), (1.0,), (18, 28))


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
        if profile is not None:
            device, grid = profile.device, profile.grid
            limit = profile.video["frames"]
        else:
            limit = max(2, min(self.info.frames, round(seconds * self.info.fps)))
        self.frames = codec.read_frames(path, limit)
        self.seconds = len(self.frames) / self.info.fps
        digest = video_digest(path)
        self.profile = profile or Profile(
            {"path": self.path, "width": self.info.width, "height": self.info.height,
             "fps": self.info.fps, "frames": len(self.frames), "digest": digest},
            device, grid)
        key = hashlib.sha256(json.dumps(
            [PROFILE_VERSION, digest, asdict(grid), len(self.frames), device]).encode())
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

    def _views(self) -> list[Fidelity]:
        g = self.profile.grid
        return [Fidelity(s, 1, c, q, color) for s in g.scales for c in g.crops
                for q in g.qualities for color in (True, False)]

    def _render(self, view: Fidelity) -> list[np.ndarray]:
        """The clip at ``view``'s size, crop, colour and (H.264-degraded) quality."""
        w, h = self.info.width, self.info.height
        frames = [derive_frame(f, FULL_FIDELITY, view, w, h) for f in self.frames]
        fmt = StorageFormat(view, QUALITY_PROBE)
        step = segment_frames(self.info.fps)
        out: list[np.ndarray] = []
        for i in range(0, len(frames), step):
            seg = codec.Segment.parse(codec.encode_segment(frames[i:i + step], fmt, self.info.fps))
            decoded = seg.decode(range(seg.count))
            out.extend(decoded[j] for j in range(seg.count))
        return out

    def _measure_consumption(self, ops: list[str]) -> None:
        from tqdm import tqdm

        n = len(self.frames)
        golden = self._render(FULL_FIDELITY)
        reference: dict[str, np.ndarray] = {}
        points: dict[str, list[ConsumptionPoint]] = {}
        for op in ops:  # the run on the golden format is the reference, and a candidate (F1 = 1)
            t0 = time.perf_counter()
            reference[op] = np.array(make_operator(op)(golden))
            speed = self.seconds / max(time.perf_counter() - t0, 1e-9)
            points[op] = [ConsumptionPoint(FULL_FIDELITY, 1.0, speed, pack_bits(reference[op]))]
        views = self._views()
        bar = tqdm(total=len(views) * len(ops), desc="profile operators", unit="run",
                   disable=not sys.stderr.isatty())
        strides = self.profile.grid.strides
        for view in views:
            frames = golden if view == FULL_FIDELITY else self._render(view)
            for op in ops:
                bar.update()
                if OPERATOR_SPECS[op].needs_color and not view.color:
                    continue
                for stride, results, seconds in self._run(op, frames, strides):
                    held = hold(results, stride, n)
                    f1 = f1_score(held, reference[op])
                    fid = Fidelity(view.scale, stride, view.crop, view.quality, view.color)
                    if fid == FULL_FIDELITY:
                        continue  # already the reference point
                    points[op].append(ConsumptionPoint(
                        fid, f1, self.seconds / max(seconds, 1e-9), pack_bits(held)))
        bar.close()
        self.profile.consumption.update(points)

    @staticmethod
    def _run(op: str, frames: list[np.ndarray], strides: tuple[int, ...]):
        """(stride, results on every stride-th frame, operator seconds) for each stride.

        Stateless operators run once on every frame and are subsampled; stateful ones see
        exactly the sampled sequence, as they would in a query."""
        if OPERATOR_SPECS[op].stateful:
            for stride in strides:
                operator = make_operator(op)
                t0 = time.perf_counter()
                results = operator(frames[::stride])
                yield stride, results, time.perf_counter() - t0
            return
        operator = make_operator(op)
        results, times = [], []
        for frame in frames:
            t0 = time.perf_counter()
            results.extend(operator([frame]))
            times.append(time.perf_counter() - t0)
        for stride in strides:
            yield stride, results[::stride], float(np.sum(times[::stride]))

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
        step = segment_frames(self.info.fps) // fid.stride
        t0 = time.thread_time()  # CPU time: ingestion cost is a CPU budget
        frames = [derive_frame(f, FULL_FIDELITY, fid, w, h) for f in self.frames[::fid.stride]]
        blobs = [codec.encode_segment(frames[i:i + step], fmt, self.info.fps)
                 for i in range(0, len(frames), step)]
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
