"""Ingestion: decode the source once, transcode each segment window into every storage format
in parallel, and commit each window atomically.

PyAV's encoder holds the GIL (measured: two threads encoding two formats took as long as one
thread doing both), so the workers are processes; each window's decoded frames are written once
to a scratch file in the store directory that every worker maps (a file, not POSIX shared
memory, so a killed ingest leaves nothing behind outside the store: the next run reuses it).
"""

from __future__ import annotations

import multiprocessing
import re
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from video import codec
from video.errors import BadVideoError, StoreError
from video.formats import FULL_FIDELITY, StorageFormat, derive_frame, segment_frames
from video.store import StreamInfo, VideoStore

WORKERS = 2  # transcoding processes: this machine has two cores


@dataclass(frozen=True)
class IngestReport:
    """What one ingestion cost."""

    stream: str
    formats: list[str]
    video_seconds: float
    wall_seconds: float
    decode_seconds: float  # source decoding (shared by every format)
    transcode_cpu_seconds: dict[str, float]  # per format: derive + encode CPU time
    write_io_seconds: float  # modeled device time for the writes
    stored_bytes: int
    resumed_from: int  # first window transcoded (non-zero when an interrupted ingest resumed)

    @property
    def cpu_seconds(self) -> float:
        """Ingestion CPU cost: decoding once plus every format's transcoding."""
        return self.decode_seconds + sum(self.transcode_cpu_seconds.values())

    def to_json(self) -> dict:
        return {**self.__dict__, "cpu_seconds": self.cpu_seconds}


def stream_name(path: str | Path) -> str:
    """A stream name from a file name (letters, digits, ``-``, ``_`` and ``.``)."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", Path(path).stem) or "video"


SCRATCH = "transcode.scratch"  # the current window's frames, in the store directory


def _transcode(scratch: str, shape: tuple[int, ...], fmt: StorageFormat, width: int,
               height: int, fps: float) -> tuple[bytes, int, float]:
    """Worker: one window (mapped from ``scratch``) into one format; returns the segment, its
    stored frame count and the CPU seconds spent."""
    t0 = time.process_time()
    frames = np.memmap(scratch, dtype=np.uint8, mode="r", shape=shape)
    fid = fmt.fidelity
    stored = [derive_frame(f, FULL_FIDELITY, fid, width, height) for f in frames[::fid.stride]]
    del frames
    blob = codec.encode_segment(stored, fmt, fps)
    return blob, len(stored), time.process_time() - t0


def _share(frames: list[np.ndarray], scratch: Path) -> tuple[int, ...]:
    """Write the window's frames to ``scratch`` for the workers; returns their array shape."""
    shape = (len(frames), *frames[0].shape)
    mapped = np.memmap(scratch, dtype=np.uint8, mode="w+", shape=shape)
    np.stack(frames, out=mapped)
    mapped.flush()
    del mapped
    return shape


def ingest(path: str | Path, store: VideoStore, formats: list[StorageFormat],
           name: str | None = None) -> IngestReport:
    """Store ``path`` in every format of ``formats``; resumes an interrupted ingestion."""
    from tqdm import tqdm

    info = codec.probe(path)
    name = name or stream_name(path)
    ids = [f.id for f in formats]
    if len(set(ids)) != len(ids) or not ids:
        raise StoreError(f"ingest {path}: need one or more distinct formats, got {ids}")
    existing = next((s for s in store.streams() if s.name == name), None)
    if existing is not None and (existing.complete or existing.formats != ids):
        state = "complete" if existing.complete else "partial, with other formats"
        raise StoreError(f"{store.path}: stream {name!r} already exists ({state}); "
                         "use another store or --name")
    step = segment_frames(info.fps)
    stream = existing or StreamInfo(name, str(Path(path).resolve()), info.width, info.height,
                                    info.fps, info.frames, step, ids)
    if existing is None:
        store.put_stream(stream)
    start = stream.segments_done
    cpu = dict.fromkeys(ids, 0.0)
    scratch = store.path / SCRATCH
    io = decode = 0.0
    t_start = time.perf_counter()
    bar = tqdm(total=stream.segments, initial=start, desc=f"ingest {name}", unit="seg",
               disable=not sys.stderr.isatty())
    try:
        context = multiprocessing.get_context("forkserver")
        with ProcessPoolExecutor(WORKERS, mp_context=context) as pool:
            chunks = codec.iter_frames(path, step, limit=info.frames, expected=info.frames)
            window = 0
            while True:
                t0 = time.process_time()
                frames = next(chunks, None)
                decode += time.process_time() - t0
                if frames is None:
                    break
                if window >= start:
                    shape = _share(frames, scratch)
                    jobs = {f.id: pool.submit(_transcode, str(scratch), shape, f, info.width,
                                              info.height, info.fps) for f in formats}
                    blobs = {}
                    for fid, job in jobs.items():
                        blob, count, seconds = job.result()
                        blobs[fid] = (blob, count)
                        cpu[fid] += seconds
                    io += store.commit_window(stream, window, blobs)
                    bar.update()
                window += 1
    except BadVideoError:
        if start == 0:
            store.drop_stream(name)  # a broken source leaves the store as it was
        raise
    finally:
        bar.close()
        scratch.unlink(missing_ok=True)
    report = IngestReport(name, ids, stream.seconds, time.perf_counter() - t_start, decode, cpu,
                          io, store.stored_bytes(name), start)
    stream.complete = True
    stream.ingest = report.to_json()
    store.put_stream(stream)
    return report
