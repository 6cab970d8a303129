import numpy as np
import pytest

from video import codec
from video.errors import UnknownOperatorError
from video.operators import (
    OPERATOR_SPECS,
    f1_score,
    hold,
    make_operator,
    operator_names,
    parse_operators,
)


def test_f1_score_cases():
    ref = np.array([1, 1, 0, 0, 1], bool)
    assert f1_score(ref, ref) == 1.0
    assert f1_score(np.zeros(5, bool), np.zeros(5, bool)) == 1.0
    assert f1_score(np.zeros(5, bool), ref) == 0.0
    # tp=2, fp=1, fn=1
    assert f1_score(np.array([1, 1, 1, 0, 0], bool), ref) == pytest.approx(2 * 2 / (4 + 2))


def test_hold_repeats_the_last_sampled_result():
    assert hold([True, False, True], 2, 5).tolist() == [True, True, False, False, True]


def test_unknown_operator_lists_valid_names():
    with pytest.raises(UnknownOperatorError, match="valid: diff"):
        parse_operators("diff,faces")
    assert parse_operators(" diff , color ") == ["diff", "color"]


def test_operators_find_the_synthetic_events(clip):
    frames = codec.read_frames(clip)
    n = len(frames)
    square = np.zeros(n, bool)
    square[n // 3: 2 * n // 3] = True
    color = np.array(make_operator("color")(frames))
    assert f1_score(color, square) == 1.0
    diff = np.array(make_operator("diff")(frames))
    assert not diff[: n // 3].any()  # static background
    assert diff[n // 3 + 1: 2 * n // 3].all() and diff[2 * n // 3 + 1:].all()
    gray = [f[..., 0] for f in frames]
    assert not any(make_operator("color")(gray))  # no hue in gray frames


def test_every_operator_runs_on_real_footage(sample_clip):
    frames = codec.read_frames(sample_clip, 40)
    fired = {name: sum(make_operator(name)(frames)) for name in operator_names()}
    assert set(fired) == set(OPERATOR_SPECS)
    assert 0 < fired["diff"] < 40 and fired["people"] > 0  # cyclists are in view


def test_stateful_reset_forgets_history(clip):
    frames = codec.read_frames(clip)
    op = make_operator("diff")
    first = op(frames[20:22])
    op.reset()
    assert op(frames[20:22]) == first and first[0] is False
