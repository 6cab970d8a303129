"""Machines as data: cores, SIMD lanes, caches and their memory tiers, with sources."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from memory.dram.presets import DEVICE_PRESETS, device_preset
from memory.dram.spec import DeviceSpec
from memory.errors import UnknownPreset

LINE_BYTES = 64  # cache line of every machine below


@functools.cache
def tier_device(device: str, devices: int) -> DeviceSpec:
    """``devices`` copies of a device preset as one device (a pure function, memoized)."""
    base = DEVICE_PRESETS[device]
    return device_preset(device, channels=base.org.channels * devices)


@dataclass(frozen=True)
class MemoryTier:
    """One memory tier of a machine: ``devices`` copies of a device preset behind one map."""

    name: str  # "hbm" | "dram"
    device: str  # a key of DEVICE_PRESETS
    devices: int  # stacks (HBM, MCDRAM) or DIMM channels (DDR)
    idle_latency_ns: float  # load-to-use latency from a core with the memory idle
    source: str

    def spec(self) -> DeviceSpec:
        """The tier as one device: the preset with ``devices`` times its channels."""
        return tier_device(self.device, self.devices)


@dataclass(frozen=True)
class MachineSpec:
    """A processor (or the memory side of an accelerator) with its memory tiers."""

    name: str
    cores: int  # cores (CPU) or streaming multiprocessors (GPU)
    threads_per_core: int
    freq_ghz: float  # sustained all-core clock under vector load
    simd_bits: int  # width of one vector unit
    vector_units_per_core: int
    llc_bytes: int
    mlp_lines_per_core: int  # line misses one core keeps in flight (fill buffers + L2 prefetch)
    tiers: tuple[MemoryTier, ...]
    source: str

    def lanes(self, element_bits: int) -> int:
        """SIMD lanes of one vector unit for elements of ``element_bits``."""
        return self.simd_bits // element_bits

    def tier(self, name: str) -> MemoryTier:
        for tier in self.tiers:
            if tier.name == name:
                return tier
        raise UnknownPreset(f"{self.name} memory tier", name, [t.name for t in self.tiers])

    @property
    def tier_names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.tiers)


MACHINE_PRESETS: dict[str, MachineSpec] = {
    "knl-7250": MachineSpec(
        name="knl-7250",
        cores=68, threads_per_core=4,  # Intel ark: Xeon Phi 7250, 68 cores, 272 threads
        freq_ghz=1.2,  # 1.4 GHz base; AVX-512-heavy code runs 200 MHz lower (Intel x200 guide)
        simd_bits=512, vector_units_per_core=2,  # two AVX-512 VPUs per core (Sodani 2016)
        llc_bytes=34 << 20,  # 34 tiles x 1 MB shared L2 (no L3)
        mlp_lines_per_core=24,  # modeled: L1 fill buffers plus the tile L2 streamer's share
        tiers=(
            MemoryTier("hbm", "mcdram-knl", 1, 154.0,
                       "16 GB MCDRAM in flat mode; idle latency ~154 ns (Colfax KNL MCDRAM "
                       "guide / McCalpin's KNL latency measurements)"),
            MemoryTier("dram", "ddr4-2400", 6, 130.0,
                       "6 channels DDR4-2400, 96 GB; idle latency ~130 ns (same sources)"),
        ),
        source="Intel Xeon Phi Processor 7250 (ark.intel.com); Sodani et al., IEEE Micro 2016",
    ),
    "xeon-max-9480": MachineSpec(
        name="xeon-max-9480",
        cores=56, threads_per_core=2,  # Intel ark: Xeon CPU Max 9480, 56 cores
        freq_ghz=1.9,  # base clock
        simd_bits=512, vector_units_per_core=2,  # two AVX-512 FMA ports (Golden Cove)
        llc_bytes=int(112.5 * (1 << 20)),  # 112.5 MB L3
        mlp_lines_per_core=48,  # modeled: L2 miss-handling depth of a Golden Cove-class core
        tiers=(
            MemoryTier("hbm", "hbm2e-3200", 4, 130.0,
                       "4 HBM2e stacks, 64 GB (Intel ark); latency from McCalpin, "
                       "'Bandwidth limits in the Intel Xeon Max processors', 2023"),
            MemoryTier("dram", "ddr5-4800", 8, 110.0,
                       "8 channels DDR5-4800 (Intel ark); latency same source"),
        ),
        source="Intel Xeon CPU Max 9480 (ark.intel.com)",
    ),
    "ddr4-server": MachineSpec(
        name="ddr4-server",
        cores=14, threads_per_core=2,  # Intel Xeon E5-2680 v4 (Broadwell-EP)
        freq_ghz=2.4,
        simd_bits=256, vector_units_per_core=2,  # AVX2, two FMA units
        llc_bytes=35 << 20,
        mlp_lines_per_core=10,  # 10 L1D fill buffers (Intel optimization manual, Broadwell)
        tiers=(
            MemoryTier("dram", "ddr4-2400", 4, 90.0,
                       "4 channels DDR4-2400 (Intel ark); ~90 ns idle latency"),
        ),
        source="Intel Xeon E5-2680 v4 (ark.intel.com)",
    ),
    "h100-sxm": MachineSpec(
        name="h100-sxm",
        cores=132, threads_per_core=64,  # 132 SMs, 64 resident warps each
        freq_ghz=1.755,  # boost clock under load (NVIDIA H100 white paper)
        simd_bits=1024, vector_units_per_core=4,  # 4 sub-partitions x 32 FP32 lanes
        llc_bytes=50 << 20,  # 50 MB L2
        mlp_lines_per_core=512,  # modeled: enough warps in flight to cover HBM latency
        tiers=(
            MemoryTier("hbm", "hbm3-5230", 5, 480.0,
                       "5 active HBM3 stacks, 80 GB, 3.35 TB/s (NVIDIA H100 data sheet); "
                       "latency ~480 ns (Chips and Cheese H100 measurements)"),
        ),
        source="NVIDIA H100 Tensor Core GPU data sheet / architecture white paper",
    ),
    "h200": MachineSpec(
        name="h200",
        cores=132, threads_per_core=64,
        freq_ghz=1.755,
        simd_bits=1024, vector_units_per_core=4,
        llc_bytes=50 << 20,
        mlp_lines_per_core=512,
        tiers=(
            MemoryTier("hbm", "hbm3e-6250", 6, 480.0,
                       "6 HBM3E stacks, 141 GB, 4.8 TB/s (NVIDIA H200 data sheet)"),
        ),
        source="NVIDIA H200 Tensor Core GPU data sheet (Hopper SMs as H100)",
    ),
}


def machine_preset(name: str) -> MachineSpec:
    """The machine called ``name``; :class:`UnknownPreset` lists the valid names otherwise."""
    try:
        return MACHINE_PRESETS[name]
    except KeyError:
        raise UnknownPreset("machine", name, MACHINE_PRESETS) from None
