"""Request-level DRAM/HBM simulator: replay requests, report bandwidth, latency, row hits."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass

import numpy as np

from memory.dram.address import DEFAULT_MAPPING, decode
from memory.dram.constraints import constraint_table
from memory.dram.controller import compile_table, simulate_channels
from memory.dram.spec import DeviceSpec

DEFAULT_READ_QUEUE = 32  # per-channel read queue (DRAMSim3 / Ramulator default depth)
DEFAULT_WRITE_QUEUE = 32


@dataclass(frozen=True)
class SimResult:
    """What a replay measured; ``to_json`` gives the CLI's keys."""

    device: str
    requests: int
    bytes: int
    sim_cycles: int
    bandwidth_gbs: float
    peak_gbs: float
    avg_latency_ns: float
    p99_latency_ns: float
    row_hit_rate: float
    channel_utilization: list[float]
    refreshes: int
    sim_wall_seconds: float

    def to_json(self) -> dict:
        return asdict(self)


def simulate(spec: DeviceSpec, addresses: np.ndarray, is_write: np.ndarray,
             arrival_cycles: np.ndarray | None = None, *, mapping: str = DEFAULT_MAPPING,
             read_queue: int = DEFAULT_READ_QUEUE, write_queue: int = DEFAULT_WRITE_QUEUE
             ) -> SimResult:
    """Replay requests of one access (``spec.org.access_bytes``) each.

    ``arrival_cycles`` (device clock cycles, non-decreasing) defaults to all at cycle 0: the
    controllers then run as fast as the device allows (a bandwidth test).
    """
    addresses = np.asarray(addresses, dtype=np.uint64)
    n = addresses.shape[0]
    is_write = np.asarray(is_write, dtype=np.uint8)
    arrival = (np.zeros(n, dtype=np.int64) if arrival_cycles is None
               else np.asarray(arrival_cycles, dtype=np.int64))
    where = decode(spec, addresses, mapping)
    order = np.argsort(where.channel, kind="stable")
    channels = spec.org.controllers
    ch_start = np.zeros(channels + 1, dtype=np.int64)
    ch_start[1:] = np.cumsum(np.bincount(where.channel, minlength=channels))
    table = compile_table(constraint_table(spec))
    n_slots = int((table[5] >= 0).sum())
    t = spec.timing
    began = time.perf_counter()
    completion, missed, column_commands, refreshes, last_cycle = simulate_channels(
        ch_start, where.bank[order], where.row[order], is_write[order], arrival[order],
        spec.org.banks_per_group, spec.org.banks, n_slots, spec.nBL, t.nCL, t.nCWL,
        t.nRFC, t.nREFI, read_queue, write_queue, *table)
    wall = time.perf_counter() - began
    return _summarize(spec, n, arrival[order], completion, missed, column_commands, refreshes,
                      last_cycle, wall)


def _summarize(spec, n, arrival, completion, missed, column_commands, refreshes, last_cycle,
               wall) -> SimResult:
    tck_ns = spec.timing.tck_ps / 1000.0
    total_bytes = n * spec.org.access_bytes
    cycles = int(last_cycle.max() - arrival.min()) if n else 0
    latency_ns = (completion - arrival) * tck_ns
    busy = column_commands * spec.nBL
    return SimResult(
        device=spec.name,
        requests=n,
        bytes=total_bytes,
        sim_cycles=cycles,
        bandwidth_gbs=total_bytes / (cycles * tck_ns) if cycles else 0.0,
        peak_gbs=spec.peak_bandwidth_bps / 1e9,
        avg_latency_ns=float(latency_ns.mean()) if n else 0.0,
        p99_latency_ns=float(np.percentile(latency_ns, 99)) if n else 0.0,
        row_hit_rate=float(1.0 - missed.mean()) if n else 0.0,
        channel_utilization=[round(float(b) / cycles, 4) if cycles else 0.0 for b in busy],
        refreshes=int(refreshes.sum()),
        sim_wall_seconds=wall,
    )
