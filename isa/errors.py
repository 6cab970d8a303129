"""The root of hwemu's errors and the ISA layer's own.

Every package has an ``errors.py`` whose classes derive from :class:`HwemuError`; the CLI prints
such an error as one line and exits non-zero (a traceback only with ``--debug``).
"""


class HwemuError(Exception):
    """An error reported to the user as one line naming what went wrong and where."""

    exit_code = 1


class DecodeError(HwemuError):
    """Bytes that are not a valid instruction of the expected ISA."""


class AssembleError(HwemuError):
    """Host assembly text that the assembler rejected (a translator bug, named with its text)."""
