"""HBM2E (JEDEC JESD235C) stack: 8 channels x 2 pseudo-channels x 64 bit, up to 3.2 Gb/s.

Samsung HBM2E "Flashbolt" data: 3.2 Gb/s per pin, 410 GB/s per stack, 8-Hi of 16 Gb dies =
16 GB. Array timings in ns are those of HBM2 (same core; JESD235C keeps the AC table), turned
into cycles of the 1.6 GHz clock; 16 Gb die refresh tRFC 350 ns.
"""

from __future__ import annotations

from memory.dram.spec import DeviceSpec, Organization, Timing, ck


def timing_for(rate_mtps: float) -> Timing:
    """HBM2E core timings (ns from JESD235C) at a given pin rate."""
    tck = 2e6 / rate_mtps
    return Timing(
        rate_mtps=rate_mtps,
        nCL=ck(14, tck), nCWL=ck(4, tck), nRCD=ck(14, tck), nRP=ck(14, tck),
        nRAS=ck(34, tck), nRC=max(ck(48, tck), ck(34, tck) + ck(14, tck)),
        nWR=ck(16, tck), nRTP=ck(4, tck, 2),
        nCCD_S=2, nCCD_L=4,  # BL4 = 2 clocks; same bank group: 2 bursts
        nRRD_S=ck(4, tck, 2), nRRD_L=ck(6, tck, 4), nFAW=ck(30, tck),
        nWTR_S=ck(6, tck), nWTR_L=ck(8, tck),
        nRFC=ck(350, tck), nREFI=ck(3900, tck),
    )


ORG_16GB = Organization(
    channels=8, pseudo_channels=2, bank_groups=4, banks_per_group=4,
    rows=1 << 16, columns=128, bus_width_bits=64, burst_length=4,
)

PRESETS = {
    "hbm2e-3200": DeviceSpec(
        name="hbm2e-3200", standard="HBM2E", org=ORG_16GB, timing=timing_for(3200),
        split_command_bus=True, row_command_cycles=2,
        source="JEDEC JESD235C (HBM2E); Samsung Flashbolt 3.2 Gb/s, 16 GB 8-Hi",
    ),
}
