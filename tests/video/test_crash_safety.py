"""Kill a real ingest process mid-way: the store must reopen consistent, then resume."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from video import codec
from video.errors import EmptyStoreError
from video.store import VideoStore
from video.synth import synthesize_clip

ROOT = Path(__file__).resolve().parents[2]


def _ingest_cmd(clip, store):
    return [sys.executable, "-m", "emulator.cli", "vstore", "ingest", str(clip), "--store",
            str(store), "--formats", "all", "--ops", "diff,color", "--cascade", "diff,color",
            "--quick", "--accuracy", "0.8,0.95"]


def _segments_done(store_dir: Path) -> int:
    if not (store_dir / "data.mdb").is_file():
        return 0
    try:
        with VideoStore(store_dir) as store:
            streams = store.streams()
    except Exception:  # the writer may still be creating the environment
        return 0
    return streams[0].segments_done if streams else 0


def test_killed_ingest_reopens_consistent_and_resumes(tmp_path):
    clip = synthesize_clip(tmp_path / "long.mp4", seconds=60, fps=16, size=(320, 192))
    store_dir = tmp_path / "store"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(_ingest_cmd(clip, store_dir), cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 90
    while _segments_done(store_dir) < 2 and time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"ingest ended before it could be killed: {proc.stderr.read()!r}")
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with VideoStore(store_dir) as store:
        info = store.streams()[0]
        assert 2 <= info.segments_done < info.segments and not info.complete
        with pytest.raises(EmptyStoreError, match="incomplete"):
            store.stream()
        assert store.verify(info.name) == []
        entries = store.entries(info.name)
        assert sorted(entries) == sorted(info.formats)
        for fmt, segs in entries.items():
            assert len(segs) == info.segments_done  # never a partial window
            for window, entry in enumerate(segs):
                blob, _ = store.read_segment(info.name, fmt, window)
                seg = codec.Segment.parse(blob)
                assert len(seg.decode(range(seg.count))) == entry.frames
    done = subprocess.run(_ingest_cmd(clip, store_dir), cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    with VideoStore(store_dir) as store:
        info = store.stream()
        assert info.complete and info.ingest["resumed_from"] >= 2
        assert store.verify(info.name) == []
        assert all(len(s) == info.segments for s in store.entries(info.name).values())
