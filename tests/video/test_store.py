import numpy as np
import pytest

from video import codec
from video.errors import EmptyStoreError, StoreError
from video.formats import GOLDEN
from video.store import StreamInfo, VideoStore


def test_opening_a_missing_store_is_an_error(tmp_path):
    with pytest.raises(EmptyStoreError, match="no video store"):
        VideoStore(tmp_path / "nothing")


def test_commit_read_and_charge_the_device(tmp_path, clip):
    frames = codec.read_frames(clip, 32)
    blob0 = codec.encode_segment(frames[:16], GOLDEN, 16)
    blob1 = codec.encode_segment(frames[16:], GOLDEN, 16)
    with VideoStore(tmp_path / "s", device="hdd", create=True) as store:
        with pytest.raises(EmptyStoreError, match="no video"):
            store.stream()
        info = StreamInfo("cam", str(clip), 160, 96, 16.0, 32, 16, [GOLDEN.id])
        store.put_stream(info)
        write = store.commit_window(info, 0, {GOLDEN.id: (blob0, 16)})
        store.commit_window(info, 1, {GOLDEN.id: (blob1, 16)})
        assert write > 0 and store.device.stats["writes"] == 2
        e0, e1 = (store.entry("cam", GOLDEN.id, w) for w in (0, 1))
        assert (e0.offset, e1.offset) == (0, len(blob0))  # append-only layout
        assert store.stored_bytes("cam") == len(blob0) + len(blob1)
        with pytest.raises(EmptyStoreError, match="incomplete"):
            store.stream("cam")
        got, t_random = store.read_segment("cam", GOLDEN.id, 0)
        _, t_sequential = store.read_segment("cam", GOLDEN.id, 1)
        assert bytes(got) == blob0
        assert t_sequential < t_random  # continuing read skips the HDD seek
        info.complete = True
        store.put_stream(info)
    with VideoStore(tmp_path / "s") as store:  # reopens with what was committed
        assert store.device_name == "hdd"
        assert store.stream().segments_done == 2
        store.put_reference("cam", "diff", np.array([True, False]))
        assert store.reference("cam", "diff").tolist() == [True, False]
        store.drop_stream("cam")
        assert store.streams() == [] and store.entries("cam") == {}
        assert store.reference("cam", "diff") is None
        with pytest.raises(StoreError):
            store.read_segment("cam", GOLDEN.id, 0)
