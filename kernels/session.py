"""One module (with its dependencies) loaded into one machine, bound to an emulated kernel."""

from __future__ import annotations

from dataclasses import dataclass

from emulator.api import load
from kernels.btf import Btf
from kernels.cache import KernelPackage
from kernels.linker import LinkedModules, link
from kernels.services.kernel import Kernel

STACK_CANARY = 0x2F8A_61C3_95D0_0B00  # any fixed value: identical in both machines; low byte 0


@dataclass
class ModuleSession:
    linked: LinkedModules
    machine: object  # emulator.machines.base.Machine
    kernel: Kernel

    def call(self, function: str | int, *args: int) -> int:
        return self.machine.call(function, *args)

    def has(self, symbol: str) -> bool:
        return symbol in self.linked.main.image.symbols


def start(package: KernelPackage, name: str, mode: str = "translate", btf: Btf | None = None,
          **machine_options) -> ModuleSession:
    """Link module ``name`` and load it into a ``mode`` machine ("translate" or "native")."""
    btf = btf or Btf.vmlinux(package)
    linked = link(package, name)
    machine = load(linked.image(), mode, **machine_options)
    kernel = Kernel(machine, btf=btf, locate=linked.locate, symbolize=linked.symbolize)
    linked.symbols.install(machine, kernel)
    task = kernel.current()
    kernel.put(task, "task_struct", "stack_canary", STACK_CANARY)
    set_sp_el0(machine, task)
    return ModuleSession(linked, machine, kernel)


def set_sp_el0(machine, value: int) -> None:
    """arm64 kernels keep `current` (the task_struct) in SP_EL0; per-task stack protector
    canaries are read from it (CONFIG_STACKPROTECTOR_PER_TASK)."""
    machine.set_sysreg("sp_el0", value)
