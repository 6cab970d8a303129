"""Device descriptions shared by every memory standard: organization, timings, derived figures.

Timings are in cycles of the model clock ``tCK`` (``tck_ps``); data moves on both edges, so one
burst of ``burst_length`` beats occupies the data bus for ``nBL = burst_length / 2`` cycles.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

from memory.errors import InvalidOverride


def ck(ns: float, tck_ps: float, minimum: int = 0) -> int:
    """Nanoseconds as whole clock cycles (rounded up, as JEDEC does), at least ``minimum``."""
    return max(minimum, math.ceil(ns * 1000.0 / tck_ps - 0.01))


@dataclass(frozen=True)
class Organization:
    """How one device is built: channel count down to columns and the data bus of a channel."""

    channels: int  # independent channels the device exposes
    pseudo_channels: int  # per channel (HBM pseudo-channel mode; 1 for DDR, 2 DDR5 sub-channels)
    bank_groups: int
    banks_per_group: int
    rows: int
    columns: int  # column addresses per row, each ``bus_width_bits`` wide
    bus_width_bits: int  # data pins of one (pseudo) channel
    burst_length: int  # beats per column command

    @property
    def controllers(self) -> int:
        """Independently scheduled channels (pseudo-channels count as channels)."""
        return self.channels * self.pseudo_channels

    @property
    def banks(self) -> int:
        """Banks per (pseudo) channel."""
        return self.bank_groups * self.banks_per_group

    @property
    def access_bytes(self) -> int:
        """Bytes moved by one column command."""
        return self.bus_width_bits // 8 * self.burst_length

    @property
    def row_bytes(self) -> int:
        return self.columns * self.bus_width_bits // 8

    @property
    def capacity_bytes(self) -> int:
        return self.controllers * self.banks * self.rows * self.row_bytes

    @property
    def data_pins(self) -> int:
        return self.controllers * self.bus_width_bits


@dataclass(frozen=True)
class Timing:
    """A speed bin: clock and timing parameters in clock cycles."""

    rate_mtps: float  # data rate per pin (mega-transfers per second)
    nCL: int  # read latency (RD to first data)
    nCWL: int  # write latency (WR to first data)
    nRCD: int  # ACT to RD/WR
    nRP: int  # PRE to ACT
    nRAS: int  # ACT to PRE
    nRC: int  # ACT to ACT, same bank
    nWR: int  # end of write data to PRE
    nRTP: int  # RD to PRE
    nCCD_S: int  # column to column, different bank group
    nCCD_L: int  # column to column, same bank group
    nRRD_S: int  # ACT to ACT, different bank group
    nRRD_L: int  # ACT to ACT, same bank group
    nFAW: int  # window holding at most four ACTs
    nWTR_S: int  # end of write data to RD, different bank group
    nWTR_L: int  # end of write data to RD, same bank group
    nRFC: int  # all-bank REF to ACT
    nREFI: int  # average interval between REF commands

    @property
    def tck_ps(self) -> float:
        """Model clock period: two transfers per clock."""
        return 2e6 / self.rate_mtps


@dataclass(frozen=True)
class DeviceSpec:
    """One memory device (or a whole tier of identical channels) ready to simulate."""

    name: str
    standard: str  # "DDR4", "DDR5", "HBM2", "HBM2E", "HBM3", "HBM3E", "MCDRAM"
    org: Organization
    timing: Timing
    split_command_bus: bool  # HBM: separate row and column command buses
    row_command_cycles: int  # cycles an ACT occupies its command bus (HBM/DDR5: 2)
    source: str  # where the numbers come from

    def __post_init__(self) -> None:
        check_consistency(self)

    @property
    def nBL(self) -> int:
        """Data-bus cycles of one burst."""
        return self.org.burst_length // 2

    @property
    def nRTW(self) -> int:
        """RD to WR on one channel: read data out, bus turnaround (2 cycles), write preamble."""
        return self.timing.nCL + self.nBL + 2 - self.timing.nCWL

    @property
    def peak_bandwidth_bps(self) -> float:
        """Bytes per second: data pins x data rate / 8."""
        return self.org.data_pins * self.timing.rate_mtps * 1e6 / 8

    @property
    def capacity_bytes(self) -> int:
        return self.org.capacity_bytes


def check_consistency(spec: DeviceSpec) -> None:
    """Reject an organization or timing set that no real device could have."""
    org, t = spec.org, spec.timing
    problems = [f"{f.name} must be > 0" for f in fields(org) if getattr(org, f.name) <= 0]
    problems += [f"{f.name} must be > 0" for f in fields(t) if getattr(t, f.name) <= 0]
    if org.burst_length % 2:
        problems.append("burst_length must be even")
    if org.bus_width_bits % 8:
        problems.append("bus_width_bits must be a multiple of 8")
    if not problems:
        rules = (
            (t.nRC >= t.nRAS + t.nRP, "nRC >= nRAS + nRP"),
            (t.nRAS >= t.nRCD, "nRAS >= nRCD"),
            (t.nCCD_L >= t.nCCD_S, "nCCD_L >= nCCD_S"),
            (t.nCCD_S >= org.burst_length // 2, "nCCD_S >= burst cycles (burst_length/2)"),
            (t.nRRD_L >= t.nRRD_S, "nRRD_L >= nRRD_S"),
            (t.nWTR_L >= t.nWTR_S, "nWTR_L >= nWTR_S"),
            (t.nREFI > t.nRFC, "nREFI > nRFC"),
            (org.columns % org.burst_length == 0, "columns a multiple of burst_length"),
        )
        problems += [f"violates {text}" for ok, text in rules if not ok]
    if problems:
        raise InvalidOverride(f"inconsistent device {spec.name!r}: " + "; ".join(problems))
