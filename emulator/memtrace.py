"""Export a run's guest memory accesses as a memory-simulator trace (DRAMSim3 or Ramulator text),
which ``hwemu mem replay`` (and those simulators) read unchanged.

Every data access the guest makes is recorded (the M core's own state-block and code-cache
traffic is not).  A Python hook runs per access, so exporting slows a run down considerably.
"""

from __future__ import annotations

import os
from pathlib import Path

from unicorn import UC_HOOK_MEM_READ, UC_HOOK_MEM_WRITE, UC_MEM_WRITE

from emulator import layout
from emulator.errors import GuestError

FORMATS = ("dramsim3", "ramulator")


class MemoryTraceWriter:
    """Attach to a machine before it runs; :meth:`commit` writes the file (temp + rename)."""

    def __init__(self, machine, path: str | Path, fmt: str = "dramsim3") -> None:
        if fmt not in FORMATS:
            raise GuestError(f"unknown memory-trace format {fmt!r} (one of {', '.join(FORMATS)})")
        self.machine, self.path, self.fmt = machine, Path(path), fmt
        self.tmp = self.path.with_name(f".{self.path.name}.tmp{os.getpid()}")
        try:
            self.out = open(self.tmp, "w")
        except OSError as exc:
            raise GuestError(f"cannot write memory trace {path}: {exc.strerror}") from None
        self.count = 0
        machine.uc.hook_add(UC_HOOK_MEM_READ | UC_HOOK_MEM_WRITE, self._on_access)

    def _on_access(self, uc, access, addr, size, value, user_data) -> None:
        if layout.is_host(addr):
            return
        write = access == UC_MEM_WRITE
        if self.fmt == "dramsim3":
            self.out.write(f"0x{addr:x} {'WRITE' if write else 'READ'} "
                           f"{self.machine.cycle_now()}\n")
        else:
            self.out.write(f"{'ST' if write else 'LD'} 0x{addr:x}\n")
        self.count += 1

    def commit(self) -> None:
        self.out.close()
        os.replace(self.tmp, self.path)

    def discard(self) -> None:
        self.out.close()
        self.tmp.unlink(missing_ok=True)
