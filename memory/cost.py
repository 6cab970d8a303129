"""Cost of bulk kernels on a machine's memory tier, at two fidelities behind one interface.

``kernel_cost(machine, tier, kernel, threads, device_model)`` takes the slowest of three bounds
(a roofline with overlap):

* device — what the DRAM/HBM channels can deliver for the kernel's mix of streams and random
  lines. :class:`AnalyticDevice` uses closed formulas over the device's timing parameters;
  :class:`SimulatedDevice` replays a synthetic sample of the kernel on the request-level
  simulator. The analytic constants are fitted against the simulator (``memory.calibration``).
* cores — Little's law: each active core keeps ``mlp_lines_per_core`` lines in flight for the
  tier's idle latency; a dependent (pointer-chasing) access keeps one line per thread.
* compute — element operations over cores x vector units x SIMD lanes x clock, plus scalar
  instructions over cores x vector units x clock.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Protocol

import numpy as np

from memory.dram.simulator import DEFAULT_WRITE_QUEUE, simulate
from memory.dram.spec import DeviceSpec
from memory.errors import InvalidRequest
from memory.kernels import Kernel
from memory.machine import LINE_BYTES, MachineSpec

# Fitted by memory.calibration against the request-level simulator (all standard presets;
# read-only, copy, triad and write-heavy streams, random reads). See docs/memory.md for errors.
TURNAROUND_SCALE = 2.0  # lost cycles per write batch / (tRTW + tWTR path) of the timing table
RANDOM_EFFICIENCY = 0.88  # achieved share of the ACT-rate bound for random accesses
WRITE_BATCH = DEFAULT_WRITE_QUEUE // 2  # writes drained per batch (simulator watermarks)


class DeviceModel(Protocol):
    """Sustainable device rates for a kernel's traffic mix."""

    def stream_bandwidth(self, spec: DeviceSpec, read_lines: int, write_lines: int) -> float:
        """Bytes per second for interleaved sequential streams with this read/write mix."""

    def random_line_rate(self, spec: DeviceSpec) -> float:
        """Independent random cache-line reads per second."""


def refresh_factor(spec: DeviceSpec) -> float:
    """Share of time a channel is not blocked by all-bank refresh."""
    return 1.0 - spec.timing.nRFC / spec.timing.nREFI


