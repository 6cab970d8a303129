"""Helpers for service tests: a machine (native or translated) running tests/kernels/programs
C code whose undefined symbols are bound to the emulated kernel services."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from emulator.api import load
from emulator.loader import load_elf
from emulator.toolchain import compile_c
from kernels.binding import KernelSymbols
from kernels.services import REGISTRY
from kernels.services.kernel import Kernel

PROGRAMS = Path(__file__).parent / "programs"


@dataclass
class KernelMachine:
    machine: object
    kernel: Kernel
    symbols: KernelSymbols

    def service(self, name: str, *args: int) -> int:
        """Call kernel service ``name`` as guest code would: a BL to its trap."""
        return self.machine.call(self.symbols.resolve(name), *args)

    def string(self, text: bytes) -> int:
        addr = self.machine.alloc(len(text) + 1)
        self.machine.write(addr, text + b"\0")
        return addr


def kernel_machine(mode: str, btf, source: str = "services.c") -> KernelMachine:
    obj = compile_c([PROGRAMS / source], "aarch64", "-O2", relocatable=True)
    symbols = KernelSymbols(btf=btf)
    image = load_elf(obj, symbols.resolve, base=symbols.layout.module_base)
    for name in (*REGISTRY.functions, *REGISTRY.data):  # also those the program never calls
        symbols.resolve(name)
    machine = load(image, mode)
    kernel = Kernel(machine, btf=btf,
                    locate=lambda pc: image.symbol_at(pc) or f"0x{pc:x}",
                    symbolize=lambda addr: _symbolize(image, symbols, addr))
    symbols.install(machine, kernel)
    return KernelMachine(machine, kernel, symbols)


def _symbolize(image, symbols: KernelSymbols, addr: int):
    name = symbols.name_of(addr)
    if name is not None:
        return name, 0, 4
    where = image.symbol_at(addr)
    if where is None:
        return None
    func, _, off = where.partition("+0x")
    return func, int(off, 16), image.symbols[func].size
