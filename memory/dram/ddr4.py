"""DDR4 SDRAM (JEDEC JESD79-4C): one 64-bit DIMM channel of x8 devices, one rank.

Speed bin DDR4-2400R (16-16-16). Cycle counts follow JESD79-4C Table 169 (speed bins) and
Tables 170/171 (tRRD/tFAW/tCCD/tWTR per page size); refresh from Table 27 (tRFC1) and tREFI
7.8 us for 0-85 C. Multi-rank DIMMs are folded into one rank of larger devices.
"""

from __future__ import annotations

from memory.dram.spec import DeviceSpec, Organization, Timing, ck

TCK_2400_PS = 833.33  # DDR4-2400: 1200 MHz clock

TIMING_2400R = Timing(
    rate_mtps=2400,
    nCL=16, nCWL=12, nRCD=16, nRP=16,  # 2400R bin: CL-tRCD-tRP 16-16-16; CWL 12 (1tCK preamble)
    nRAS=ck(32, TCK_2400_PS),  # tRAS 32 ns -> 39
    nRC=ck(32 + 13.32, TCK_2400_PS),  # tRC = tRAS + tRP = 45.32 ns -> 55
    nWR=ck(15, TCK_2400_PS),  # tWR 15 ns -> 18
    nRTP=ck(7.5, TCK_2400_PS, 4),  # tRTP max(4nCK, 7.5 ns) -> 9
    nCCD_S=4, nCCD_L=ck(5, TCK_2400_PS, 5),  # tCCD_S 4nCK; tCCD_L max(5nCK, 5 ns) -> 6
    nRRD_S=ck(3.3, TCK_2400_PS, 4),  # 1 KB page (x8): tRRD_S max(4nCK, 3.3 ns) -> 4
    nRRD_L=ck(4.9, TCK_2400_PS, 4),  # tRRD_L max(4nCK, 4.9 ns) -> 6
    nFAW=ck(21, TCK_2400_PS, 20),  # 1 KB page: tFAW max(20nCK, 21 ns) -> 26
    nWTR_S=ck(2.5, TCK_2400_PS, 2),  # tWTR_S max(2nCK, 2.5 ns) -> 3
    nWTR_L=ck(7.5, TCK_2400_PS, 4),  # tWTR_L max(4nCK, 7.5 ns) -> 9
    nRFC=ck(550, TCK_2400_PS),  # 16 Gb device: tRFC1 550 ns
    nREFI=ck(7800, TCK_2400_PS),  # tREFI 7.8 us
)

# 16 Gb x8 device: 4 bank groups x 4 banks, 128K rows, 1K columns (JESD79-4C Table 2);
# 8 devices form a 64-bit channel, BL8: a 16 GB single-rank channel.
ORG_16GB_X8 = Organization(
    channels=1, pseudo_channels=1, bank_groups=4, banks_per_group=4,
    rows=1 << 17, columns=1 << 10, bus_width_bits=64, burst_length=8,
)

PRESETS = {
    "ddr4-2400": DeviceSpec(
        name="ddr4-2400", standard="DDR4", org=ORG_16GB_X8, timing=TIMING_2400R,
        split_command_bus=False, row_command_cycles=1,
        source="JEDEC JESD79-4C, DDR4-2400R, 16 Gb x8 devices",
    ),
}