@dataclass(frozen=True)
class AnalyticDevice:
    """Closed-form device model from the timing table (microseconds per query)."""

    turnaround_scale: float = TURNAROUND_SCALE
    random_efficiency: float = RANDOM_EFFICIENCY

    def stream_bandwidth(self, spec: DeviceSpec, read_lines: int, write_lines: int) -> float:
        t = spec.timing
        total = read_lines + write_lines
        write_share = write_lines / total if total else 0.0
        data_per_batch = WRITE_BATCH / write_share * spec.nBL if 0 < write_share < 1 else 0.0
        lost = self.turnaround_scale * (spec.nRTW + t.nCWL + spec.nBL + t.nWTR_S)
        mix = data_per_batch / (data_per_batch + lost) if data_per_batch else 1.0
        return spec.peak_bandwidth_bps * refresh_factor(spec) * mix

    def random_line_rate(self, spec: DeviceSpec) -> float:
        """Each access of a line lands in its own channel (channel bits lowest) and needs its
        own PRE + ACT: the slowest of data bus, ACT spacing, four-ACT window, bank cycling and
        row command bus bounds the accesses per channel."""
        t, org = spec.timing, spec.org
        accesses_per_line = max(1, LINE_BYTES // org.access_bytes)
        row_bus = 1 + spec.row_command_cycles + (0 if spec.split_command_bus else 1)
        cycles = max(spec.nBL, t.nRRD_S, t.nFAW / 4, t.nRC / org.banks, row_bus)
        per_channel = 1e12 / (cycles * t.tck_ps)
        return (org.controllers * per_channel / accesses_per_line * refresh_factor(spec)
                * self.random_efficiency)


@dataclass
class SimulatedDevice:
    """Device rates measured by replaying a synthetic sample on the request-level simulator."""

    sample_lines: int = 60_000
    seed: int = 1
    _cache: dict = field(default_factory=dict, repr=False)

    def lines_for(self, spec: DeviceSpec) -> int:
        """Sample size: at least ``sample_lines`` and four refresh intervals per channel."""
        per_line = max(1, LINE_BYTES // spec.org.access_bytes)
        busy = spec.org.controllers * 4 * spec.timing.nREFI // (spec.nBL * per_line)
        return max(self.sample_lines, busy)

    def stream_bandwidth(self, spec: DeviceSpec, read_lines: int, write_lines: int) -> float:
        total = read_lines + write_lines
        if total == 0:
            return spec.peak_bandwidth_bps
        lines = self.lines_for(spec)
        reads = round(lines * read_lines / total)
        key = ("stream", spec.name, reads, lines - reads)
        if key not in self._cache:
            addresses, writes = stream_sample(spec, reads, lines - reads)
            result = simulate(spec, addresses, writes)
            self._cache[key] = result.bandwidth_gbs * 1e9
        return self._cache[key]

    def random_line_rate(self, spec: DeviceSpec) -> float:
        key = ("random", spec.name)
        if key not in self._cache:
            rng = np.random.default_rng(self.seed)
            lines = rng.integers(0, spec.capacity_bytes // LINE_BYTES, self.lines_for(spec))
            addresses = expand_lines(spec, lines.astype(np.uint64) * np.uint64(LINE_BYTES))
            result = simulate(spec, addresses, np.zeros(addresses.shape[0], np.uint8))
            self._cache[key] = result.bandwidth_gbs * 1e9 / LINE_BYTES
        return self._cache[key]


def expand_lines(spec: DeviceSpec, line_addresses: np.ndarray) -> np.ndarray:
    """Device accesses covering each cache line (two 32-byte bursts on HBM pseudo-channels)."""
    per_line = max(1, LINE_BYTES // spec.org.access_bytes)
    offsets = np.arange(per_line, dtype=np.uint64) * np.uint64(spec.org.access_bytes)
    return (line_addresses[:, None] + offsets).reshape(-1)


def stream_sample(spec: DeviceSpec, read_lines: int, write_lines: int
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Interleaved line addresses of a read stream set and a write stream, as device accesses.

    Read lines are split over two arrays when there are at least twice as many as written
    lines (add/triad shape), each array starting in its own region of the device.
    """
    n_read_arrays = 2 if write_lines and read_lines >= 2 * write_lines else 1
    streams = [(read_lines // n_read_arrays, 0)] * n_read_arrays + [(write_lines, 1)]
    streams = [(n, w) for n, w in streams if n]
    region = spec.capacity_bytes // len(streams) // (1 << 20) * (1 << 20)
    positions, addresses, writes = [], [], []
    for k, (n, w) in enumerate(streams):
        index = np.arange(n)
        positions.append((index + 0.5) / n + k * 1e-9)
        addresses.append(np.uint64(k * region) + index.astype(np.uint64) * np.uint64(LINE_BYTES))
        writes.append(np.full(n, w, dtype=np.uint8))
    order = np.argsort(np.concatenate(positions), kind="stable")
    lines = np.concatenate(addresses)[order]
    per_line = max(1, LINE_BYTES // spec.org.access_bytes)
    return expand_lines(spec, lines), np.repeat(np.concatenate(writes)[order], per_line)


@dataclass(frozen=True)
class KernelCost:
    """Modeled time of one kernel and which bound set it."""

    kernel: str
    machine: str
    tier: str
    threads: int
    seconds: float
    device_seconds: float
    core_seconds: float
    compute_seconds: float
    traffic_bytes: int
    bound: str  # "device" | "cores" | "compute"

    def to_json(self) -> dict:
        return asdict(self)


def compute_seconds(machine: MachineSpec, cores: int, kernel: Kernel) -> float:
    """Seconds of SIMD element operations and scalar instructions on ``cores`` cores."""
    lanes = machine.lanes(kernel.element_bits)
    return (kernel.ops / lanes + kernel.scalar_ops) / (
        cores * machine.vector_units_per_core * machine.freq_ghz * 1e9)


def kernel_cost(machine: MachineSpec, tier_name: str, kernel: Kernel, threads: int,
                device_model: DeviceModel) -> KernelCost:
    """Seconds ``kernel`` takes on ``threads`` threads with its arrays in ``tier_name``."""
    max_threads = machine.cores * machine.threads_per_core
    if not 1 <= threads <= max_threads:
        raise InvalidRequest(f"{machine.name}: threads must be in 1..{max_threads}, got {threads}")
    tier = machine.tier(tier_name)
    spec = tier.spec()
    read_lines, write_lines = kernel.streaming_lines
    stream_bytes = (read_lines + write_lines) * LINE_BYTES
    device = 0.0
    if stream_bytes:
        device += stream_bytes / device_model.stream_bandwidth(spec, read_lines, write_lines)
    if kernel.random_lines:
        device += kernel.random_lines / device_model.random_line_rate(spec)
    active_cores = min(threads, machine.cores)
    latency_s = tier.idle_latency_ns * 1e-9
    independent_lines = sum(a.lines for a in kernel.accesses if not a.dependent)
    dependent_lines = sum(a.lines for a in kernel.accesses if a.dependent)
    core = (independent_lines / (active_cores * machine.mlp_lines_per_core) * latency_s
            + dependent_lines / threads * latency_s)
    compute = compute_seconds(machine, active_cores, kernel)
    bounds = {"device": device, "cores": core, "compute": compute}
    bound = max(bounds, key=bounds.get)
    return KernelCost(kernel.name, machine.name, tier_name, threads, bounds[bound], device, core,
                      compute, kernel.traffic_bytes, bound)
