"""DDR5 SDRAM (JEDEC JESD79-5B): one DIMM channel = two independent 32-bit sub-channels.

Speed bin DDR5-4800B (40-39-39). Values in ns from JESD79-5B Table "DDR5-4800 speed bins" and
the core timing table (tRAS 32 ns, tWR 30 ns, tRTP 7.5 ns, tCCD_L 5 ns, tRRD_L 5 ns,
tWTR_S 2.5 ns, tWTR_L 10 ns, tFAW 13.333 ns for x8 1 KB page); refresh for 16 Gb devices:
tRFC1 295 ns, tREFI 3.9 us.
"""

from __future__ import annotations

from memory.dram.spec import DeviceSpec, Organization, Timing, ck

TCK_4800_PS = 416.67  # DDR5-4800: 2400 MHz clock

TIMING_4800B = Timing(
    rate_mtps=4800,
    nCL=40, nCWL=38, nRCD=39, nRP=39,  # 4800B bin: CL 40, tRCD = tRP = 16 ns -> 39; CWL = CL-2
    nRAS=ck(32, TCK_4800_PS),  # 77
    nRC=ck(32 + 16.25, TCK_4800_PS),  # tRAS + tRP -> 116
    nWR=ck(30, TCK_4800_PS),  # 72
    nRTP=ck(7.5, TCK_4800_PS, 12),  # max(12nCK, 7.5 ns) -> 18
    nCCD_S=8, nCCD_L=ck(5, TCK_4800_PS, 8),  # tCCD_S 8nCK (BL16); tCCD_L max(8nCK, 5 ns) -> 12
    nRRD_S=8, nRRD_L=ck(5, TCK_4800_PS, 8),  # tRRD_S 8nCK; tRRD_L max(8nCK, 5 ns) -> 12
    nFAW=ck(13.333, TCK_4800_PS, 32),  # x8: max(32nCK, 13.333 ns) -> 32
    nWTR_S=ck(2.5, TCK_4800_PS, 4),  # 6
    nWTR_L=ck(10, TCK_4800_PS, 16),  # 24
    nRFC=ck(295, TCK_4800_PS),  # 16 Gb: tRFC1 295 ns
    nREFI=ck(3900, TCK_4800_PS),  # 3.9 us
)

# 16 Gb x8 device: 8 bank groups x 4 banks, 64K rows, 1K columns (JESD79-5B Table 3); four
# x8 devices per 32-bit sub-channel, BL16 = 64 B per access; 16 GB per DIMM channel.
ORG_16GB_X8 = Organization(
    channels=1, pseudo_channels=2, bank_groups=8, banks_per_group=4,
    rows=1 << 16, columns=1 << 10, bus_width_bits=32, burst_length=16,
)

PRESETS = {
    "ddr5-4800": DeviceSpec(
        name="ddr5-4800", standard="DDR5", org=ORG_16GB_X8, timing=TIMING_4800B,
        split_command_bus=False, row_command_cycles=2,  # DDR5 ACT is a 2-cycle command
        source="JEDEC JESD79-5B, DDR5-4800B, 16 Gb x8 devices",
    ),
}
