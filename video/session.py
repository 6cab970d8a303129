"""The steps the commands share: profile a video, pick formats, ingest, reconfigure a store.

The store keeps its profile (meta ``profile``) and its last configuration (meta ``config``), so
``configure`` and ``query`` work from the store alone; measuring a storage format that was not
measured yet needs the source video named in the profile.
"""

from __future__ import annotations

from pathlib import Path

from video.baselines import strategy_formats
from video.codec import probe
from video.configurator import Configuration, Configurator
from video.errors import EmptyStoreError, StoreError
from video.formats import parse_format
from video.ingest import IngestReport, ingest
from video.operators import operator_names, parse_operators
from video.profiler import DEFAULT_GRID, Profile, ProfileGrid, Profiler
from video.store import VideoStore

DEFAULT_TARGETS = (0.8, 0.9, 0.95)
DEFAULT_CASCADE = ("diff", "color", "people")


def store_profile(store: VideoStore) -> Profile:
    """The profile saved in ``store``."""
    data = store.get_meta("profile")
    if data is None:
        raise EmptyStoreError(f"{store.path}: no profile yet (run `hwemu vstore ingest` first)")
    return Profile.from_json(data)


def store_profiler(store: VideoStore) -> Profiler:
    """A profiler continuing the store's profile on its source video."""
    profile = store_profile(store)
    source = profile.video["path"]
    if not Path(source).is_file():
        raise StoreError(f"{store.path}: the profiled video {source} is gone; "
                         "cannot measure new storage formats")
    return Profiler(source, profile=profile)


def prepare(profiler: Profiler, strategy: str, ops: list[str], targets: list[float],
            ingest_budget: float | None = None, storage_budget: float | None = None,
            cascades: list[list[str]] = ()):
    """Profile ``ops`` and choose the formats of ``strategy``; measures each chosen format."""
    profiler.profile_operators(sorted({*ops, *(op for c in cascades for op in c)}))
    configurator = Configurator(profiler.profile, profiler.storage_point)
    formats, config = strategy_formats(strategy, configurator, ops, targets, ingest_budget,
                                       storage_budget, cascades)
    for fmt in formats:
        profiler.storage_point(fmt)
    return formats, config


def ingest_video(video: str | Path, store_dir: str | Path, strategy: str = "auto",
                 device: str = "ssd", ops: list[str] | None = None,
                 targets: list[float] | tuple[float, ...] = DEFAULT_TARGETS,
                 ingest_budget: float | None = None, storage_budget: float | None = None,
                 grid: ProfileGrid = DEFAULT_GRID, name: str | None = None,
                 profiler: Profiler | None = None,
                 cascades: list[list[str]] = (DEFAULT_CASCADE,),
                 ) -> tuple[IngestReport, Configuration | None]:
    """Profile (cached), choose formats and ingest ``video`` into the store at ``store_dir``.

    ``ops`` are served alone at each target (None: every operator; []: none, only the
    ``cascades``). With ``strategy="auto"`` a store that already has a configuration (from an
    earlier ingest or ``configure``) keeps its formats and profile: a store is one camera's
    footage, configured once; the returned configuration is then None."""
    if ops is None:
        ops = operator_names()
    ops = parse_operators(ops) if ops else []
    cascades = [parse_operators(c) for c in cascades]
    probe(video)  # a bad video is reported before the store is touched
    with VideoStore(store_dir, device=device, create=True) as store:
        saved = store.get_meta("config") if strategy == "auto" else None
        config = None
        if saved is not None:
            formats = [parse_format(f["id"]) for f in saved["formats"]]
        else:
            profiler = profiler or Profiler(video, device=store.device_name, grid=grid)
            formats, config = prepare(profiler, strategy, ops, list(targets), ingest_budget,
                                      storage_budget, cascades)
            store.put_meta("profile", profiler.profile.to_json())
            if config is not None:
                store.put_meta("config", config.to_json())
        report = ingest(video, store, formats, name=name)
    return report, config


def configure_store(store_dir: str | Path, ops: list[str], targets: list[float],
                    ingest_budget: float | None = None, storage_budget: float | None = None,
                    cascades: list[list[str]] = ()) -> Configuration:
    """Recompute the store's configuration from its profile (saved as its ``config``)."""
    with VideoStore(store_dir) as store:
        profiler = store_profiler(store)
        cascades = [parse_operators(c) for c in cascades]
        profiler.profile_operators(
            sorted({*parse_operators(ops), *(op for c in cascades for op in c)}))
        configurator = Configurator(profiler.profile, profiler.storage_point)
        config = configurator.configure(ops, targets, ingest_budget, storage_budget,
                                        cascades=cascades)
        store.put_meta("profile", profiler.profile.to_json())
        store.put_meta("config", config.to_json())
    return config

