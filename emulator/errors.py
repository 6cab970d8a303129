"""Errors of the DBT, its loader and its machines."""

from isa.errors import HwemuError


class LoaderError(HwemuError):
    """A file that is not a loadable ELF for the requested machine (names file and offset)."""


class ToolchainError(HwemuError):
    """The cross compiler failed (names the source and the compiler's first error line)."""


class GuestFault(HwemuError):
    """The guest touched memory it may not (names pc, address and access)."""


class UnsupportedInstruction(HwemuError):
    """A guest instruction the translator does not handle."""


class BudgetExhausted(HwemuError):
    """The guest ran past ``--max-insns``."""


class GuestError(HwemuError):
    """The guest did something the machine refuses (bad syscall argument, BRK, halt)."""
