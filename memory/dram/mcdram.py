"""MCDRAM of Intel Xeon Phi x200 (Knights Landing): eight 2 GB on-package stacks.

Intel publishes only the totals: 16 GB in 8 devices, each behind its own EDC controller, and
"over 400 GB/s" (STREAM triad ~ 450-490 GB/s in flat mode, Intel's "Optimizing memory
bandwidth in Knights Landing on STREAM triad", 2016). The internal organization is not public.
We model each device like an HBM2-class stack slice: 4 pseudo-channels of 64 bit at 2.2 Gb/s
(BL4, 1.1 GHz clock), 4 bank groups x 4 banks with 1 KB pages and HBM2 array timings in ns —
an assumption giving 563 GB/s at the pins, documented in docs/memory.md.
"""

from __future__ import annotations

from memory.dram.spec import DeviceSpec, Organization, Timing, ck

TCK_PS = 2e6 / 2200  # 2.2 Gb/s -> 1.1 GHz clock

TIMING_2200 = Timing(
    rate_mtps=2200,
    nCL=ck(14, TCK_PS), nCWL=ck(4, TCK_PS), nRCD=ck(14, TCK_PS), nRP=ck(14, TCK_PS),
    nRAS=ck(34, TCK_PS), nRC=ck(34, TCK_PS) + ck(14, TCK_PS),  # tRC = tRAS + tRP
    nWR=ck(16, TCK_PS), nRTP=ck(4, TCK_PS, 2),
    nCCD_S=2, nCCD_L=4, nRRD_S=ck(4, TCK_PS), nRRD_L=ck(6, TCK_PS), nFAW=ck(30, TCK_PS),
    nWTR_S=ck(6, TCK_PS), nWTR_L=ck(8, TCK_PS), nRFC=ck(260, TCK_PS), nREFI=ck(3900, TCK_PS),
)

# 8 devices x 4 pseudo-channels = 32 channels; 2 GB per device -> 512 MB per pseudo-channel.
ORG_16GB = Organization(
    channels=8, pseudo_channels=4, bank_groups=4, banks_per_group=4,
    rows=1 << 15, columns=128, bus_width_bits=64, burst_length=4,
)

PRESETS = {
    "mcdram-knl": DeviceSpec(
        name="mcdram-knl", standard="MCDRAM", org=ORG_16GB, timing=TIMING_2200,
        split_command_bus=True, row_command_cycles=2,
        source="Intel Xeon Phi x200 (8 x 2 GB MCDRAM); internal organization modeled, see module",
    ),
}
