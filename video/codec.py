"""PyAV (FFmpeg) decode of source videos and encode/decode of stored segments.

A stored segment is self-contained: a small header, then either raw frames or H.264 packets
(one per frame: x264 runs without B-frames, so decode order is display order) whose keyframes
repeat SPS/PPS. Retrieval of frames ``i..j`` of a segment therefore starts at the last keyframe
at or before ``i`` and decodes only up to ``j``.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np

from video.errors import BadVideoError
from video.formats import StorageFormat

_MAGIC = b"VSG1"
_HEADER = struct.Struct("<4sBHHBI")  # magic, kind (0 raw, 1 h264), width, height, channels, n
_KIND_RAW, _KIND_H264 = 0, 1

# Decoder threads for this 2-core machine: FFmpeg's frame threading pays off only once a frame
# is large enough to amortize its hand-off (measured here: below ~0.25 MP one thread is faster).
DECODE_THREADS = ((250_000, 2), (0, 1))  # (minimum pixels per frame, threads)
ENCODE_THREADS = 1  # ingestion runs one encoder per core, so each encoder is single-threaded


@dataclass(frozen=True)
class VideoInfo:
    """What a source video is: size, frame rate, frame count (as the container states it)."""

    path: str
    width: int
    height: int
    fps: float
    frames: int

    @property
    def seconds(self) -> float:
        return self.frames / self.fps


def _open(path: str | Path):
    import av

    p = Path(path)
    if not p.is_file():
        raise BadVideoError(f"{p}: no such video file")
    try:
        container = av.open(str(p))
    except (av.error.FFmpegError, UnicodeDecodeError, ValueError) as exc:
        raise BadVideoError(f"{p}: not a readable video ({exc})") from None
    if not container.streams.video:
        container.close()
        raise BadVideoError(f"{p}: no video stream")
    return container


def probe(path: str | Path) -> VideoInfo:
    """Size, frame rate and frame count of ``path`` (counting frames when the header has none)."""
    container = _open(path)
    with container:
        stream = container.streams.video[0]
        rate = stream.average_rate or stream.guessed_rate
        ctx = stream.codec_context
        if not rate or not ctx.width or not ctx.height:
            raise BadVideoError(f"{path}: video stream without size or frame rate")
        frames = stream.frames
    if not frames:
        frames = sum(len(chunk) for chunk in iter_frames(path, 64))
    if frames == 0:
        raise BadVideoError(f"{path}: video stream has no frames")
    return VideoInfo(str(path), ctx.width, ctx.height, float(rate), frames)


def iter_frames(path: str | Path, chunk: int, limit: int | None = None,
                expected: int | None = None) -> Iterator[list[np.ndarray]]:
    """Decode ``path`` once into lists of ``chunk`` BGR frames (the last may be shorter).

    With ``expected`` set, a stream that ends early or fails to decode is reported as truncated.
    """
    import av

    container = _open(path)
    n = 0
    with container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        stream.thread_count = _decode_threads(stream.codec_context.width,
                                              stream.codec_context.height)
        batch: list[np.ndarray] = []
        try:
            for frame in container.decode(stream):
                batch.append(frame.to_ndarray(format="bgr24"))
                n += 1
                if len(batch) == chunk:
                    yield batch
                    batch = []
                if limit is not None and n >= limit:
                    break
        except av.error.FFmpegError as exc:
            raise BadVideoError(f"{path}: corrupt or truncated at frame {n} ({exc})") from None
        if batch:
            yield batch
    want = expected if limit is None else min(limit, expected or limit)
    if expected is not None and n < want:
        raise BadVideoError(f"{path}: truncated: decoded {n} of {want} frames")


def read_frames(path: str | Path, limit: int | None = None) -> list[np.ndarray]:
    """Every (or the first ``limit``) BGR frame of ``path``."""
    return [f for chunk in iter_frames(path, 256, limit) for f in chunk]


def _decode_threads(width: int, height: int) -> int:
    return next(t for pixels, t in DECODE_THREADS if width * height >= pixels)


def encode_segment(frames: Sequence[np.ndarray], fmt: StorageFormat, fps: float) -> bytes:
    """One self-contained segment of ``frames`` (already at ``fmt``'s fidelity) in ``fmt``."""
    if not frames:
        raise ValueError("empty segment")
    h, w = frames[0].shape[:2]
    channels = 1 if frames[0].ndim == 2 else frames[0].shape[2]
    if fmt.coding.kind == "raw":
        header = _HEADER.pack(_MAGIC, _KIND_RAW, w, h, channels, len(frames))
        return header + b"".join(np.ascontiguousarray(f).tobytes() for f in frames)
    packets = _x264(frames, fmt, fps, w, h, channels)
    sizes = np.array([len(p) for p, _ in packets], dtype="<u4")
    keys = np.array([k for _, k in packets], dtype="u1")
    header = _HEADER.pack(_MAGIC, _KIND_H264, w, h, channels, len(packets))
    return header + sizes.tobytes() + keys.tobytes() + b"".join(p for p, _ in packets)


def _x264(frames: Sequence[np.ndarray], fmt: StorageFormat, fps: float, w: int, h: int,
          channels: int) -> list[tuple[bytes, bool]]:
    import av

    ctx = av.CodecContext.create("libx264", "w")
    ctx.width, ctx.height = w, h
    ctx.pix_fmt = "yuv420p" if channels == 3 else "gray"
    rate = Fraction(fps).limit_denominator(1001) / fmt.fidelity.stride
    ctx.time_base = 1 / rate
    ctx.framerate = rate
    ctx.thread_count = ENCODE_THREADS
    g = str(fmt.coding.keyint)
    ctx.options = {"crf": str(fmt.fidelity.quality), "preset": fmt.coding.preset, "bf": "0",
                   "g": g, "keyint_min": g, "sc_threshold": "0",
                   "x264-params": "repeat-headers=1"}
    src_format = "bgr24" if channels == 3 else "gray"
    out: list[tuple[bytes, bool]] = []
    for i, array in enumerate(frames):
        frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(array), format=src_format)
        frame.pts = i
        out.extend((bytes(p), p.is_keyframe) for p in ctx.encode(frame))
    out.extend((bytes(p), p.is_keyframe) for p in ctx.encode(None))
    if len(out) != len(frames):
        raise RuntimeError(f"x264 returned {len(out)} packets for {len(frames)} frames")
    return out


