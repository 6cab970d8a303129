"""HBM3 (JEDEC JESD238A) stack: 16 channels x 2 pseudo-channels x 32 bit, BL8.

6.4 Gb/s per pin gives 819 GB/s per stack (JESD238 headline figure); 8-Hi of 16 Gb dies =
16 GB. The model clock runs at half the pin rate (two beats per clock), so BL8 occupies
4 clocks. Array timings in ns: tRCD 14, tRP 14, tRAS 33, tRC 47, tWR 16, tRTP 5, tRRD_S/L 2/3,
tFAW 12, tCCD_L 2.5, tWTR_S/L 2.5/5 (SK hynix HBM3 data sheet class values), tREFI 3.9 us,
16 Gb tRFC 350 ns. H100 SXM runs its five active stacks at 5.23 Gb/s (3.35 TB/s).
"""

from __future__ import annotations

from memory.dram.spec import DeviceSpec, Organization, Timing, ck


def timing_for(rate_mtps: float) -> Timing:
    """HBM3 core timings (ns) as cycles of the model clock at a given pin rate."""
    tck = 2e6 / rate_mtps
    return Timing(
        rate_mtps=rate_mtps,
        nCL=ck(14, tck), nCWL=ck(5, tck), nRCD=ck(14, tck), nRP=ck(14, tck),
        nRAS=ck(33, tck), nRC=max(ck(47, tck), ck(33, tck) + ck(14, tck)),
        nWR=ck(16, tck), nRTP=ck(5, tck, 4),
        nCCD_S=4, nCCD_L=ck(2.5, tck, 4),  # BL8 = 4 clocks
        nRRD_S=ck(2, tck, 4), nRRD_L=ck(3, tck, 4), nFAW=ck(12, tck, 16),
        nWTR_S=ck(2.5, tck, 4), nWTR_L=ck(5, tck, 4),
        nRFC=ck(350, tck), nREFI=ck(3900, tck),
    )


# Per pseudo-channel: 4 bank groups x 4 banks, 1 KB page = 256 columns x 32 bit.
ORG_16GB = Organization(
    channels=16, pseudo_channels=2, bank_groups=4, banks_per_group=4,
    rows=1 << 15, columns=256, bus_width_bits=32, burst_length=8,
)

PRESETS = {
    "hbm3-6400": DeviceSpec(
        name="hbm3-6400", standard="HBM3", org=ORG_16GB, timing=timing_for(6400),
        split_command_bus=True, row_command_cycles=2,
        source="JEDEC JESD238A (HBM3), 6.4 Gb/s, 16 GB 8-Hi",
    ),
    "hbm3-5230": DeviceSpec(
        name="hbm3-5230", standard="HBM3", org=ORG_16GB, timing=timing_for(5230),
        split_command_bus=True, row_command_cycles=2,
        source="NVIDIA H100 SXM5: 5 HBM3 stacks, 5120-bit, 3.35 TB/s -> 5.23 Gb/s per pin",
    ),
}
