"""Profile -> configure -> ingest -> query on a synthesized clip, for the three strategies."""

import numpy as np
import pytest

from video.configurator import (
    Configurator,
    Consumer,
    choose_consumption,
    parse_bytes,
    parse_targets,
)
from video.errors import BadVideoError, InfeasibleTargetError, StoreError, UnknownOperatorError
from video.formats import GOLDEN, RAW, Fidelity, StorageFormat
from video.ingest import ingest
from video.operators import f1_score
from video.profiler import QUICK_GRID, ConsumptionPoint, Profiler, StoragePoint, clip_target
from video.query import plan_cascade, query, reference_results
from video.session import configure_store, ingest_video
from video.store import VideoStore

OPS = ["diff", "color"]
CASCADE = [["diff", "color"]]


@pytest.fixture(scope="module")
def profiler(clip):
    p = Profiler(clip, grid=QUICK_GRID, use_cache=False)
    p.profile_operators(OPS)
    return p


def test_profile_has_reference_and_cheaper_points(profiler):
    for op in OPS:
        points = profiler.profile.consumption[op]
        full = [p for p in points if p.fidelity == GOLDEN.fidelity]
        assert len(full) == 1 and full[0].f1 == 1.0
        assert all(0 <= p.f1 <= 1 and p.speed > 0 for p in points)
    # the colour filter cannot run on gray frames: none profiled
    assert all(p.fidelity.color for p in profiler.profile.consumption["color"])
    point = profiler.storage_point(GOLDEN)
    assert point.bytes_per_second > 0 and point.retrieval_speed > 0


def test_choose_consumption_is_the_fastest_meeting_the_target(profiler):
    profile = profiler.profile
    for t in (0.5, 0.8, 0.95, 1.0):
        chosen = choose_consumption(profile, "diff", t)
        needed = clip_target(t)
        assert chosen.f1 >= needed > t or t == 1.0
        assert all(p.speed <= chosen.speed for p in profile.consumption["diff"]
                   if p.f1 >= needed)
    with pytest.raises(InfeasibleTargetError, match="impossible"):
        choose_consumption(profile, "diff", 1.5)
    with pytest.raises(InfeasibleTargetError):
        parse_targets("0.9,0")


def test_configuration_serves_every_consumer(profiler):
    conf = Configurator(profiler.profile, profiler.storage_point)
    config = conf.configure(OPS, [0.8, 0.95], cascades=CASCADE)
    unmerged = conf.configure(OPS, [0.8, 0.95], cascades=CASCADE, coalesce=False)
    assert len(config.formats) <= len(unmerged.formats)
    for c in config.consumers:
        assert config.serving[c.key].serves(c.point.fidelity)
    # lossy formats keep the coding the profile rendered with (other codings flip detectors)
    assert all(f.coding in (RAW, GOLDEN.coding) for f in config.formats + unmerged.formats)
    assert config.storage_bytes_per_day <= unmerged.storage_bytes_per_day
    # a storage budget below the configured need forces merges or fails clearly
    tight = 0.6 * config.storage_bytes_per_day
    try:
        fitted = conf.configure(OPS, [0.8, 0.95], storage_budget=tight, cascades=CASCADE)
    except InfeasibleTargetError as exc:
        assert "storage budget" in str(exc)
    else:
        assert fitted.storage_bytes_per_day <= tight
        assert fitted.budget_costs[0]["budget"] == "storage"
    with pytest.raises(InfeasibleTargetError, match="ingest budget"):
        conf.configure(OPS, [0.8], ingest_budget=1e-9)
    assert parse_bytes("20GB") == 20e9 and parse_bytes("1KiB") == 1024


