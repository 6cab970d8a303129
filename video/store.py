"""The segment store: one LMDB environment per store directory, on a modeled storage device.

Named databases:

* ``segments``: key ``stream/format/NNNNNN`` -> one encoded segment (see :mod:`video.codec`);
* ``index``: the same key -> JSON (device offset, bytes, frames, first source frame);
* ``meta``: ``store`` (device preset, layout), ``stream/NAME`` (source, size, progress, formats),
  ``profile`` and ``config`` (JSON), ``next_offset`` (the append point of the device layout);
* ``reference``: ``stream/op`` -> per-frame results of the operator on the golden format.

A segment, its index entry and the advanced append point are written in one transaction, so a
store killed mid-ingest reopens with only complete, readable segments indexed. Segments are laid
out append-only on the modeled device in ingestion order; every read and write is charged to a
:class:`memory.storage.StorageDevice` so retrieval reports decode time plus modeled I/O.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from video.errors import EmptyStoreError, StoreError
from video.formats import StorageFormat, parse_format

STORE_VERSION = 1
MAP_SIZE = 1 << 38  # LMDB address-space reservation (sparse file; 256 GiB upper bound)


@dataclass(frozen=True)
class SegmentEntry:
    """Where one stored segment lives and what it covers."""

    offset: int  # logical byte offset on the modeled device
    nbytes: int
    frames: int  # stored frames
    first_frame: int  # source frame index of its first frame


@dataclass
class StreamInfo:
    """One ingested video in the store."""

    name: str
    source: str
    width: int
    height: int
    fps: float
    frames: int  # source frames
    segment_frames: int  # source frames per segment
    formats: list[str]
    segments_done: int = 0
    complete: bool = False
    ingest: dict = field(default_factory=dict)  # measured ingestion costs

    @property
    def segments(self) -> int:
        return -(-self.frames // self.segment_frames)

    @property
    def seconds(self) -> float:
        return self.frames / self.fps


def _key(stream: str, fmt: str, index: int) -> bytes:
    return f"{stream}/{fmt}/{index:06d}".encode()


def _scan(cursor, prefix: bytes):
    """(key, value) pairs of a cursor's database whose key starts with ``prefix``."""
    if cursor.set_range(prefix):
        for key, value in cursor:
            if not key.startswith(prefix):
                break
            yield key, value


