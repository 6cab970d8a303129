"""Capstone disassembly of A64 code (text for reports, errors and ``hwemu disasm``)."""

from __future__ import annotations

from functools import lru_cache

import capstone


@lru_cache(maxsize=1)
def _engine() -> capstone.Cs:
    return capstone.Cs(capstone.CS_ARCH_ARM64, capstone.CS_MODE_ARM)


def disasm_one(word: int, addr: int) -> str:
    """``mnemonic operands`` of one instruction word, or ``.inst 0x...`` if Capstone rejects it."""
    for _, _, mnemonic, operands in _engine().disasm_lite(word.to_bytes(4, "little"), addr):
        return f"{mnemonic} {operands}".strip()
    return f".inst 0x{word:08x}"
