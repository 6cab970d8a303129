"""The Cortex-M core running a Thumb-2 program built for it (EM_ARM): no translation, the same
cycle table, so the core model can be checked against vendor figures (e.g. CoreMark/MHz)."""

from __future__ import annotations

from unicorn import (
    UC_ARCH_ARM,
    UC_HOOK_BLOCK,
    UC_HOOK_INTR,
    UC_MODE_MCLASS,
    UC_MODE_THUMB,
    Uc,
    UcError,
)
from unicorn import arm_const as A

from emulator.errors import BudgetExhausted, GuestError
from emulator.machines.base import Machine
from emulator.machines.watchdog import Watchdog
from emulator.syscalls import ARM
from isa.thumb2.disasm import disasm

R_REGS = [getattr(A, f"UC_ARM_REG_R{n}") for n in range(13)] + [A.UC_ARM_REG_SP,
                                                                 A.UC_ARM_REG_LR]
EXCP_SWI = 2


class ThumbMachine(Machine):
    mode = "thumb"
    abi = ARM

    def __init__(self, image, core, **kwargs) -> None:
        if image.machine != "arm" or core.isa != "armv7-m":
            raise GuestError(f"{image.path}: direct runs need an EM_ARM program and an M core")
        super().__init__(image, core, **kwargs)
        self._error: BaseException | None = None
        self._costs: dict[int, tuple[int, int]] = {}
        self._expected = -1
        self.uc.hook_add(UC_HOOK_INTR, self._on_interrupt)
        self.uc.hook_add(UC_HOOK_BLOCK, self._on_block)
        self.watchdog = Watchdog(self.uc)

    def _create_unicorn(self):
        uc = Uc(UC_ARCH_ARM, UC_MODE_THUMB | UC_MODE_MCLASS)
        uc.ctl_set_cpu_model(getattr(A, self.core.unicorn_cpu))
        return uc

    def reg(self, n: int) -> int:
        return self.uc.reg_read(R_REGS[n])

    def set_reg(self, n: int, value: int) -> None:
        self.uc.reg_write(R_REGS[n], value & 0xFFFFFFFF)

    def guest_pc_now(self) -> int:
        return self.uc.reg_read(A.UC_ARM_REG_PC)

    def _start_process(self, sp: int) -> None:
        self.uc.reg_write(A.UC_ARM_REG_SP, sp)

    def _on_interrupt(self, uc, intno, user_data) -> None:
        try:
            if intno != EXCP_SWI:
                pc = uc.reg_read(A.UC_ARM_REG_PC)
                raise GuestError(f"exception {intno} at 0x{pc:x} on the M core")
            self.process.handle(self)
        except BaseException as exc:  # noqa: BLE001 - kept and re-raised by _execute
            self._error = exc
            uc.emu_stop()

    def _on_block(self, uc, address, size, user_data) -> None:
        cost = self._costs.get(address)
        if cost is None:
            insns = disasm(bytes(uc.mem_read(address, size)), address)
            cycles = sum(self.core.thumb_cycles(text.split()[0].split(".")[0])
                         for _, _, text in insns)
            cost = self._costs[address] = (len(insns), cycles)
        self.stats.guest_insns += cost[0]
        self.stats.host_insns += cost[0]
        self.stats.cycles += cost[1]
        if address != self._expected:
            self.stats.cycles += self.core.taken_branch_penalty
        self._expected = address + size

    def _execute(self, entry: int, until: int) -> None:
        start = entry | 1
        while True:
            try:
                with self.watchdog:
                    self.uc.emu_start(start, until)
            except UcError as exc:
                if self._error is None:
                    pc = self.uc.reg_read(A.UC_ARM_REG_PC)
                    raise self.fault_error(pc, exc, pc | 1) from None
            if self._error is not None:
                error, self._error = self._error, None
                raise error
            pc = self.uc.reg_read(A.UC_ARM_REG_PC)
            if pc == until:
                return
            if self.max_insns is not None and self.stats.guest_insns > self.max_insns:
                raise BudgetExhausted(f"program ran past --max-insns {self.max_insns}")
            start = pc | 1

    def describe(self, pc: int) -> str:
        where = self.image.symbol_at(pc)
        return f"pc 0x{pc:x}" + (f" ({where})" if where else "")


