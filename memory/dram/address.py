"""Physical address -> (channel, bank group, bank, row, column) by a configurable interleaving.

A mapping is a string of field names from most to least significant, e.g. ``"RoBaCoBgCh"``:
Ro = row, Ba = bank within its group, Bg = bank group, Co = column burst, Ch = channel
(pseudo-channels count as channels). Fields are peeled off as mixed-radix digits of
``address // access_bytes``, so channel counts need not be powers of two (six DDR4 channels).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from memory.dram.spec import DeviceSpec
from memory.errors import InvalidOverride, InvalidRequest

FIELDS = ("Ro", "Ba", "Bg", "Co", "Ch")
# Channel-interleaved at access granularity, bank groups next so consecutive bursts of one
# channel alternate bank groups (tCCD_S instead of tCCD_L), then the columns of one row.
DEFAULT_MAPPING = "RoBaCoBgCh"


@dataclass(frozen=True)
class DecodedAddresses:
    """Per-request coordinates (numpy arrays of equal length)."""

    channel: np.ndarray
    bank_group: np.ndarray
    bank: np.ndarray  # flat index within the channel: bank_group * banks_per_group + bank
    row: np.ndarray
    column: np.ndarray  # column burst index within the row


def parse_mapping(mapping: str) -> tuple[str, ...]:
    """Split ``mapping`` into its five field names, checking each appears exactly once."""
    parts = tuple(re.findall(r"[A-Z][a-z]", mapping))
    if "".join(parts) != mapping or sorted(parts) != sorted(FIELDS):
        raise InvalidOverride(
            f"address mapping {mapping!r} must order each of {', '.join(FIELDS)} exactly once")
    return parts


def fold_row(row: np.ndarray, banks: int) -> np.ndarray:
    """XOR of all ``log2(banks)``-bit chunks of the row number (permutation interleaving,
    Zhang, Zhu and Zhang, MICRO 2000): rows that share low bits land in different banks."""
    bits = banks.bit_length() - 1
    folded = np.zeros_like(row)
    rest = row.copy()
    while rest.any():
        folded ^= rest & (banks - 1)
        rest >>= bits
    return folded


def decode(spec: DeviceSpec, addresses: np.ndarray, mapping: str = DEFAULT_MAPPING,
           bank_xor: bool = True) -> DecodedAddresses:
    """Coordinates of every address; an address beyond the capacity is an error.

    ``bank_xor`` permutes the bank within its group by the folded row number (banks per group
    a power of two): streams whose addresses differ only in row bits, which walk all bank groups
    in step, then sit in different banks of each group instead of evicting each other's rows.
    """
    order = parse_mapping(mapping)
    addresses = np.asarray(addresses, dtype=np.uint64)
    if addresses.size and int(addresses.max()) >= spec.capacity_bytes:
        bad = int(np.argmax(addresses >= spec.capacity_bytes))
        raise InvalidRequest(
            f"address {int(addresses[bad]):#x} (request {bad}) beyond the {spec.name} capacity "
            f"of {spec.capacity_bytes:#x} bytes")
    org = spec.org
    radix = {"Ro": org.rows, "Ba": org.banks_per_group, "Bg": org.bank_groups,
             "Co": org.columns // org.burst_length, "Ch": org.controllers}
    unit = addresses // np.uint64(org.access_bytes)
    digits: dict[str, np.ndarray] = {}
    for field in reversed(order):
        digits[field] = (unit % np.uint64(radix[field])).astype(np.int64)
        unit = unit // np.uint64(radix[field])
    bank_in_group = digits["Ba"]
    per_group = org.banks_per_group
    if bank_xor and per_group & (per_group - 1) == 0:
        bank_in_group = bank_in_group ^ fold_row(digits["Ro"], per_group)
    return DecodedAddresses(
        channel=digits["Ch"],
        bank_group=digits["Bg"],
        bank=digits["Bg"] * per_group + bank_in_group,
        row=digits["Ro"],
        column=digits["Co"],
    )
