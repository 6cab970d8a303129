"""HBM2 (JEDEC JESD235B) stack in pseudo-channel mode: 8 channels x 2 pseudo-channels x 64 bit.

2.0 Gb/s per pin (1.0 GHz clock), BL4. Core timings in ns as in the JESD235B AC table and the
DRAMSim3 HBM2_8Gb_x128 configuration derived from it (tRCD = tRP = 14 ns, tRAS 34 ns,
tRRD_S/L 4/6 ns, tFAW 30 ns, tWTR_S/L 6/8 ns, tWR 16 ns, tRTP 4 ns, tREFI 3.9 us, 8 Gb die
tRFC 260 ns). An 8-Hi stack of 8 Gb dies holds 8 GB.
"""

from __future__ import annotations

from memory.dram.spec import DeviceSpec, Organization, Timing

TIMING_2000 = Timing(
    rate_mtps=2000,  # 1.0 ns clock: cycles equal nanoseconds
    nCL=14, nCWL=4, nRCD=14, nRP=14, nRAS=34, nRC=48, nWR=16, nRTP=4,
    nCCD_S=2, nCCD_L=4,  # BL4 = 2 clocks; same-bank-group column spacing 2x
    nRRD_S=4, nRRD_L=6, nFAW=30, nWTR_S=6, nWTR_L=8,
    nRFC=260, nREFI=3900,
)

# Per pseudo-channel: 4 bank groups x 4 banks, 1 KB page = 128 columns x 64 bit; 8 GB stack.
ORG_8GB = Organization(
    channels=8, pseudo_channels=2, bank_groups=4, banks_per_group=4,
    rows=1 << 15, columns=128, bus_width_bits=64, burst_length=4,
)

PRESETS = {
    "hbm2-2000": DeviceSpec(
        name="hbm2-2000", standard="HBM2", org=ORG_8GB, timing=TIMING_2000,
        split_command_bus=True, row_command_cycles=2,
        source="JEDEC JESD235B (HBM2), 2.0 Gb/s, 8-Hi 8 Gb dies",
    ),
}
