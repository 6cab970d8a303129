"""PNG plots (matplotlib, Agg) and their JSON data, written atomically."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path


def write_atomically(path: str | Path, payload: bytes) -> None:
    """Write ``payload`` to a temporary file beside ``path`` and rename it into place."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent or ".", prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def write_sweep(data: dict, png_path: str | Path) -> Path:
    """Plot triad GB/s vs threads for every tier; returns the JSON path written beside it."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    png_path = Path(png_path)
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for tier, series in data["tiers"].items():
        line, = ax.plot(data["threads"], series["triad_gbs"], marker="o", label=f"{tier} triad")
        ax.axhline(series["peak_gbs"], color=line.get_color(), linestyle=":",
                   label=f"{tier} peak")
    ax.set_xscale("log", base=2)
    ax.set_xlabel("threads")
    ax.set_ylabel("GB/s")
    ax.set_title(f"STREAM triad on {data['machine']} ({data['fidelity']} model)")
    ax.grid(True, alpha=0.3)
    ax.legend()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=120, bbox_inches="tight")
    plt.close(fig)
    json_path = png_path.with_suffix(".json")
    write_atomically(png_path, buffer.getvalue())
    write_atomically(json_path, json.dumps(data, indent=2).encode())
    return json_path
