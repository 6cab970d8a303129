"""The streaming runtime: bundles of records, event-time fixed windows, watermarks, a
grouping engine per window, modeled and real throughput, and verification against Polars."""

from __future__ import annotations

import sys
import time
from dataclasses import asdict, dataclass, field

import numpy as np
from tqdm import tqdm

from memory.allocator import DRAM, HBM, HybridAllocator, KnobPolicy
from memory.cost import AnalyticDevice, SimulatedDevice
from memory.errors import InvalidRequest
from memory.grouping.context import AlgorithmModel, EngineContext
from memory.grouping.engines import (
    FullRecordSortEngine,
    HashEngine,
    KpaSortEngine,
    WindowState,
)
from memory.grouping.ledger import Ledger
from memory.machine import machine_preset
from memory.streaming.benchmarks import generate, query

PLACEMENTS = ("auto", "hbm", "dram")


@dataclass(frozen=True)
class RunConfig:
    bench: str
    machine: str = "knl-7250"
    cores: int = 64
    grouping: str = "sort"  # "sort" | "hash"
    kpa: bool = True  # sort on key/pointer arrays; False sorts full records
    placement: str = "auto"  # KPAs: knob-driven, all HBM, or all DRAM
    records: int = 2_000_000
    window_ms: int = 1000
    slide_ms: int | None = None  # sliding windows advance by this much (None: fixed windows)
    records_per_ms: int = 1000  # event rate: 1M records per second of event time
    bundle_records: int = 65_536
    disorder_ms: int = 20  # bounded out-of-orderness of event times
    lateness_ms: int = 50  # watermark = max event time seen - lateness
    late_every: int = 10_000  # every N-th record arrives beyond the watermark (0: none)
    fidelity: str = "analytic"
    merge_fan_in: int = AlgorithmModel.merge_fan_in  # runs merged per pass over memory
    seed: int = 42
    verify: bool = True


@dataclass
class RunReport:
    bench: str
    engine: str
    machine: str
    cores: int
    placement: str
    records: int
    windows: int
    late_records: int
    modeled_seconds: float
    modeled_records_per_s: float
    modeled_bandwidth_gbs: float
    core_cycles_per_record: float  # modeled instruction + stall cycles, summed over cores
    modeled_bytes_per_record: float  # memory traffic, all tiers
    bandwidth_gbs_by_tier: dict[str, float]
    hbm_peak_bytes: int
    window_latency_ms: dict[str, float]
    knob_trajectory: list[dict]
    seconds_by_primitive: dict[str, float]
    wall_seconds: float
    wall_records_per_s: float
    verified: bool | None
    output: dict = field(repr=False)

    def to_json(self) -> dict:
        data = asdict(self)
        data.pop("output")
        return data


def check(config: RunConfig) -> None:
    """Reject configurations that cannot run, naming the flag."""
    query(config.bench)
    if config.cores < 1:
        raise InvalidRequest(f"--cores must be >= 1, got {config.cores}")
    if config.records < 1:
        raise InvalidRequest(f"--records must be >= 1, got {config.records}")
    if config.grouping not in ("sort", "hash"):
        raise InvalidRequest(f"--grouping must be sort or hash, got {config.grouping!r}")
    if config.merge_fan_in < 2:
        raise InvalidRequest(f"--merge-fan-in must be >= 2, got {config.merge_fan_in}")
    if config.placement not in PLACEMENTS:
        raise InvalidRequest(f"--placement must be one of {PLACEMENTS}")
    slide = config.slide_ms or config.window_ms
    if slide < 1 or config.window_ms % slide:
        raise InvalidRequest(f"--slide-ms {slide} must divide --window-ms {config.window_ms}")
    bundle_span_ms = config.bundle_records / config.records_per_ms
    if config.window_ms < bundle_span_ms:
        raise InvalidRequest(
            f"--window-ms {config.window_ms} is smaller than one bundle ({config.bundle_records}"
            f" records = {bundle_span_ms:g} ms of events at {config.records_per_ms}/ms)")


def make_engine(config: RunConfig):
    if config.grouping == "hash":
        return HashEngine()
    return KpaSortEngine() if config.kpa else FullRecordSortEngine()


def make_allocator(config: RunConfig, machine) -> HybridAllocator:
    share = {"auto": 0.5, "hbm": 1.0, "dram": 0.0}[config.placement]  # auto: knob starts midway
    step = 0.1 if config.placement == "auto" else 0.0
    return HybridAllocator.for_machine(machine, KnobPolicy(initial_share=share, step=step))