@pytest.mark.parametrize("strategy", ["golden", "all", "auto"])
def test_ingest_and_query_meet_the_target(strategy, clip, profiler, tmp_path):
    report, config = ingest_video(clip, tmp_path / "s", strategy, ops=OPS, targets=[0.9],
                                  grid=QUICK_GRID, profiler=profiler, cascades=CASCADE)
    assert report.stored_bytes > 0 and (config is None) == (strategy == "golden")
    with VideoStore(tmp_path / "s") as store:
        info = store.stream()
        assert info.complete and store.verify(info.name) == []
        result = query(store, ["diff", "color"], 0.9)
        reference = np.logical_and(reference_results(store, info, "diff"),
                                   reference_results(store, info, "color"))
        assert result.f1 == f1_score(result.matches, reference)
        assert result.f1 >= 0.9
        assert result.speed_x_realtime > 0 and result.matches.sum() > 0
        # the per-stage breakdown accounts for every operator and decoding second
        stages = result.stage_breakdown()
        assert [s["frames"] for s in stages] == result.frames_evaluated
        assert sum(s["operator_seconds"] for s in stages) == pytest.approx(
            result.operator_seconds)
        assert sum(s["decode_seconds"] for s in stages) == pytest.approx(result.decode_seconds)
        # the red square is visible (and moving) in the middle third only
        n = info.frames
        assert not result.matches[: n // 3].any()
        if strategy == "golden":  # one format: every stage reads it
            assert {s.storage for s in result.stages} == {GOLDEN}
        with pytest.raises(UnknownOperatorError):
            query(store, ["diff", "faces"], 0.9)
        with pytest.raises(InfeasibleTargetError, match="impossible"):
            query(store, ["diff"], 1.2)


def test_golden_query_at_full_accuracy_equals_the_reference(clip, profiler, tmp_path):
    ingest_video(clip, tmp_path / "g", "golden", ops=OPS, targets=[0.9], grid=QUICK_GRID,
                 profiler=profiler, cascades=CASCADE)
    with VideoStore(tmp_path / "g") as store:
        result = query(store, ["diff", "color"], 1.0)
        assert result.f1 == 1.0


def test_plan_needs_a_derivable_format(profiler):
    gray = StorageFormat(Fidelity(0.25, 16, 0.5, 0, False), RAW)  # colour cannot come from it
    profiler.storage_point(gray)
    with pytest.raises(InfeasibleTargetError, match="no stored format"):
        plan_cascade(profiler.profile, [gray], ["color"], 0.5)


def test_reingesting_a_complete_stream_is_refused(clip, profiler, tmp_path):
    ingest_video(clip, tmp_path / "s", "golden", ops=OPS, grid=QUICK_GRID, profiler=profiler,
                 cascades=CASCADE)
    with pytest.raises(StoreError, match="already exists"):
        ingest_video(clip, tmp_path / "s", "golden", ops=OPS, grid=QUICK_GRID,
                     profiler=profiler, cascades=CASCADE)
    config = configure_store(tmp_path / "s", OPS, [0.8], cascades=CASCADE)
    assert config.formats


def test_truncated_source_leaves_the_store_unchanged(clip, profiler, tmp_path):
    cut = tmp_path / "cut.mp4"
    data = clip.read_bytes()
    cut.write_bytes(data[: len(data) * 2 // 3])
    store_dir = tmp_path / "s"
    ingest_video(clip, store_dir, "golden", ops=OPS, grid=QUICK_GRID, profiler=profiler,
                 cascades=CASCADE)
    with VideoStore(store_dir) as store:
        before = store.stored_bytes()
        with pytest.raises(BadVideoError, match="cut.mp4"):
            ingest(cut, store, [GOLDEN], name="cut")
        assert [s.name for s in store.streams()] == ["synthetic"]
        assert store.stored_bytes() == before and store.verify("cut") == []


def test_free_merge_weighs_the_whole_query():
    """Merging a fast stage's small format into a richer one is free when the cascade it belongs
    to hardly slows down, even though that stage alone slows fourfold."""
    def fmt(color, stride=1):
        return StorageFormat(Fidelity(0.25, stride, 1.0, 0, color), RAW)

    gray, rgb, sparse = fmt(False), fmt(True), fmt(False, 16)
    retrieval = {gray: 20000, rgb: 2000, sparse: 200}
    points = {f: StoragePoint(1000.0, 0.01, r, r) for f, r in retrieval.items()}
    stage = {gray: ("diff", 10000), rgb: ("color", 3000), sparse: ("motion", 3000)}
    groups = {f: [Consumer(op, 0.9, ConsumptionPoint(f.fidelity, 1.0, speed),
                           "diff,motion,color", 3000)] for f, (op, speed) in stage.items()}
    conf = Configurator(None, points.__getitem__)
    assert conf._free_merge(groups, gray, rgb, rgb) is not None
    del groups[sparse]  # without the slow stage, the same merge slows the query by a third
    assert conf._free_merge(groups, gray, rgb, rgb) is None
