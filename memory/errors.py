"""Errors of the memory-hierarchy model (all derive from :class:`isa.errors.HwemuError`)."""

from __future__ import annotations

from collections.abc import Iterable

from isa.errors import HwemuError


class MemoryModelError(HwemuError):
    """Base class of every error raised by ``memory``."""


class UnknownPreset(MemoryModelError):
    """A preset name that is not in the table; the message lists the valid names."""

    def __init__(self, kind: str, name: str, valid: Iterable[str]) -> None:
        self.kind, self.name, self.valid = kind, name, sorted(valid)
        super().__init__(f"unknown {kind} preset {name!r} (valid: {', '.join(self.valid)})")


class InvalidOverride(MemoryModelError):
    """An override naming an unknown field or making a spec inconsistent."""


class InvalidRequest(MemoryModelError):
    """A request outside a device's capacity or with a negative offset/size."""


class TraceFormatError(MemoryModelError):
    """A malformed memory trace (names the file and line) or an unknown trace format."""
