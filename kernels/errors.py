"""Errors of the kernel-module side: the package cache, module files, BTF, services."""

from isa.errors import HwemuError


class KernelsError(HwemuError):
    """Base of the kernels package's errors."""


class CacheMissing(KernelsError):
    """The Debian kernel package has not been fetched into the cache yet."""


class FetchError(KernelsError):
    """apt could not resolve, download or unpack the kernel package."""


class ModuleError(KernelsError):
    """A module name that is not in the package, or a .ko file that cannot be read."""


class BtfError(KernelsError):
    """Missing or malformed BTF, or a type/member name that BTF does not have."""


class ServiceError(KernelsError):
    """A kernel-service registry that is inconsistent (unknown handler, duplicate symbol)."""


class KernelServiceError(KernelsError):
    """A service refused a call (bad free, heap exhausted, bad argument): names the caller."""


class ServiceNotEmulated(KernelsError):
    """A module called a kernel function that has no emulation."""