class VideoStore:
    """An open store directory (created on first use when ``create`` is set)."""

    def __init__(self, path: str | Path, device: str | None = None, create: bool = False) -> None:
        import lmdb

        from memory.storage import StorageDevice, storage_preset

        self.path = Path(path)
        if not create and not (self.path / "data.mdb").is_file():
            raise EmptyStoreError(f"{self.path}: no video store here (run `hwemu vstore ingest`)")
        if self.path.exists() and not self.path.is_dir():
            raise StoreError(f"{self.path}: not a directory")
        self.path.mkdir(parents=True, exist_ok=True)
        try:
            self.env = lmdb.open(str(self.path), map_size=MAP_SIZE, max_dbs=4, subdir=True)
        except lmdb.Error as exc:
            raise StoreError(f"{self.path}: cannot open LMDB environment ({exc})") from None
        self._segments = self.env.open_db(b"segments")
        self._index = self.env.open_db(b"index")
        self._meta = self.env.open_db(b"meta")
        self._reference = self.env.open_db(b"reference")
        header = self._get_json(self._meta, b"store")
        if header is None:
            header = {"version": STORE_VERSION, "device": device or "ssd"}
            with self.env.begin(write=True) as txn:
                txn.put(b"store", json.dumps(header).encode(), db=self._meta)
        elif header.get("version") != STORE_VERSION:
            raise StoreError(f"{self.path}: store version {header.get('version')} "
                             f"(this hwemu reads {STORE_VERSION})")
        self.device_name: str = header["device"]
        self.device = StorageDevice(storage_preset(self.device_name))

    def close(self) -> None:
        self.env.close()

    def __enter__(self) -> VideoStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- metadata ---------------------------------------------------------------------------
    def _get_json(self, db, key: bytes):
        with self.env.begin(db=db) as txn:
            raw = txn.get(key)
        return None if raw is None else json.loads(raw)

    def put_meta(self, key: str, value) -> None:
        with self.env.begin(write=True) as txn:
            txn.put(key.encode(), json.dumps(value).encode(), db=self._meta)

    def get_meta(self, key: str):
        return self._get_json(self._meta, key.encode())

    def streams(self) -> list[StreamInfo]:
        with self.env.begin(db=self._meta) as txn:
            return [StreamInfo(**json.loads(v)) for _, v in _scan(txn.cursor(), b"stream/")]

    def stream(self, name: str | None = None, complete: bool = True) -> StreamInfo:
        """The stream called ``name`` (or the only one), which must be fully ingested."""
        streams = self.streams()
        if not streams:
            raise EmptyStoreError(f"{self.path}: the store holds no video yet")
        if name is None:
            if len(streams) > 1:
                raise StoreError(f"{self.path}: several streams "
                                 f"({', '.join(s.name for s in streams)}): pick one with --stream")
            info = streams[0]
        else:
            info = next((s for s in streams if s.name == name), None)
            if info is None:
                raise EmptyStoreError(f"{self.path}: no stream {name!r}")
        if complete and not info.complete:
            raise EmptyStoreError(
                f"{self.path}: stream {info.name!r} is incomplete ({info.segments_done}/"
                f"{info.segments} segments; ingestion was interrupted): re-run ingest to resume")
        return info

    def put_stream(self, info: StreamInfo) -> None:
        self.put_meta(f"stream/{info.name}", info.__dict__)

    def formats(self, stream: StreamInfo) -> list[StorageFormat]:
        return [parse_format(f) for f in stream.formats]

    # -- segments ---------------------------------------------------------------------------
    def commit_window(self, stream: StreamInfo, window: int,
                      blobs: dict[str, tuple[bytes, int]]) -> float:
        """Append one segment per format (``format id -> (blob, stored frames)``) for source
        window ``window`` and advance the stream's progress, atomically. Returns the modeled
        write seconds."""
        seconds = 0.0
        with self.env.begin(write=True) as txn:
            offset = int(txn.get(b"next_offset", b"0", db=self._meta))
            for fmt, (blob, frames) in blobs.items():
                key = _key(stream.name, fmt, window)
                entry = SegmentEntry(offset, len(blob), frames, window * stream.segment_frames)
                txn.put(key, blob, db=self._segments)
                txn.put(key, json.dumps(entry.__dict__).encode(), db=self._index)
                seconds += self.device.write(offset, len(blob))
                offset += len(blob)
            txn.put(b"next_offset", str(offset).encode(), db=self._meta)
            stream.segments_done = window + 1
            txn.put(f"stream/{stream.name}".encode(), json.dumps(stream.__dict__).encode(),
                    db=self._meta)
        return seconds

    def entry(self, stream: str, fmt: str, window: int) -> SegmentEntry:
        raw = self._get_json(self._index, _key(stream, fmt, window))
        if raw is None:
            raise StoreError(f"{self.path}: no segment {window} of {stream}/{fmt}")
        return SegmentEntry(**raw)

    def read_segment(self, stream: str, fmt: str, window: int) -> tuple[bytes, float]:
        """A segment's bytes and the modeled seconds the device took to read them."""
        entry = self.entry(stream, fmt, window)
        with self.env.begin(db=self._segments) as txn:
            blob = txn.get(_key(stream, fmt, window))
        if blob is None or len(blob) != entry.nbytes:
            raise StoreError(f"{self.path}: segment {window} of {stream}/{fmt} is missing or "
                             "does not match its index entry")
        return blob, self.device.read(entry.offset, entry.nbytes)

    def entries(self, stream: str) -> dict[str, list[SegmentEntry]]:
        """Every indexed segment of ``stream``, per format, in window order."""
        prefix = f"{stream}/".encode()
        out: dict[str, list[SegmentEntry]] = {}
        with self.env.begin(db=self._index) as txn:
            for key, value in _scan(txn.cursor(), prefix):
                fmt = key.decode().split("/")[1]
                out.setdefault(fmt, []).append(SegmentEntry(**json.loads(value)))
        return out

    def verify(self, stream: str) -> list[str]:
        """Problems found in a stream's segments: an indexed segment missing or of the wrong
        size, or a segment without index entry (empty when consistent)."""
        prefix = f"{stream}/".encode()
        problems = []
        with self.env.begin() as txn:
            index = {k: json.loads(v) for k, v in _scan(txn.cursor(db=self._index), prefix)}
            sizes = {k: len(v) for k, v in _scan(txn.cursor(db=self._segments), prefix)}
        for key, entry in index.items():
            if sizes.get(key) != entry["nbytes"]:
                problems.append(f"{key.decode()}: indexed with {entry['nbytes']} bytes, "
                                f"stored {sizes.get(key)}")
        problems += [f"{k.decode()}: stored but not indexed" for k in sizes.keys() - index.keys()]
        return problems

    def stored_bytes(self, stream: str | None = None) -> int:
        """Payload bytes of every indexed segment (of one stream, or of all)."""
        names = [stream] if stream else [s.name for s in self.streams()]
        return sum(e.nbytes for n in names for es in self.entries(n).values() for e in es)

    def drop_stream(self, name: str) -> None:
        """Remove a stream's segments, index entries and references in one transaction."""
        prefix = f"{name}/".encode()
        with self.env.begin(write=True) as txn:
            for db in (self._segments, self._index, self._reference):
                keys = [key for key, _ in _scan(txn.cursor(db=db), prefix)]
                for key in keys:
                    txn.delete(key, db=db)
            txn.delete(f"stream/{name}".encode(), db=self._meta)

    # -- reference results ------------------------------------------------------------------
    def reference(self, stream: str, op: str) -> np.ndarray | None:
        with self.env.begin(db=self._reference) as txn:
            raw = txn.get(f"{stream}/{op}".encode())
        return None if raw is None else np.frombuffer(raw, dtype=bool).copy()

    def put_reference(self, stream: str, op: str, results: np.ndarray) -> None:
        with self.env.begin(write=True) as txn:
            txn.put(f"{stream}/{op}".encode(), np.asarray(results, dtype=bool).tobytes(),
                    db=self._reference)
