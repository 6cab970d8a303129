"""HBM3E: the HBM3 interface (JESD238A) at higher pin rates with 24 Gb dies.

Micron HBM3E 8-Hi 24 GB: > 9.2 Gb/s per pin, > 1.2 TB/s per stack. NVIDIA H200: six stacks,
141 GB, 4.8 TB/s (6144-bit) -> 6.25 Gb/s per pin. Array timings in ns as HBM3; 24 Gb dies give
48K rows per bank of a pseudo-channel.
"""

from __future__ import annotations

from memory.dram.hbm3 import timing_for
from memory.dram.spec import DeviceSpec, Organization

ORG_24GB = Organization(
    channels=16, pseudo_channels=2, bank_groups=4, banks_per_group=4,
    rows=3 << 14, columns=256, bus_width_bits=32, burst_length=8,
)

PRESETS = {
    "hbm3e-9200": DeviceSpec(
        name="hbm3e-9200", standard="HBM3E", org=ORG_24GB, timing=timing_for(9200),
        split_command_bus=True, row_command_cycles=2,
        source="Micron HBM3E 24 GB 8-Hi product brief: 9.2 Gb/s, 1.2 TB/s per stack",
    ),
    "hbm3e-6250": DeviceSpec(
        name="hbm3e-6250", standard="HBM3E", org=ORG_24GB, timing=timing_for(6250),
        split_command_bus=True, row_command_cycles=2,
        source="NVIDIA H200: 6 HBM3E stacks, 4.8 TB/s over 6144 bits -> 6.25 Gb/s per pin",
    ),
}
