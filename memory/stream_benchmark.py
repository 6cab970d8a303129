"""STREAM (copy, scale, add, triad) on the modeled machine, reported as STREAM does."""

from __future__ import annotations

from memory.cost import DeviceModel, kernel_cost
from memory.kernels import STREAM_BYTES_PER_ELEMENT, stream_kernels
from memory.machine import MachineSpec

STREAM_MIN_ELEMENTS = 10_000_000  # STREAM's rule: >= 4x the caches and >= 1M; 10M is its default


def stream_elements(machine: MachineSpec) -> int:
    """Array length following STREAM's rule: four times the last-level cache at least."""
    return max(STREAM_MIN_ELEMENTS, 4 * machine.llc_bytes // 8)


def run_stream(machine: MachineSpec, tier: str, threads: int, device_model: DeviceModel
               ) -> dict[str, float]:
    """GB/s of each kernel (STREAM's byte counts, no write-allocate) plus the tier's peak."""
    elements = stream_elements(machine)
    result = {}
    for name, kernel in stream_kernels(elements).items():
        cost = kernel_cost(machine, tier, kernel, threads, device_model)
        result[f"{name}_gbs"] = STREAM_BYTES_PER_ELEMENT[name] * elements / cost.seconds / 1e9
    result["peak_gbs"] = machine.tier(tier).spec().peak_bandwidth_bps / 1e9
    return result
