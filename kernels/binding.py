"""Binding a module's kernel symbols: functions to ``ret`` trap stubs that run the emulated
service (or stop the run naming the symbol if it has none), kernel variables to guest memory
initialised by their registry entry, and other modules' exports to their addresses."""

from __future__ import annotations

import inspect
import struct
from dataclasses import dataclass, field

from kernels.btf import Btf
from kernels.errno import MASK64
from kernels.errors import KernelsError, ServiceNotEmulated
from kernels.layout import DEFAULT_LAYOUT, KernelLayout
from kernels.services import REGISTRY, Registry, Service
from kernels.services.convention import AAPCS64, BLR_X16, SCRATCH, GuestCall, VarArgs
from kernels.services.kernel import Kernel


@dataclass
class KernelSymbols:
    """Addresses handed out to modules' undefined symbols, shared by the modules of one run.
    Use :meth:`resolve` as the loader's ``resolve``; then :meth:`install` on each machine."""

    registry: Registry = REGISTRY
    layout: KernelLayout = DEFAULT_LAYOUT
    exports: dict[str, int] = field(default_factory=dict)  # from modules already loaded
    traps: dict[str, int] = field(default_factory=dict)
    data: dict[str, int] = field(default_factory=dict)
    data_end: int = 0  # first free byte of the kernel data area
    btf: Btf | None = None  # sizes of kernel variables declared by type

    def resolve(self, name: str) -> int:
        if name in self.exports:
            return self.exports[name]
        if name in self.data or name in self.traps:
            return self.data.get(name) or self.traps[name]
        entry = self.registry.data.get(name)
        if entry is not None:
            addr = (max(self.data_end, self.layout.data_base) + 15) & ~15
            size = self.size(name)
            if addr + size > self.layout.data_limit:
                raise KernelsError(f"kernel data area full binding {name}")
            self.data[name], self.data_end = addr, addr + size
            return addr
        self.traps[name] = self.layout.trap(len(self.traps))
        return self.traps[name]

    def size(self, name: str) -> int:
        """Bytes of kernel variable ``name`` (from BTF when declared by type)."""
        size = self.registry.data[name].size
        if isinstance(size, int):
            return size
        if self.btf is None:
            raise KernelsError(f"kernel variable {name} is a {size}: binding it needs BTF")
        return self.btf.sizeof(size)

    def install(self, machine, kernel: Kernel) -> None:
        """Map and initialise kernel data, intercept every trap (both machine kinds)."""
        for name, addr in self.data.items():
            entry = self.registry.data[name]
            machine.map(addr, self.size(name))
            if entry.init is not None:
                entry.init(kernel, addr)
        for name, addr in self.traps.items():
            service = self.registry.functions.get(name)
            machine.intercept(addr, _calling(name, service, kernel, self.layout.trampoline)
                              if service else _not_emulated(name, kernel))
        trampoline = self.layout.trampoline
        machine.map(trampoline, 8, executable=True)
        machine.write(trampoline, struct.pack("<I", BLR_X16))
        machine.intercept(trampoline + 4, _resuming(kernel, trampoline))

    def name_of(self, addr: int) -> str | None:
        """The kernel symbol bound at ``addr`` (a trap or a kernel variable)."""
        for table in (self.traps, self.data):
            for name, at in table.items():
                if at == addr:
                    return name
        return None


def _calling(name: str, service: Service, kernel: Kernel, trampoline: int):
    regs = AAPCS64.args[:service.nargs]

    def call(machine) -> None:
        kernel.calls.append((name, machine.reg(AAPCS64.link) - 4, machine.cycle_now()))
        args = [machine.reg(r) for r in regs]
        if service.variadic:
            args.append(VarArgs(machine, service.nargs))
        result = service.handler(kernel, *args)
        if inspect.isgenerator(result):
            _drive(machine, kernel, result, None, machine.reg(AAPCS64.link), trampoline)
        elif result is not None:
            machine.set_reg(AAPCS64.ret, result & MASK64)
        kernel.tick()
    return call


def _drive(machine, kernel: Kernel, steps, value, return_to: int, trampoline: int) -> None:
    """Advance a generator service: either it asks for a guest call (run through the
    trampoline's ``blr x16``, whose return lands on the resume trap) or it has finished and
    the guest returns to the service's caller."""
    try:
        request = steps.send(value)
    except StopIteration as done:
        if done.value is not None:
            machine.set_reg(AAPCS64.ret, done.value & MASK64)
        machine.set_reg(AAPCS64.link, return_to)
        return
    if not isinstance(request, GuestCall) or len(request.args) > len(AAPCS64.args):
        raise KernelsError(f"a kernel service yielded {request!r}, not a GuestCall")
    kernel.continuations.append((steps, return_to))
    for reg, arg in zip(AAPCS64.args, request.args):
        machine.set_reg(reg, arg & MASK64)
    machine.set_reg(SCRATCH, request.addr)
    machine.set_reg(AAPCS64.link, trampoline)


def _resuming(kernel: Kernel, trampoline: int):
    def resume(machine) -> None:
        steps, return_to = kernel.continuations.pop()
        _drive(machine, kernel, steps, machine.reg(AAPCS64.ret), return_to, trampoline)
        kernel.tick()
    return resume


def _not_emulated(name: str, kernel: Kernel):
    def stop(machine) -> None:
        raise ServiceNotEmulated(f"kernel service not emulated: {name} called from "
                                 f"{kernel.caller()}")
    return stop
