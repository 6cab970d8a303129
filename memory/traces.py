"""Memory-trace readers for the formats other simulators define, and replay on a device.

* ``dramsim3``: ``0xADDR READ|WRITE CYCLE`` — arrival in memory-clock cycles (DRAMSim3).
* ``ramulator``: ``LD|ST ADDR`` (Ramulator 2 load/store trace) or ``ADDR R|W`` (Ramulator DRAM
  trace); no timestamps, requests enter as fast as the controller queues accept them.
* ``gem5-ascii``: ``r|w,ADDR,SIZE,TICK`` (or ``r|w,ADDR,SIZE,FLAGS,TICK``), gem5's decoded
  packet trace; ticks are picoseconds and a packet spanning several bursts becomes several
  requests.

Addresses may be hexadecimal (``0x``) or decimal. Blank lines and ``#`` comments are skipped.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tqdm import tqdm

from memory.dram.simulator import SimResult, simulate
from memory.dram.spec import DeviceSpec
from memory.errors import TraceFormatError

FORMATS = ("dramsim3", "ramulator", "gem5-ascii")
GEM5_TICKS_PER_SECOND = 10**12  # gem5's default tick is 1 ps


@dataclass(frozen=True)
class Trace:
    """Parsed requests, one entry per trace line (before splitting into bursts)."""

    path: str
    fmt: str
    addresses: np.ndarray  # uint64
    is_write: np.ndarray  # uint8
    sizes: np.ndarray  # bytes per request (0 = one device access)
    times: np.ndarray | None  # int64, in the format's own unit; None if the format has none
    lines: np.ndarray  # 1-based source line of each request


def _int(token: str, where: str, what: str) -> int:
    try:
        return int(token, 0) if token.lower().startswith("0x") else int(token)
    except ValueError:
        raise TraceFormatError(f"{where}: {what} {token!r} is not a number") from None


def _dramsim3(parts: list[str], where: str) -> tuple[int, bool, int, int]:
    if len(parts) != 3 or parts[1].upper() not in ("READ", "WRITE"):
        raise TraceFormatError(f"{where}: expected '0xADDR READ|WRITE CYCLE'")
    return _int(parts[0], where, "address"), parts[1].upper() == "WRITE", 0, _int(
        parts[2], where, "cycle")


def _ramulator(parts: list[str], where: str) -> tuple[int, bool, int, int]:
    if len(parts) == 2 and parts[0].upper() in ("LD", "ST"):
        return _int(parts[1], where, "address"), parts[0].upper() == "ST", 0, 0
    if len(parts) == 2 and parts[1].upper() in ("R", "W"):
        return _int(parts[0], where, "address"), parts[1].upper() == "W", 0, 0
    raise TraceFormatError(f"{where}: expected 'LD|ST ADDR' or 'ADDR R|W'")


def _gem5(parts: list[str], where: str) -> tuple[int, bool, int, int]:
    parts = [p.strip() for p in ",".join(parts).split(",")]
    if len(parts) not in (4, 5) or parts[0].lower() not in ("r", "w"):
        raise TraceFormatError(f"{where}: expected 'r|w,ADDR,SIZE,TICK'")
    size = _int(parts[2], where, "size")
    if size <= 0:
        raise TraceFormatError(f"{where}: size must be positive")
    return (_int(parts[1], where, "address"), parts[0].lower() == "w", size,
            _int(parts[-1], where, "tick"))


_PARSERS = {"dramsim3": _dramsim3, "ramulator": _ramulator, "gem5-ascii": _gem5}


def read_trace(path: str | Path, fmt: str = "dramsim3") -> Trace:
    """Parse ``path``; a malformed line raises :class:`TraceFormatError` naming its number."""
    if fmt not in _PARSERS:
        raise TraceFormatError(f"unknown trace format {fmt!r} (known: {', '.join(FORMATS)})")
    parse = _PARSERS[fmt]
    rows = []
    try:
        handle = open(path, encoding="utf-8")
    except OSError as exc:
        raise TraceFormatError(f"cannot read trace {path}: {exc.strerror}") from None
    lines = tqdm(handle, desc=f"reading {Path(path).name}", unit=" lines", leave=False,
                 disable=not sys.stderr.isatty())
    with handle:
        for number, line in enumerate(lines, 1):
            text = line.split("#", 1)[0].strip()
            if text:
                address, write, size, time = parse(text.split(), f"{path}:{number}")
                if address < 0 or time < 0:
                    raise TraceFormatError(f"{path}:{number}: negative address or time")
                rows.append((address, write, size, time, number))
    if not rows:
        raise TraceFormatError(f"{path}: no requests in the trace")
    columns = list(zip(*rows))
    return Trace(
        path=str(path),
        fmt=fmt,
        addresses=np.array(columns[0], dtype=np.uint64),
        is_write=np.array(columns[1], dtype=np.uint8),
        sizes=np.array(columns[2], dtype=np.int64),
        times=None if fmt == "ramulator" else np.array(columns[3], dtype=np.int64),
        lines=np.array(columns[4], dtype=np.int64),
    )


def device_requests(trace: Trace, spec: DeviceSpec) -> tuple[np.ndarray, ...]:
    """(addresses, is_write, arrival cycles) as device accesses, sorted by arrival."""
    access = spec.org.access_bytes
    first = trace.addresses // np.uint64(access)
    last = first
    if trace.fmt == "gem5-ascii":
        last = (trace.addresses + trace.sizes.astype(np.uint64) - np.uint64(1)) // np.uint64(
            access)
    beyond = (last + np.uint64(1)) * np.uint64(access) > np.uint64(spec.capacity_bytes)
    if beyond.any():
        i = int(np.argmax(beyond))
        raise TraceFormatError(
            f"{trace.path}:{int(trace.lines[i])}: address {int(trace.addresses[i]):#x} beyond "
            f"the {spec.capacity_bytes:#x}-byte capacity of {spec.name}")
    counts = (last - first + np.uint64(1)).astype(np.int64)
    index = np.repeat(np.arange(first.shape[0]), counts)
    offsets = np.arange(index.shape[0]) - np.repeat(np.cumsum(counts) - counts, counts)
    addresses = (first[index] + offsets.astype(np.uint64)) * np.uint64(access)
    if trace.times is None:
        arrival = np.zeros(index.shape[0], dtype=np.int64)
    elif trace.fmt == "gem5-ascii":
        picoseconds = trace.times[index] * (1e12 / GEM5_TICKS_PER_SECOND)
        arrival = (picoseconds / spec.timing.tck_ps).astype(np.int64)
    else:
        arrival = trace.times[index]
    order = np.argsort(arrival, kind="stable")
    return addresses[order], trace.is_write[index][order], arrival[order]


def replay(path: str | Path, spec: DeviceSpec, fmt: str = "dramsim3", **options) -> SimResult:
    """Parse a trace file and run it through the request-level simulator on ``spec``."""
    addresses, is_write, arrival = device_requests(read_trace(path, fmt), spec)
    return simulate(spec, addresses, is_write, arrival, **options)
