"""Storage devices (HDD, SATA SSD, NVMe) as the bottom tier of the memory hierarchy.

Cost model of one request of ``n`` bytes at ``offset`` (seconds the device is busy with it):

* sequential (``offset`` continues the previous request, read or write):
  ``n / seq_bps`` — streaming at the sustained rate.
* random: ``access_overhead + n / seq_bps`` where the positioning overhead follows Little's law
  with ``outstanding`` requests in flight: ``max((seek_s + latency_s) / outstanding, floor)``.
  ``floor`` is what the datasheet's 4 KiB random IOPS at ``queue_depth`` leaves after the
  transfer (``1 / iops - 4096 / seq_bps``), so one request at a time reproduces the QD1 latency
  and a full queue reproduces the rated IOPS; the rate never exceeds the sequential bandwidth.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from memory.errors import InvalidRequest, UnknownPreset

IOPS_BLOCK_BYTES = 4096  # datasheet random IOPS are quoted for 4 KiB transfers
STORAGE_KINDS = ("hdd", "ssd", "nvme")


@dataclass(frozen=True)
class StorageSpec:
    """A storage device's datasheet figures (bytes, seconds, operations per second)."""

    name: str
    kind: str  # "hdd" | "ssd" | "nvme"
    seq_read_bps: float
    seq_write_bps: float
    rand_read_iops: float  # 4 KiB random reads per second at queue_depth
    rand_write_iops: float  # 4 KiB random writes per second at queue_depth
    latency_s: float  # one request's access latency (flash) / track-to-track + controller (HDD)
    seek_s: float  # average seek + half a rotation (HDD); 0 for flash
    queue_depth: int
    capacity_bytes: int
    write_latency_s: float | None = None  # flash program latency if it differs from reads

    def __post_init__(self) -> None:
        if self.kind not in STORAGE_KINDS:
            raise InvalidRequest(
                f"storage {self.name!r}: kind {self.kind!r} not in {STORAGE_KINDS}")
        positive = ("seq_read_bps", "seq_write_bps", "rand_read_iops", "rand_write_iops",
                    "queue_depth", "capacity_bytes")
        for name in positive:
            if getattr(self, name) <= 0:
                raise InvalidRequest(f"storage {self.name!r}: {name} must be > 0")
        if self.latency_s < 0 or self.seek_s < 0:
            raise InvalidRequest(f"storage {self.name!r}: latency_s and seek_s must be >= 0")

    @property
    def peak_bps(self) -> float:
        """The highest rate the device can deliver (sequential read)."""
        return max(self.seq_read_bps, self.seq_write_bps)


_TB = 10**12

STORAGE_PRESETS: dict[str, StorageSpec] = {
    # WD Ultrastar DC HC310 6 TB (HUS726T6TALE6L4), 7200 rpm SATA — HDD Specification rev 1.4
    # (2018) and product data sheet; random IOPS from the Seagate Exos X18 data sheet (same class
    # 7200-rpm enterprise drive; the HC310 sheet lists none).
    "hdd": StorageSpec(
        name="hdd",
        kind="hdd",
        seq_read_bps=255e6,  # HC310 data sheet: sustained transfer rate 255 MB/s
        seq_write_bps=255e6,  # same sustained rate for writes (media-bound)
        rand_read_iops=170,  # Exos X18 data sheet: 4K QD16 random read, write cache disabled
        rand_write_iops=550,  # Exos X18 data sheet: 4K QD16 random write, write cache enabled
        latency_s=0.23e-3,  # HC310 spec table 6: single-track seek (read), typical 0.23 ms
        seek_s=7.4e-3 + 4.16e-3,  # HC310 spec: avg seek (read) 7.4 ms + avg latency 4.16 ms
        queue_depth=16,  # the queue depth of the IOPS figures above
        capacity_bytes=6 * _TB,
    ),
    # Samsung 870 EVO 1 TB SATA SSD — Samsung data sheet (2021); QD1 figures as quoted in the
    # KitGuru review of the 1 TB model from Samsung's spec sheet.
    "ssd": StorageSpec(
        name="ssd",
        kind="ssd",
        seq_read_bps=560e6,  # data sheet: sequential read up to 560 MB/s
        seq_write_bps=530e6,  # data sheet: sequential write up to 530 MB/s
        rand_read_iops=98_000,  # data sheet: 4 KB random read QD32
        rand_write_iops=88_000,  # data sheet: 4 KB random write QD32
        latency_s=1 / 13_000 - IOPS_BLOCK_BYTES / 560e6,  # QD1 random read 13,000 IOPS
        seek_s=0.0,
        queue_depth=32,
        capacity_bytes=1 * _TB,
        write_latency_s=1 / 36_000 - IOPS_BLOCK_BYTES / 530e6,  # QD1 random write 36,000 IOPS
    ),
    # Samsung 980 PRO 1 TB, PCIe 4.0 x4 NVMe — Samsung data sheet rev 1.0 (2020).
    "nvme": StorageSpec(
        name="nvme",
        kind="nvme",
        seq_read_bps=7000e6,  # data sheet: sequential read up to 7,000 MB/s
        seq_write_bps=5000e6,  # data sheet: sequential write up to 5,000 MB/s
        rand_read_iops=1_000_000,  # data sheet: 4 KB random read QD32 x 16 threads
        rand_write_iops=1_000_000,  # data sheet: 4 KB random write QD32 x 16 threads
        latency_s=1 / 22_000 - IOPS_BLOCK_BYTES / 7000e6,  # QD1 random read 22,000 IOPS
        seek_s=0.0,
        queue_depth=32 * 16,  # QD32 on 16 threads, as the IOPS figures are measured
        capacity_bytes=1 * _TB,
        write_latency_s=1 / 60_000 - IOPS_BLOCK_BYTES / 5000e6,  # QD1 random write 60,000 IOPS
    ),
}


