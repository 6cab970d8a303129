"""PNG plots (matplotlib, Agg) and their JSON data, written atomically."""

from __future__ import annotations

import io
import json
import os
import tempfile
from pathlib import Path


def write_atomically(path: str | Path, payload: bytes) -> None:
    """Write ``payload`` to a temporary file beside ``path`` and rename it into place."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def write_plot(data: dict, png_path: str | Path, x: list, series: dict[str, list[float]],
               *, title: str, xlabel: str, ylabel: str,
               levels: dict[str, float] | None = None) -> Path:
    """Lines of ``series`` over ``x`` (log2 x axis), dotted horizontal ``levels``; writes the
    PNG and ``data`` as JSON beside it, returns the JSON path."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    png_path = Path(png_path)
    fig, ax = plt.subplots(figsize=(7, 4.5))
    colors = {}
    for label, ys in series.items():
        line, = ax.plot(x, ys, marker="o", label=label)
        colors[label] = line.get_color()
    for label, value in (levels or {}).items():
        ax.axhline(value, linestyle=":", color=colors.get(label.split()[0]), label=label)
    ax.set_xscale("log", base=2)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=120, bbox_inches="tight")
    plt.close(fig)
    json_path = png_path.with_suffix(".json")
    write_atomically(png_path, buffer.getvalue())
    write_atomically(json_path, json.dumps(data, indent=2).encode())
    return json_path


def write_sweep(data: dict, png_path: str | Path) -> Path:
    """STREAM triad GB/s vs threads for every tier, with each tier's peak."""
    return write_plot(
        data, png_path, data["threads"],
        {f"{tier} triad": s["triad_gbs"] for tier, s in data["tiers"].items()},
        levels={f"{tier} peak": s["peak_gbs"] for tier, s in data["tiers"].items()},
        title=f"STREAM triad on {data['machine']} ({data['fidelity']} model)",
        xlabel="threads", ylabel="GB/s")


def write_engine_sweep(data: dict, png_path: str | Path) -> Path:
    """Modeled records/s vs cores for every grouping engine."""
    series = {label: [p["modeled_records_per_s"] / 1e6 for p in points]
              for label, points in data["engines"].items()}
    return write_plot(data, png_path, data["cores"], series,
                      title=f"{data['bench']} on {data['machine']}: grouping engines",
                      xlabel="cores", ylabel="modeled M records/s")