def run(config: RunConfig) -> RunReport:
    """Generate the benchmark's records, stream them through the engine, verify, report."""
    check(config)
    machine = machine_preset(config.machine)
    if config.cores > machine.cores * machine.threads_per_core:
        raise InvalidRequest(f"--cores: {machine.name} has {machine.cores} cores")
    if DRAM not in machine.tier_names:
        raise InvalidRequest(f"--machine {machine.name} has no DRAM tier (tiers: "
                             f"{', '.join(machine.tier_names)}); the stream engine keeps its "
                             f"records in DRAM")
    q = query(config.bench)
    gen = generate(config.bench, config.records, config.seed, config.records_per_ms,
                   config.disorder_ms, config.late_every, config.window_ms + config.lateness_ms)
    device_model = AnalyticDevice() if config.fidelity == "analytic" else SimulatedDevice()
    ledger = Ledger(machine, config.cores, device_model)
    allocator = make_allocator(config, machine)
    ctx = EngineContext(ledger, allocator, gen.records.dtype.itemsize,
                        AlgorithmModel(merge_fan_in=config.merge_fan_in))
    engine = make_engine(config)
    ts = gen.records["ts"]
    slide = config.slide_ms or config.window_ms
    per_record = config.window_ms // slide  # windows each record falls in
    accepted_rows, accepted_windows = [], []
    late_pairs = 0
    open_windows: dict[int, tuple[WindowState, list[np.ndarray], float]] = {}
    outputs, latencies = [], []
    closed_through = -1  # every window <= this one is closed
    hbm_peak = 0
    began = time.perf_counter()
    dram_peak = machine.tier(DRAM).spec().peak_bandwidth_bps

    since = {"seconds": 0.0, "dram_bytes": 0}  # ledger totals at the last knob observation

    def close(w: int) -> None:
        state, rows, last_start = open_windows.pop(w)
        result = engine.close(ctx, state, q.how)
        result = q.finish(ctx, result, gen, np.concatenate(rows))
        length = len(next(iter(result.values())))
        outputs.append({"window": np.full(length, w, dtype=np.int64), **result})
        latencies.append((ledger.seconds - last_start) * 1e3)
        spent = max(ledger.seconds - since["seconds"], 1e-12)
        dram_bytes = ledger.bytes_by_tier[DRAM] - since["dram_bytes"]
        allocator.observe(ledger.seconds, min(1.0, dram_bytes / spent / dram_peak))
        since.update(seconds=ledger.seconds, dram_bytes=ledger.bytes_by_tier[DRAM])

    starts = range(0, config.records, config.bundle_records)
    for lo in tqdm(starts, desc=config.bench, unit=" bundles", leave=False,
                   disable=not sys.stderr.isatty()):
        rows = np.arange(lo, min(lo + config.bundle_records, config.records))
        pair_rows, pair_windows = assign_windows(rows, ts[rows] // slide, per_record)
        late = pair_windows <= closed_through
        late_pairs += int(late.sum())
        pair_rows, pair_windows = pair_rows[~late], pair_windows[~late]
        accepted_rows.append(pair_rows)
        accepted_windows.append(pair_windows)
        bundle_start = ledger.seconds
        ctx.ingest(rows.shape[0])
        for w in np.unique(pair_windows):
            part = pair_rows[pair_windows == w]
            state, seen, _ = open_windows.get(int(w), (WindowState(), [], 0.0))
            keys, feed = q.prepare(ctx, engine, gen, part)
            values = gen.records[q.values][feed].astype(np.int64) if q.values else None
            engine.add_bundle(ctx, state, keys.astype(np.int64), feed, values)
            seen.append(part)
            open_windows[int(w)] = (state, seen, bundle_start)
        hbm_peak = max(hbm_peak, allocator.peak[HBM])
        watermark = int(ts[pair_rows].max()) - config.lateness_ms if pair_rows.size else -1
        ready = [w for w in sorted(open_windows) if w * slide + config.window_ms <= watermark]
        for w in ready:
            close(w)
            closed_through = max(closed_through, w)
    for w in sorted(open_windows):  # end of stream: flush
        close(w)
    wall = time.perf_counter() - began

    output = {name: np.concatenate([o[name] for o in outputs]) for name in outputs[0]}
    verified = verify(output, q, gen, np.concatenate(accepted_rows),
                      np.concatenate(accepted_windows)) if config.verify else None
    seconds = max(ledger.seconds, 1e-12)
    return RunReport(
        bench=config.bench, engine=engine.name,
        machine=machine.name, cores=config.cores, placement=config.placement,
        records=config.records, windows=len(outputs), late_records=late_pairs,
        modeled_seconds=ledger.seconds,
        modeled_records_per_s=config.records / seconds,
        modeled_bandwidth_gbs=sum(ledger.bytes_by_tier.values()) / seconds / 1e9,
        core_cycles_per_record=ledger.busy_cycles / config.records,
        modeled_bytes_per_record=sum(ledger.bytes_by_tier.values()) / config.records,
        bandwidth_gbs_by_tier={t: b / seconds / 1e9 for t, b in ledger.bytes_by_tier.items()},
        hbm_peak_bytes=hbm_peak,
        window_latency_ms={"mean": float(np.mean(latencies)), "max": float(np.max(latencies))},
        knob_trajectory=[asdict(s) for s in allocator.trajectory],
        seconds_by_primitive=dict(ledger.seconds_by_primitive),
        wall_seconds=wall, wall_records_per_s=config.records / wall,
        verified=verified, output=output,
    )


def assign_windows(rows: np.ndarray, slot: np.ndarray, per_record: int
                   ) -> tuple[np.ndarray, np.ndarray]:
    """(row, window) pairs: window w covers slots w .. w + per_record - 1 (slot = ts // slide),
    so a record in slot s belongs to windows s - per_record + 1 .. s (those >= 0)."""
    offsets = np.arange(per_record)
    windows = (slot[:, None] - offsets[None, :]).reshape(-1)
    pair_rows = np.repeat(rows, per_record)
    keep = windows >= 0
    return pair_rows[keep], windows[keep]


def verify(output: dict, q, gen, rows: np.ndarray, windows: np.ndarray) -> bool:
    """Exact comparison with the Polars reference on the accepted (not late) (record,
    window) pairs."""
    import polars as pl

    records = gen.records[rows]
    frame = pl.DataFrame({name: records[name] for name in records.dtype.names
                          if records[name].ndim == 1}).with_columns(pl.Series("window", windows))
    expected = q.reference(frame, gen)
    got = pl.DataFrame(output)
    columns = got.columns
    if sorted(columns) != sorted(expected.columns):
        return False
    keys = [c for c in ("window", "key", "rank") if c in columns]
    expected = expected.select(columns).sort(keys)
    got = got.select(columns).sort(keys)
    return expected.shape == got.shape and all(
        np.array_equal(got[c].to_numpy(), expected[c].to_numpy()) for c in columns)
