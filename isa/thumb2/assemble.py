"""Assemble Thumb-2 text with Keystone."""

from __future__ import annotations

from functools import lru_cache

import keystone

from isa.errors import AssembleError


@lru_cache(maxsize=1)
def _engine() -> keystone.Ks:
    return keystone.Ks(keystone.KS_ARCH_ARM, keystone.KS_MODE_THUMB)


def assemble(text: str, addr: int) -> bytes:
    """Machine code for the Thumb-2 ``text`` placed at ``addr`` (labels and absolute targets)."""
    try:
        encoding, _ = _engine().asm(text, addr, as_bytes=True)
    except keystone.KsError as exc:
        raise AssembleError(f"host assembly rejected ({exc}): {_culprit(text)}") from None
    return bytes(encoding or b"")


def _culprit(text: str) -> str:
    """The first line Keystone rejects on its own (label references aside)."""
    for line in text.splitlines():
        if line.endswith(":") or ".L" in line:
            continue
        try:
            _engine().asm(line, 0)
        except keystone.KsError:
            return line
    return text
