"""Capstone disassembly of Thumb-2 (M-profile) code."""

from __future__ import annotations

from functools import lru_cache

import capstone


@lru_cache(maxsize=1)
def _engine() -> capstone.Cs:
    return capstone.Cs(capstone.CS_ARCH_ARM, capstone.CS_MODE_THUMB | capstone.CS_MODE_MCLASS)


def disasm(code: bytes, addr: int) -> list[tuple[int, int, str]]:
    """(address, size, text) for each Thumb-2 instruction in ``code``."""
    return [(a, size, f"{m} {o}".strip()) for a, size, m, o in _engine().disasm_lite(code, addr)]


def instruction_offsets(code: bytes) -> list[int]:
    """Offset of every instruction in Thumb-2 ``code``: a first halfword whose top five bits are
    0b11101, 0b11110 or 0b11111 starts a 32-bit instruction, anything else is 16-bit."""
    offsets, k, n = [], 0, len(code) - 1
    while k < n:
        offsets.append(k)
        k += 4 if code[k + 1] >= 0xE8 else 2
    return offsets
