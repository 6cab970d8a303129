"""Synthesized test footage: a short H.264 clip with known events (PyAV)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np


def synthesize_clip(path: Path, seconds: float = 3.0, fps: int = 16, size=(160, 96)) -> Path:
    """An H.264 MP4: a textured background, a red square that appears and moves during the
    middle third, and a gray bar sweeping across in the last third."""
    import av

    w, h = size
    rng = np.random.default_rng(7)
    background = (rng.integers(20, 60, (h, w, 3))).astype(np.uint8)
    n = int(seconds * fps)
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=Fraction(fps))
        stream.width, stream.height, stream.pix_fmt = w, h, "yuv420p"
        stream.options = {"crf": "18", "preset": "veryfast"}
        for i in range(n):
            frame = background.copy()
            if n // 3 <= i < 2 * n // 3:
                x = 10 + (i - n // 3) * 7
                frame[28:72, x:x + 30] = (0, 0, 255)  # BGR red
            if i >= 2 * n // 3:
                x = (i - 2 * n // 3) * 6
                frame[:, x:x + 12] = 200
            vf = av.VideoFrame.from_ndarray(frame, format="bgr24")
            for packet in stream.encode(vf):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path
