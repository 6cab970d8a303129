"""Video formats: a fidelity (what the pixels are) plus a coding (how they are stored).

Fidelity knobs: resolution scale, frame sampling stride, centred crop, image quality (H.264 CRF,
0 = lossless) and colour. A format is *richer than* another when every knob is at least as rich;
a consumption fidelity can be derived from any richer stored fidelity (:func:`derive_frame`).
Strides form a divisibility chain so that the frames of a sparser sampling are always a subset
of the frames of a denser one. Knob value sets are data (:data:`KNOBS`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from itertools import product

import numpy as np

from video.errors import BadArgumentError


@dataclass(frozen=True)
class KnobValues:
    """The values each knob may take, richest first."""

    scales: tuple[float, ...]  # fraction of the source width and height
    strides: tuple[int, ...]  # keep one frame in ``stride``; each divides the next
    crops: tuple[float, ...]  # fraction of the width and height kept, centred
    qualities: tuple[int, ...]  # H.264 constant rate factor; 0 = lossless (raw frames)
    colors: tuple[bool, ...]  # True = BGR colour, False = gray
    keyframe_intervals: tuple[int, ...]  # frames between H.264 keyframes (GOP length)
    presets: tuple[str, ...]  # x264 speed presets: faster = bigger files, cheaper ingestion


# The value sets follow VStore (Xu et al., EuroSys 2019, table 2): resolution, sampling, crop and
# quality steps for fidelity, keyframe interval and x264 speed step for coding. CRF 18 is x264's
# "visually lossless" point, 23 its default, 28/35 visibly degraded (x264 documentation).
# Only the preset and keyframe interval the profiler renders lossy fidelities with are searched:
# another coding changes the artifacts, and detectors such as HOG flip on them (measured: F1 0.77
# instead of 0.92 for people at CRF 18 with "ultrafast"; cascade diff,color,people F1 0.91 instead
# of 1.0 on bikes.mp4 with keyframes every 16 frames instead of 48), so accuracy would no longer
# be what was profiled.
KNOBS = KnobValues(
    scales=(1.0, 0.75, 0.5, 0.375, 0.25, 0.125),
    strides=(1, 2, 4, 8, 16),
    crops=(1.0, 0.75, 0.5),
    qualities=(0, 18, 23, 28, 35),
    colors=(True, False),
    keyframe_intervals=(48,),
    presets=("veryfast",),
)

MIN_SIDE = 16  # smallest frame side we encode; H.264 macroblocks are 16x16 pixels
SEGMENT_SECONDS = 2.0  # target duration of one stored segment (rounded to the stride chain)


@dataclass(frozen=True, order=True)
class Fidelity:
    """What the frames of a format show."""

    scale: float = 1.0
    stride: int = 1
    crop: float = 1.0
    quality: int = 18
    color: bool = True

    def __post_init__(self) -> None:
        if not 0 < self.scale <= 1 or not 0 < self.crop <= 1:
            raise BadArgumentError(f"fidelity {self}: scale and crop must be in (0, 1]")
        if self.stride < 1 or self.quality < 0 or self.quality > 51:
            raise BadArgumentError(f"fidelity {self}: stride >= 1 and quality in 0..51 required")

    def richer_or_equal(self, other: Fidelity) -> bool:
        """True when ``other`` can be derived from frames of this fidelity."""
        return (self.scale >= other.scale and other.stride % self.stride == 0
                and self.crop >= other.crop and self.quality <= other.quality
                and (self.color or not other.color))

    def join(self, other: Fidelity) -> Fidelity:
        """The poorest fidelity richer than (or equal to) both."""
        return Fidelity(scale=max(self.scale, other.scale),
                        stride=math.gcd(self.stride, other.stride),
                        crop=max(self.crop, other.crop),
                        quality=min(self.quality, other.quality),
                        color=self.color or other.color)

    def frame_size(self, width: int, height: int) -> tuple[int, int]:
        """Pixel (width, height) of this fidelity for a ``width`` x ``height`` source (even)."""
        def side(n: int) -> int:
            return max(MIN_SIDE, 2 * round(n * self.scale * self.crop / 2))
        return side(width), side(height)

    def pixel_rate(self, width: int, height: int, fps: float) -> float:
        """Pixels per second of video this fidelity carries (a size measure)."""
        w, h = self.frame_size(width, height)
        return w * h * (3 if self.color else 1) * fps / self.stride

    @property
    def id(self) -> str:
        return (f"s{self.scale:g}-k{self.stride}-c{self.crop:g}-q{self.quality}-"
                f"{'rgb' if self.color else 'gray'}")


@dataclass(frozen=True, order=True)
class Coding:
    """How frames are stored: raw, or H.264 with a keyframe interval and x264 speed preset."""

    kind: str = "h264"  # "raw" | "h264"
    keyint: int = 48
    preset: str = "veryfast"

    def __post_init__(self) -> None:
        if self.kind not in ("raw", "h264"):
            raise BadArgumentError(f"coding kind {self.kind!r} is not raw or h264")
        if self.kind == "h264" and (self.keyint < 1 or self.preset not in X264_PRESETS):
            raise BadArgumentError(f"coding {self}: keyint >= 1 and an x264 preset required")

    @property
    def id(self) -> str:
        return "raw" if self.kind == "raw" else f"h264-g{self.keyint}-{self.preset}"


X264_PRESETS = ("ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow")
RAW = Coding(kind="raw", keyint=1, preset="ultrafast")


@dataclass(frozen=True, order=True)
class StorageFormat:
    """A fidelity stored with a coding; raw coding always carries quality 0 (lossless)."""

    fidelity: Fidelity
    coding: Coding

    def __post_init__(self) -> None:
        lossless = self.fidelity.quality == 0
        if lossless != (self.coding.kind == "raw"):
            raise BadArgumentError(
                f"format {self.fidelity.id}/{self.coding.id}: quality 0 is stored raw, "
                "and raw frames are quality 0")

    @property
    def id(self) -> str:
        return f"{self.fidelity.id}_{self.coding.id}"

    def serves(self, consumption: Fidelity) -> bool:
        """True when frames of ``consumption`` can be derived from this format. Quality only
        goes one way: raw frames serve lossless consumers only, since a lossy consumer's
        accuracy was profiled on coded frames and pristine ones behave differently (frame
        difference fires more often on them, for one)."""
        return (self.fidelity.richer_or_equal(consumption)
                and (self.coding.kind != "raw" or consumption.quality == 0))


# The "golden" format: what the source decodes to (full resolution, every frame, colour) kept at
# x264's visually lossless quality, one keyframe per segment.
GOLDEN = StorageFormat(Fidelity(1.0, 1, 1.0, 18, True), Coding("h264", 48, "veryfast"))
# Accuracy is measured against operators run on the golden format: the full fidelity.
FULL_FIDELITY = GOLDEN.fidelity

_FIDELITY_RE = re.compile(r"^s([0-9.]+)-k(\d+)-c([0-9.]+)-q(\d+)-(rgb|gray)$")
_CODING_RE = re.compile(r"^(?:raw|h264-g(\d+)-([a-z]+))$")


def parse_fidelity(text: str) -> Fidelity:
    """Inverse of :attr:`Fidelity.id`."""
    m = _FIDELITY_RE.match(text)
    if not m:
        raise BadArgumentError(f"malformed fidelity id {text!r} (e.g. s0.5-k2-c1-q23-rgb)")
    return Fidelity(float(m[1]), int(m[2]), float(m[3]), int(m[4]), m[5] == "rgb")


def parse_format(text: str) -> StorageFormat:
    """Inverse of :attr:`StorageFormat.id`."""
    fid, _, cod = text.partition("_")
    m = _CODING_RE.match(cod)
    if not m:
        raise BadArgumentError(f"malformed coding in format id {text!r} (raw or h264-gN-preset)")
    coding = RAW if cod == "raw" else Coding("h264", int(m[1]), m[2])
    return StorageFormat(parse_fidelity(fid), coding)


def fidelity_grid(scales=KNOBS.scales, strides=KNOBS.strides, crops=KNOBS.crops,
                  qualities=KNOBS.qualities[1:], colors=KNOBS.colors) -> list[Fidelity]:
    """Every combination of the given knob values (consumption candidates are lossy H.264)."""
    return [Fidelity(*v) for v in product(scales, strides, crops, qualities, colors)]


def codings_for(fidelity: Fidelity, knobs: KnobValues = KNOBS) -> list[StorageFormat]:
    """The storage formats that keep exactly ``fidelity``: raw frames for quality 0, every
    H.264 coding otherwise."""
    if fidelity.quality == 0:
        return [StorageFormat(fidelity, RAW)]
    return [StorageFormat(fidelity, Coding("h264", g, p))
            for g, p in product(knobs.keyframe_intervals, knobs.presets)]


def segment_frames(fps: float) -> int:
    """Source frames per segment: about :data:`SEGMENT_SECONDS`, a multiple of the largest
    stride so that every sampling grid and every segment start agree."""
    step = max(KNOBS.strides)
    return max(step, step * round(fps * SEGMENT_SECONDS / step))


def derive_frame(frame: np.ndarray, source: Fidelity, target: Fidelity,
                 width: int, height: int) -> np.ndarray:
    """Frame of fidelity ``target`` from a stored frame of the richer fidelity ``source``.

    ``width`` x ``height`` is the original video's size; crops are centred, so the target crop
    is the central ``target.crop / source.crop`` part of the stored frame.
    """
    import cv2

    if target.crop < source.crop:
        h, w = frame.shape[:2]
        keep = target.crop / source.crop
        cw, ch = round(w * keep), round(h * keep)
        x0, y0 = (w - cw) // 2, (h - ch) // 2
        frame = frame[y0:y0 + ch, x0:x0 + cw]
    if frame.ndim == 3 and not target.color:
        frame = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    size = target.frame_size(width, height)
    if (frame.shape[1], frame.shape[0]) != size:
        frame = cv2.resize(frame, size, interpolation=cv2.INTER_AREA)
    return frame
