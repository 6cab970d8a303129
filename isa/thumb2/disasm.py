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