@dataclass(frozen=True)
class Segment:
    """A parsed stored segment: header fields plus views of its packets or raw frames."""

    kind: int
    width: int
    height: int
    channels: int
    count: int
    payload: memoryview
    sizes: np.ndarray | None  # H.264 packet sizes
    keyframes: np.ndarray | None  # H.264 keyframe flags

    @classmethod
    def parse(cls, blob: bytes | memoryview) -> Segment:
        view = memoryview(blob)
        magic, kind, w, h, c, n = _HEADER.unpack_from(view)
        if magic != _MAGIC:
            raise BadVideoError("stored segment has a bad header")
        pos = _HEADER.size
        if kind == _KIND_RAW:
            return cls(kind, w, h, c, n, view[pos:], None, None)
        sizes = np.frombuffer(view, dtype="<u4", count=n, offset=pos)
        keys = np.frombuffer(view, dtype="u1", count=n, offset=pos + 4 * n)
        return cls(kind, w, h, c, n, view[pos + 5 * n:], sizes, keys.astype(bool))

    def decode(self, wanted: Sequence[int]) -> dict[int, np.ndarray]:
        """Frames at the (sorted, distinct) indices ``wanted``, decoding as little as possible."""
        if self.kind == _KIND_RAW:
            shape = (self.height, self.width) if self.channels == 1 else (
                self.height, self.width, self.channels)
            size = int(np.prod(shape))
            data = np.frombuffer(self.payload, dtype=np.uint8)
            return {i: data[i * size:(i + 1) * size].reshape(shape) for i in wanted}
        return self._decode_h264(wanted)

    def _decode_h264(self, wanted: Sequence[int]) -> dict[int, np.ndarray]:
        import av

        starts = np.concatenate(([0], np.cumsum(self.sizes, dtype=np.int64)))
        key_positions = np.flatnonzero(self.keyframes)
        out_format = "bgr24" if self.channels == 3 else "gray"
        wanted_set = frozenset(wanted)
        frames: dict[int, np.ndarray] = {}
        ctx = None
        fed = produced = 0  # packets given to the decoder / frames it returned, from `first`
        first = 0
        for target in wanted:
            key = int(key_positions[np.searchsorted(key_positions, target, side="right") - 1])
            if ctx is None or key > first + fed:  # the keyframe lies ahead: skip to it
                ctx = av.CodecContext.create("h264", "r")
                ctx.thread_count = _decode_threads(self.width, self.height)
                ctx.thread_type = "FRAME" if ctx.thread_count > 1 else "SLICE"
                first, fed, produced = key, 0, 0
            while first + produced <= target:
                index = first + fed
                packet = None  # past the last packet: drain the frame-threaded decoder
                if index < self.count:
                    packet = av.Packet(self.payload[starts[index]:starts[index + 1]])
                    fed += 1
                decoded = ctx.decode(packet)
                for frame in decoded:
                    if first + produced in wanted_set:
                        frames[first + produced] = frame.to_ndarray(format=out_format)
                    produced += 1
                if packet is None and not decoded:
                    raise BadVideoError(f"stored segment ends before frame {target}")
        return frames


def plain_decode(blob: bytes) -> int:
    """Decode every frame of a stored H.264 segment with plain PyAV (parser plus decoder, one
    default context): the reference that :meth:`Segment.decode` is compared with."""
    import av

    seg = Segment.parse(blob)
    ctx = av.CodecContext.create("h264", "r")
    ctx.thread_type = "AUTO"
    packets = ctx.parse(bytes(seg.payload)) + ctx.parse(None)  # None flushes the parser
    n = 0
    for packet in [*packets, None]:  # the final None drains the decoder
        for frame in ctx.decode(packet):
            frame.to_ndarray(format="bgr24" if seg.channels == 3 else "gray")
            n += 1
    return n
