"""The fetched Debian kernel package, shared by every test of tests/kernels: fetched once per
session into the default cache if it is not there yet."""

import sys
from pathlib import Path

import pytest

from kernels.cache import load_package
from kernels.errors import CacheMissing

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:  # the helper module services_machine
    sys.path.insert(0, _HERE)


@pytest.fixture(scope="session")
def kernel_package():
    try:
        return load_package()
    except CacheMissing:
        from kernels.fetch import fetch

        return fetch(progress=False)


@pytest.fixture(scope="session")
def btf(kernel_package):
    from kernels.btf import Btf

    return Btf.vmlinux(kernel_package)


@pytest.fixture(params=["native", "translate"])
def km(request, btf):
    """tests/kernels/programs/services.c in each machine, bound to the emulated kernel."""
    from services_machine import kernel_machine

    return kernel_machine(request.param, btf)
