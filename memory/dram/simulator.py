"""Request-level DRAM/HBM simulator: replay requests, report bandwidth, latency, row hits."""

from __future__ import annotations

import time
from dataclasses import dataclass, field, fields

import numpy as np

from memory.dram.address import DEFAULT_MAPPING, decode
from memory.dram.constraints import constraint_table
from memory.dram.controller import compile_table, simulate_channels
from memory.dram.spec import DeviceSpec
from memory.errors import InvalidOverride

DEFAULT_READ_QUEUE = 32  # per-channel read queue (the DRAMSim3 / Ramulator 2 default depth)
DEFAULT_WRITE_QUEUE = 64  # write buffer drained in batches of 32 (watermarks 3/4, 1/4)


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
    sim_cpu_seconds: float  # process CPU time of the compiled loop (robust on a busy machine)
    latencies_ns: np.ndarray = field(repr=False)  # per request, in input order

    def to_json(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "latencies_ns"}


def simulate(spec: DeviceSpec, addresses: np.ndarray, is_write: np.ndarray,
             arrival_cycles: np.ndarray | None = None, *, mapping: str = DEFAULT_MAPPING,
             bank_xor: bool = True, read_queue: int = DEFAULT_READ_QUEUE,
             write_queue: int = DEFAULT_WRITE_QUEUE) -> SimResult:
    """Replay requests of one access (``spec.org.access_bytes``) each.

    ``arrival_cycles`` (device clock cycles, non-decreasing) defaults to all at cycle 0: the
    controllers then run as fast as the device allows (a bandwidth test).
    """
    if read_queue < 1 or write_queue < 4:
        raise InvalidOverride("read_queue must be >= 1 and write_queue >= 4")
    addresses = np.asarray(addresses, dtype=np.uint64)
    n = addresses.shape[0]
    is_write = np.asarray(is_write, dtype=np.uint8)
    arrival = (np.zeros(n, dtype=np.int64) if arrival_cycles is None
               else np.asarray(arrival_cycles, dtype=np.int64))
    where = decode(spec, addresses, mapping, bank_xor)
    order = np.argsort(where.channel, kind="stable")
    channels = spec.org.controllers
    ch_start = np.zeros(channels + 1, dtype=np.int64)
    ch_start[1:] = np.cumsum(np.bincount(where.channel, minlength=channels))
    table = compile_table(constraint_table(spec))
    n_slots = int((table[5] >= 0).sum())
    t = spec.timing
    began, began_cpu = time.perf_counter(), time.process_time()
    completion, missed, column_commands, refreshes, last_cycle = simulate_channels(
        ch_start, where.bank[order], where.row[order], is_write[order], arrival[order],
        spec.org.banks_per_group, spec.org.banks, n_slots, spec.nBL, t.nCL, t.nCWL,
        t.nRFC, t.nREFI, read_queue, write_queue, *table)
    wall, cpu = time.perf_counter() - began, time.process_time() - began_cpu
    latency_ns = np.empty(n)
    latency_ns[order] = (completion - arrival[order]) * (t.tck_ps / 1000.0)
    return _summarize(spec, n, arrival, latency_ns, missed, column_commands, refreshes,
                      last_cycle, wall, cpu)


def _summarize(spec, n, arrival, latency_ns, missed, column_commands, refreshes, last_cycle,
               wall, cpu) -> SimResult:
    tck_ns = spec.timing.tck_ps / 1000.0
    total_bytes = n * spec.org.access_bytes
    cycles = int(last_cycle.max() - arrival.min()) if n else 0
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
        sim_cpu_seconds=cpu,
        latencies_ns=latency_ns,
    )
