"""Where hwemu's video data lives: the cache root (``$HWEMU_CACHE`` or ``~/.cache/hwemu``)."""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    """The hwemu cache directory (not created here)."""
    root = os.environ.get("HWEMU_CACHE")
    return Path(root) if root else Path.home() / ".cache" / "hwemu"


def videos_dir() -> Path:
    """Where fetched sample videos are kept."""
    return cache_dir() / "videos"
