import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from video.errors import BadArgumentError
from video.formats import (
    GOLDEN,
    KNOBS,
    RAW,
    Coding,
    Fidelity,
    StorageFormat,
    derive_frame,
    fidelity_grid,
    parse_format,
    segment_frames,
)

fidelities = st.builds(Fidelity, st.sampled_from(KNOBS.scales), st.sampled_from(KNOBS.strides),
                       st.sampled_from(KNOBS.crops), st.sampled_from(KNOBS.qualities),
                       st.sampled_from(KNOBS.colors))


@given(fidelities, fidelities)
def test_join_is_the_least_richer_fidelity(a, b):
    j = a.join(b)
    assert j.richer_or_equal(a) and j.richer_or_equal(b)
    assert j == b.join(a)
    # anything richer than both is richer than the join
    for c in (GOLDEN.fidelity.join(j), Fidelity(1.0, 1, 1.0, 0, True)):
        if c.richer_or_equal(a) and c.richer_or_equal(b):
            assert c.richer_or_equal(j)


@given(fidelities, fidelities, fidelities)
def test_richer_is_a_partial_order(a, b, c):
    assert a.richer_or_equal(a)
    if a.richer_or_equal(b) and b.richer_or_equal(c):
        assert a.richer_or_equal(c)
    if a.richer_or_equal(b) and b.richer_or_equal(a):
        assert a == b


def test_richer_examples():
    rich = Fidelity(1.0, 2, 1.0, 18, True)
    assert rich.richer_or_equal(Fidelity(0.5, 4, 0.75, 28, False))
    assert not rich.richer_or_equal(Fidelity(0.5, 1, 1.0, 28, True))  # frames it lacks
    assert not Fidelity(1.0, 1, 1.0, 18, False).richer_or_equal(rich)  # no colour
    assert not Fidelity(1.0, 1, 1.0, 28, True).richer_or_equal(rich)  # lower quality


def test_format_ids_round_trip():
    for fid in fidelity_grid()[::37]:
        fmt = StorageFormat(fid, Coding("h264", 16, "veryfast"))
        assert parse_format(fmt.id) == fmt
    raw = StorageFormat(Fidelity(0.25, 8, 1.0, 0, False), RAW)
    assert parse_format(raw.id) == raw
    with pytest.raises(BadArgumentError):
        parse_format("s1-k1-nonsense_raw")


def test_raw_means_lossless():
    with pytest.raises(BadArgumentError):
        StorageFormat(Fidelity(quality=18), RAW)
    with pytest.raises(BadArgumentError):
        StorageFormat(Fidelity(quality=0), Coding("h264", 16, "veryfast"))


def test_derive_frame_crops_scales_and_grays():
    frame = np.zeros((96, 160, 3), np.uint8)
    frame[48, 80] = 255
    target = Fidelity(0.5, 1, 0.5, 28, False)
    out = derive_frame(frame, GOLDEN.fidelity, target, 160, 96)
    assert out.shape == target.frame_size(160, 96)[::-1] == (24, 40)
    # deriving in two steps through an intermediate richer fidelity gives the same size
    mid = Fidelity(0.75, 1, 0.75, 18, True)
    two = derive_frame(derive_frame(frame, GOLDEN.fidelity, mid, 160, 96), mid, target, 160, 96)
    assert two.shape == out.shape


def test_segments_align_with_every_stride():
    for fps in (12.5, 25, 29.97, 60):
        n = segment_frames(fps)
        assert all(n % k == 0 for k in KNOBS.strides)
        assert abs(n / fps - 2.0) <= max(KNOBS.strides) / fps


def test_raw_frames_serve_only_lossless_consumers():
    raw = StorageFormat(Fidelity(1.0, 1, 1.0, 0, True), RAW)
    assert raw.serves(Fidelity(0.5, 2, 1.0, 0, False))
    assert not raw.serves(Fidelity(0.5, 2, 1.0, 28, False))
    assert GOLDEN.serves(Fidelity(0.5, 2, 1.0, 28, False))
    assert not GOLDEN.serves(Fidelity(0.5, 2, 1.0, 0, False))
