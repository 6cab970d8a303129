import numpy as np
import pytest

from video import codec
from video.errors import BadVideoError
from video.formats import GOLDEN, RAW, Coding, Fidelity, StorageFormat


def _frames(n=32, size=(96, 160)):
    """A smooth colour gradient scrolling sideways."""
    y, x = np.mgrid[0:size[0], 0:size[1]]
    base = np.stack([x * 255 // size[1], y * 255 // size[0], (x + y) % 256], -1).astype(np.uint8)
    return [np.roll(base, 3 * i, axis=1) for i in range(n)]


def _psnr(a, b):
    mse = np.mean((a.astype(float) - b.astype(float)) ** 2)
    return 10 * np.log10(255 ** 2 / max(mse, 1e-9))


def test_probe_and_decode_synthetic_clip(clip):
    info = codec.probe(clip)
    assert (info.width, info.height, info.fps, info.frames) == (160, 96, 16.0, 48)
    frames = codec.read_frames(clip)
    assert len(frames) == 48 and frames[0].shape == (96, 160, 3)


def test_raw_segments_round_trip_exactly():
    frames = _frames(8)
    fmt = StorageFormat(Fidelity(1.0, 1, 1.0, 0, True), RAW)
    seg = codec.Segment.parse(codec.encode_segment(frames, fmt, 25))
    out = seg.decode([0, 5, 7])
    assert all(np.array_equal(out[i], frames[i]) for i in (0, 5, 7))


def test_h264_segment_decodes_every_frame_once_per_packet():
    frames = _frames(32)
    fmt = StorageFormat(Fidelity(1.0, 1, 1.0, 18, True), Coding("h264", 16, "veryfast"))
    blob = codec.encode_segment(frames, fmt, 25)
    seg = codec.Segment.parse(blob)
    assert seg.count == 32 and list(np.flatnonzero(seg.keyframes)) == [0, 16]
    full = seg.decode(range(32))
    assert min(_psnr(full[i], frames[i]) for i in range(32)) > 30
    assert codec.plain_decode(blob) == 32


def test_partial_decode_seeks_to_keyframes_and_matches_full_decode():
    frames = _frames(32)
    fmt = StorageFormat(Fidelity(1.0, 1, 1.0, 23, False), Coding("h264", 16, "veryfast"))
    gray = [f[..., 1].copy() for f in frames]
    seg = codec.Segment.parse(codec.encode_segment(gray, fmt, 25))
    full = seg.decode(range(32))
    part = seg.decode([2, 17, 31])
    assert sorted(part) == [2, 17, 31]
    assert all(np.array_equal(part[i], full[i]) for i in part)
    assert part[2].ndim == 2


def test_golden_segment_size(clip):
    frames = codec.read_frames(clip, 32)
    blob = codec.encode_segment(frames, GOLDEN, 16)
    assert 0 < len(blob) < sum(f.nbytes for f in frames) / 5


def test_not_a_video(tmp_path):
    bad = tmp_path / "notes.mp4"
    bad.write_text("this is not a video\n")
    with pytest.raises(BadVideoError, match="notes.mp4"):
        codec.probe(bad)
    with pytest.raises(BadVideoError, match="no such video"):
        codec.probe(tmp_path / "missing.mp4")


def test_truncated_mp4_is_reported(clip, tmp_path):
    cut = tmp_path / "cut.mp4"
    data = clip.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(BadVideoError, match="cut.mp4"):
        info = codec.probe(cut)
        list(codec.iter_frames(cut, 16, expected=info.frames))
