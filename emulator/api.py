"""The Python API behind the ``hwemu`` command and the pytest plugin.

    m = load("prog.elf", mode="translate")      # or "native"; EM_ARM programs run directly
    result = m.run()                            # exit code, captured stdout/stderr, stats
    m = load("lib.o", mode="native")            # relocatable object: call its functions
    m.call("checksum", buf, 64)                 # integer/pointer arguments, returns x0
    buf = m.alloc(64); m.write(buf, data); m.read(buf, 64); m.hook(addr, fn); m.stats
"""

from __future__ import annotations

from pathlib import Path

from emulator.errors import GuestError
from emulator.loader import GuestImage, load_elf
from emulator.machines.base import Machine, RunResult
from isa.timing.cores import core as core_model

MODES = ("translate", "native")
DEFAULT_CORES = {"translate": "cortex-m4", "native": "cortex-a53", "thumb": "cortex-m4"}


def load(program: str | Path | GuestImage, mode: str = "translate", core: str | None = None,
         **options) -> Machine:
    """A machine with ``program`` loaded.  ``options``: argv, stdin, stdout, stderr, max_insns,
    mhz; translate mode also code_cache_kb and chain; native mode account."""
    from emulator.machines.mcore import ThumbMachine
    from emulator.machines.native import NativeMachine
    from emulator.machines.translated import TranslatedMachine

    image = program if isinstance(program, GuestImage) else load_elf(program)
    if mode not in MODES:
        raise GuestError(f"unknown mode {mode!r} (one of {', '.join(MODES)})")
    if image.machine == "arm":
        for name in ("code_cache_kb", "chain", "account"):
            options.pop(name, None)
        return ThumbMachine(image, core_model(core or DEFAULT_CORES["thumb"]), **options)
    if mode == "native":
        options.pop("code_cache_kb", None)
        options.pop("chain", None)
        return NativeMachine(image, core_model(core or DEFAULT_CORES["native"]), **options)
    options.pop("account", None)
    return TranslatedMachine(image, core_model(core or DEFAULT_CORES["translate"]), **options)


def run_program(program: str | Path, mode: str = "translate", **options) -> RunResult:
    """Load and run ``program`` to exit; stdout/stderr are captured unless streams are given."""
    return load(program, mode, **options).run()
