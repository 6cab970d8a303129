"""The reference: the same AArch64 image on Unicorn's AArch64 core, with the same kernel
services, timed with the Cortex-A53 cycle table."""

from __future__ import annotations

import struct

from unicorn import (
    UC_ARCH_ARM64,
    UC_HOOK_BLOCK,
    UC_HOOK_CODE,
    UC_HOOK_INSN,
    UC_HOOK_INTR,
    UC_MODE_ARM,
    Uc,
    UcError,
)
from unicorn import arm64_const as A

from emulator.errors import BudgetExhausted, GuestError, UnsupportedInstruction
from emulator.helpers import CNTFRQ_HZ, virtual_count
from emulator.machines.base import Machine
from emulator.syscalls import AARCH64
from isa.a64.decode import decode

X_REGS = [getattr(A, f"UC_ARM64_REG_X{n}") for n in range(29)] + [A.UC_ARM64_REG_X29,
                                                                   A.UC_ARM64_REG_X30,
                                                                   A.UC_ARM64_REG_SP]
EXCP_UDEF, EXCP_SWI, EXCP_BKPT = 1, 2, 7
# (op0, op1, CRn, CRm, op2) of the system registers whose reads the machine answers itself
COUNTERS = {(3, 3, 14, 0, 2), (3, 3, 14, 0, 1)}
CNTFRQ = (3, 3, 14, 0, 0)
SYSREG_IDS = {"sp_el0": A.UC_ARM64_REG_SP_EL0, "tpidr_el0": A.UC_ARM64_REG_TPIDR_EL0,
              "tpidr_el1": A.UC_ARM64_REG_TPIDR_EL1, "tpidrro_el0": A.UC_ARM64_REG_TPIDRRO_EL0}


class NativeMachine(Machine):
    mode = "native"
    abi = AARCH64

    def __init__(self, image, core, *, account: bool = True, **kwargs) -> None:
        if core.isa != "armv8-a":
            raise GuestError(f"--mode native runs on an AArch64 core model, not {core.name}")
        if image.machine != "aarch64":
            raise GuestError(f"{image.path}: native mode runs AArch64 programs")
        super().__init__(image, core, **kwargs)
        self._error: BaseException | None = None
        self._block_costs: dict[int, tuple[int, int]] = {}
        self._expected = -1
        self.uc.hook_add(UC_HOOK_INTR, self._on_interrupt)
        self.uc.hook_add(UC_HOOK_INSN, self._on_mrs, None, 1, 0, A.UC_ARM64_INS_MRS)
        if account:
            self.uc.hook_add(UC_HOOK_BLOCK, self._on_block)

    def _create_unicorn(self):
        uc = Uc(UC_ARCH_ARM64, UC_MODE_ARM)
        uc.ctl_set_cpu_model(A.UC_CPU_ARM64_MAX)  # LSE atomics need ARMv8.1+
        return uc

    def reg(self, n: int) -> int:
        return self.uc.reg_read(X_REGS[n])

    def set_reg(self, n: int, value: int) -> None:
        self.uc.reg_write(X_REGS[n], value & (2**64 - 1))

    def sysreg(self, name: str) -> int:
        """A system register's value (the ones with a Unicorn register id)."""
        return self.uc.reg_read(self._sysreg_id(name))

    def set_sysreg(self, name: str, value: int) -> None:
        self.uc.reg_write(self._sysreg_id(name), value & (2**64 - 1))

    @staticmethod
    def _sysreg_id(name: str) -> int:
        try:
            return SYSREG_IDS[name]
        except KeyError:
            raise GuestError(f"system register {name!r} is not settable on the native core "
                             f"(one of {', '.join(SYSREG_IDS)})") from None

    def nzcv(self) -> int:
        return (self.uc.reg_read(A.UC_ARM64_REG_NZCV) >> 28) & 0xF

    def set_nzcv(self, value: int) -> None:
        self.uc.reg_write(A.UC_ARM64_REG_NZCV, (value & 0xF) << 28)

    def guest_pc_now(self) -> int:
        return self.uc.reg_read(A.UC_ARM64_REG_PC)

    def _start_process(self, sp: int) -> None:
        self.set_reg(31, sp)

    # --- hooks (errors are kept and re-raised after emu_start) -----------------------------

    def _keep(self, error: BaseException) -> None:
        self._error = error
        self.uc.emu_stop()

    def _on_interrupt(self, uc, intno, user_data) -> None:
        pc = uc.reg_read(A.UC_ARM64_REG_PC)
        try:
            if intno == EXCP_SWI:
                self.process.handle(self)
            elif intno == EXCP_BKPT:
                raise GuestError(f"guest executed a breakpoint (brk) at {self.describe(pc)}")
            elif intno == EXCP_UDEF:
                raise UnsupportedInstruction(f"undefined instruction at {self.describe(pc)}")
            else:
                raise GuestError(f"unexpected exception {intno} at {self.describe(pc - 4)}")
        except BaseException as exc:  # noqa: BLE001 - kept and re-raised by _execute
            self._keep(exc)

    def _on_mrs(self, uc, reg, cp_reg, user_data) -> bool:
        key = (cp_reg.op0, cp_reg.op1, cp_reg.crn, cp_reg.crm, cp_reg.op2)
        if key in COUNTERS:
            uc.reg_write(reg, virtual_count(self))
            return True
        if key == CNTFRQ:
            uc.reg_write(reg, CNTFRQ_HZ)
            return True
        return False

    def _on_block(self, uc, address, size, user_data) -> None:
        cost = self._block_costs.get(address)
        if cost is None:
            cost = self._block_costs[address] = self._static_cost(address, size)
        stats = self.stats
        stats.guest_insns += cost[0]
        stats.cycles += cost[1]
        if address != self._expected:
            stats.cycles += self.core.taken_branch_penalty
        self._expected = address + size

    def _static_cost(self, address: int, size: int) -> tuple[int, int]:
        code = self.read(address, size)
        cycles = 0
        for k in range(0, size, 4):
            insn = decode(struct.unpack_from("<I", code, k)[0], address + k)
            cycles += self.core.a64_cycles(insn.kind, insn.op) if insn else 1
        return size // 4, cycles

    def _on_hook(self, uc, address, size, user_data) -> None:
        try:
            if address in self.hooks:
                self.hooks[address](self)
            if address in self.intercepts:
                self.intercepts[address](self)
                uc.reg_write(A.UC_ARM64_REG_PC, self.reg(30))
        except BaseException as exc:  # noqa: BLE001
            self._keep(exc)

    # --- running ----------------------------------------------------------------------------

    def _execute(self, entry: int, until: int) -> None:
        handles = [self.uc.hook_add(UC_HOOK_CODE, self._on_hook, None, addr, addr)
                   for addr in {*self.hooks, *self.intercepts}]
        count = 0
        if self.max_insns is not None:
            count = max(self.max_insns - self.stats.guest_insns, 0) + 1
        try:
            self.uc.emu_start(entry, until, count=count)
        except UcError as exc:
            if self._error is None:
                pc = self.uc.reg_read(A.UC_ARM64_REG_PC)
                raise self.fault_error(pc, exc, pc) from None
        finally:
            for handle in handles:
                self.uc.hook_del(handle)
        if self._error is not None:
            error, self._error = self._error, None
            raise error
        pc = self.uc.reg_read(A.UC_ARM64_REG_PC)
        if pc != until:
            raise BudgetExhausted(f"guest ran past --max-insns {self.max_insns} (stopped at "
                                  f"{self.describe(pc)})")
