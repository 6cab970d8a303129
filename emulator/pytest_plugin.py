"""The ``hwemu`` pytest plugin (registered through the ``pytest11`` entry point).

A test of your own C function, run translated on the M core and natively, is three lines::

    def test_add(hwemu):                 # parametrized: [translate] and [native]
        m = hwemu.build("add.c")         # compiled with zig (cached) and loaded as an object
        assert m.call("add", 2, 3) == 5

``hwemu.build`` resolves sources relative to the test file; ``hwemu.load(path)`` loads any ELF;
the returned machine offers ``call``, ``alloc``, ``read``/``write``, ``hook`` and ``stats``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from emulator.api import MODES, load
from emulator.machines.base import Machine
from emulator.toolchain import compile_c


class HwemuLoader:
    """Builds and loads guest code for one mode."""

    def __init__(self, mode: str, here: Path) -> None:
        self.mode = mode
        self.here = here

    def build(self, source: str | Path, opt: str = "-O2", **options) -> Machine:
        """Compile one C file as a relocatable AArch64 object and load it."""
        path = Path(source)
        if not path.is_absolute():
            path = self.here / path
        return self.load(compile_c([path], "aarch64", opt, relocatable=True), **options)

    def load(self, program: str | Path, **options) -> Machine:
        return load(program, self.mode, **options)


@pytest.fixture(params=MODES)
def hwemu(request) -> HwemuLoader:
    """Loader for guest code, parametrized over translated and native runs."""
    return HwemuLoader(request.param, Path(str(request.fspath)).parent)