def storage_preset(name: str) -> StorageSpec:
    """The preset called ``name``; :class:`UnknownPreset` lists the valid names otherwise."""
    try:
        return STORAGE_PRESETS[name]
    except KeyError:
        raise UnknownPreset("storage", name, STORAGE_PRESETS) from None


@dataclass
class _Counters:
    bytes_read: int = 0
    bytes_written: int = 0
    reads: int = 0
    writes: int = 0
    random_requests: int = 0
    busy_seconds: float = 0.0


@dataclass
class StorageDevice:
    """One storage device serving requests; each call returns and accumulates its busy time.

    ``outstanding`` is how many requests the caller keeps in flight (1 = synchronous I/O); it
    amortizes the positioning overhead of random requests up to the device's queue depth.
    """

    spec: StorageSpec
    outstanding: int = 1
    _head: int | None = field(default=None, init=False, repr=False)
    _counters: _Counters = field(default_factory=_Counters, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.outstanding < 1:
            raise InvalidRequest(f"{self.spec.name}: outstanding must be >= 1")
        self.outstanding = min(self.outstanding, self.spec.queue_depth)

    def read(self, offset: int, nbytes: int) -> float:
        """Modeled seconds to read ``nbytes`` at ``offset`` (also added to the stats)."""
        seconds = self._serve(offset, nbytes, write=False)
        self._counters.reads += 1
        self._counters.bytes_read += nbytes
        return seconds

    def write(self, offset: int, nbytes: int) -> float:
        """Modeled seconds to write ``nbytes`` at ``offset`` (also added to the stats)."""
        seconds = self._serve(offset, nbytes, write=True)
        self._counters.writes += 1
        self._counters.bytes_written += nbytes
        return seconds

    def cost(self, nbytes: int, *, write: bool, sequential: bool) -> float:
        """Seconds for one request of ``nbytes``, without touching the device state."""
        spec = self.spec
        bandwidth = spec.seq_write_bps if write else spec.seq_read_bps
        transfer = nbytes / bandwidth
        if sequential:
            return transfer
        iops = spec.rand_write_iops if write else spec.rand_read_iops
        latency = spec.write_latency_s if write and spec.write_latency_s is not None else (
            spec.latency_s)
        floor = max(1.0 / iops - IOPS_BLOCK_BYTES / bandwidth, 0.0)
        return max((spec.seek_s + latency) / self.outstanding, floor) + transfer

    @property
    def stats(self) -> dict:
        """Totals: bytes_read, bytes_written, reads, writes, random_requests, busy_seconds."""
        c = self._counters
        return {
            "bytes_read": c.bytes_read,
            "bytes_written": c.bytes_written,
            "reads": c.reads,
            "writes": c.writes,
            "random_requests": c.random_requests,
            "busy_seconds": c.busy_seconds,
        }

    def _serve(self, offset: int, nbytes: int, *, write: bool) -> float:
        if offset < 0 or nbytes < 0:
            raise InvalidRequest(f"{self.spec.name}: negative offset {offset} or size {nbytes}")
        if offset + nbytes > self.spec.capacity_bytes:
            raise InvalidRequest(
                f"{self.spec.name}: request [{offset}, {offset + nbytes}) beyond capacity "
                f"{self.spec.capacity_bytes} bytes")
        sequential = offset == self._head
        seconds = self.cost(nbytes, write=write, sequential=sequential)
        self._head = offset + nbytes
        self._counters.random_requests += not sequential
        self._counters.busy_seconds += seconds
        return seconds
