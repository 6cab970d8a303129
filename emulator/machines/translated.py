"""The Cortex-M core running AArch64 code translated to Thumb-2 (the DBT's dispatcher)."""

from __future__ import annotations

import gc
import struct
import time
from collections.abc import Callable

from unicorn import UC_ARCH_ARM, UC_MODE_MCLASS, UC_MODE_THUMB, Uc, UcError
from unicorn import arm_const as A

from emulator import layout, state
from emulator.codecache import CodeCache
from emulator.errors import BudgetExhausted, GuestError, GuestFault, UnsupportedInstruction
from emulator.helpers import CNTFRQ_HZ, perform_helper
from emulator.machines.base import Machine
from emulator.machines.watchdog import Watchdog
from emulator.runtime import build_runtime
from emulator.syscalls import AARCH64
from emulator.translator.block import (
    LOOKAHEAD_INSNS,
    MAX_BLOCK_INSNS,
    Lookahead,
    TranslatedBlock,
    fetch_block,
)
from emulator.translator.exits import ExitKind
from emulator.translator.translate import translate_block
from isa.a64.decode import SYSREGS
from isa.a64.disasm import disasm_one

COUNTERS = (A.UC_ARM_REG_R12, A.UC_ARM_REG_LR, A.UC_ARM_REG_R10)
ZEROED = tuple((reg, 0) for reg in COUNTERS)
FOLD_SECONDS = 0.05  # < 2**32 cycles even at 1e9 host instructions/s


class TranslatedMachine(Machine):
    mode = "translate"
    abi = AARCH64

    def __init__(self, image, core, *, code_cache_kb: int = 64, chain: bool = True,
                 **kwargs) -> None:
        if core.isa != "armv7-m":
            raise GuestError(f"--mode translate needs an M-profile core, not {core.name}")
        if image.machine != "aarch64":
            raise GuestError(f"{image.path}: translate mode runs AArch64 programs")
        self.code_cache_kb = code_cache_kb
        self.chain = chain
        self._peeked: dict[int, list[int]] = {}
        self._folded_at = time.perf_counter()
        self._pages: dict[int, tuple[int, ...]] = {}  # guest page number -> its words
        self._peek = Lookahead(self._lookahead)
        super().__init__(image, core, **kwargs)
        self.runtime = build_runtime(core)
        self.uc.mem_write(layout.RUNTIME, self.runtime.code)
        cache_bytes = code_cache_kb * 1024
        if not 1 <= code_cache_kb or cache_bytes > layout.CODE_CACHE_MAX:
            raise GuestError(f"--code-cache-kb must be 1..{layout.CODE_CACHE_MAX // 1024}")
        self.cache = CodeCache(self.uc, cache_bytes)
        self.watchdog = Watchdog(self.uc)
        self.uc.reg_write(A.UC_ARM_REG_R11, layout.ENV)
        for reg in COUNTERS:
            self.uc.reg_write(reg, 0)
        self.uc.reg_write(A.UC_ARM_REG_SP, layout.CODE_CACHE)
        self._init_sysregs()

    def _create_unicorn(self):
        uc = Uc(UC_ARCH_ARM, UC_MODE_THUMB | UC_MODE_MCLASS)
        uc.ctl_set_cpu_model(getattr(A, self.core.unicorn_cpu))
        for base, size in layout.HOST_REGIONS:
            uc.mem_map(base, size)
        return uc

    def _init_sysregs(self) -> None:
        for name, value in {"cntfrq_el0": CNTFRQ_HZ, "currentel": 0}.items():
            self.set_sysreg(name, value)

    # --- guest state ------------------------------------------------------------------------

    def reg(self, n: int) -> int:
        return struct.unpack("<Q", self.uc.mem_read(layout.ENV + state.reg_offset(n), 8))[0]

    def set_reg(self, n: int, value: int) -> None:
        self.uc.mem_write(layout.ENV + state.reg_offset(n),
                          struct.pack("<Q", value & (2**64 - 1)))

    def nzcv(self) -> int:
        return self.uc.reg_read(A.UC_ARM_REG_APSR) >> 28

    def set_nzcv(self, value: int) -> None:
        self.uc.reg_write(A.UC_ARM_REG_APSR_NZCV, (value & 0xF) << 28)

    def sysreg(self, name: str) -> int:
        """A system register's value (``isa.a64.decode.SYSREGS`` names)."""
        return self.read_u64(layout.ENV + state.sysreg_offset(SYSREGS.index(name)))

    def set_sysreg(self, name: str, value: int) -> None:
        self.write(layout.ENV + state.sysreg_offset(SYSREGS.index(name)),
                   struct.pack("<Q", value & (2**64 - 1)))

    def guest_pc_now(self) -> int:
        host = self.uc.reg_read(A.UC_ARM_REG_PC)
        block = self.cache.block_at(host)
        return block.guest_pc_at(host) if block else 0

    def cycle_now(self) -> int:
        return self.stats.cycles + self.uc.reg_read(A.UC_ARM_REG_R12)

    def _start_process(self, sp: int) -> None:
        self.set_reg(31, sp)

    # --- the dispatcher ---------------------------------------------------------------------

    def _code_words(self, pc: int, count: int = MAX_BLOCK_INSNS) -> list[int]:
        """Instruction words from ``pc``: ``count`` of them at most, up to the end of mapped
        memory or the next hooked/intercepted address (which must start a block of its own)."""
        words: list[int] = []
        addr = pc
        while len(words) < count:
            page = self._guest_page(addr)
            if page is None:
                break
            first = (addr & (layout.PAGE - 1)) >> 2
            words += page[first:first + count - len(words)]
            addr = (addr | (layout.PAGE - 1)) + 1
        if self.hooks or self.intercepts:
            for k in range(1, len(words)):
                if pc + 4 * k in self.hooks or pc + 4 * k in self.intercepts:
                    return words[:k]
        return words

    def _guest_page(self, addr: int) -> tuple[int, ...] | None:
        """The words of the guest page holding ``addr`` as of the last write through
        :meth:`write` (translated code never runs guest stores to its own code); None when the
        page is not executable guest memory or ``addr`` is not word-aligned."""
        key = addr >> layout.PAGE_SHIFT
        page = self._pages.get(key)
        if page is None and not addr & 3 and key in self.code_pages:
            try:
                data = self.uc.mem_read(key << layout.PAGE_SHIFT, layout.PAGE)
            except UcError:
                return None
            page = self._pages[key] = struct.unpack(f"<{layout.PAGE // 4}I", data)
        return page

    def write(self, addr: int, data: bytes) -> None:
        super().write(addr, data)
        last = (addr + max(len(data), 1) - 1) >> layout.PAGE_SHIFT
        for key in range(addr >> layout.PAGE_SHIFT, last + 1):
            if self._pages.pop(key, None) is not None:  # code was read from there
                self._forget_lookahead()

    def _forget_lookahead(self) -> None:
        self._peeked.clear()
        self._peek.forget()

    def _lookahead(self, pc: int) -> list[int]:
        """Instruction words at ``pc`` for flag-liveness look-ahead (memoized per address)."""
        if pc in self.hooks or pc in self.intercepts:  # Python code runs there: opaque
            return []
        words = self._peeked.get(pc)
        if words is None:
            words = self._peeked[pc] = self._code_words(pc, LOOKAHEAD_INSNS)
        return words

    def _translate(self, pc: int) -> TranslatedBlock:
        started = time.perf_counter()
        fetched = fetch_block(self._code_words(pc), pc)
        if not fetched:
            if pc & 3:
                why = "misaligned"
            else:
                why = "not code: execute-never" if self.is_mapped(pc) else "unmapped"
            raise GuestFault(f"guest fault: instruction fetch at 0x{pc:x} ({why})")
        gc.disable()  # translation allocates many short-lived objects: no cycle collection
        try:
            block = translate_block(fetched, self.core, self.runtime.addrs, self._peek)
            self.stats.chained_exits += self.cache.insert(
                block, self._chainable if self.chain else None)
        finally:
            gc.enable()
        self.stats.blocks_translated += 1
        self.stats.guest_insns_translated += block.guest_insns
        self.stats.translate_seconds += time.perf_counter() - started
        return block

    def _chainable(self, pc: int) -> bool:
        """Whether an exit to ``pc`` may jump straight to its block (Python runs there)."""
        return pc not in self.hooks and pc not in self.intercepts

    def hook(self, addr: int, fn: Callable[[Machine], None]) -> None:
        super().hook(addr, fn)
        self._retranslate()

    def intercept(self, addr: int, fn: Callable[[Machine], None]) -> None:
        super().intercept(addr, fn)
        self._retranslate()

    def _retranslate(self) -> None:
        """A new hook or intercept must start a block and must not be chained past: code
        translated before it is dropped, and so are the look-ahead's answers."""
        self._forget_lookahead()
        if self.cache.blocks:
            self.cache.flush(full=False)

    def read_host(self, block: TranslatedBlock) -> bytes:
        """The block's host code as placed (chain patches included)."""
        return bytes(self.uc.mem_read(block.host_addr, block.size))

    def translate_at(self, pc: int) -> TranslatedBlock:
        """Translate (or find) the block at guest ``pc``; used by ``hwemu disasm``."""
        return self.cache.lookup(pc) or self._translate(pc)

    def _execute(self, entry: int, until: int) -> None:
        try:
            self._dispatch(entry, until)
        finally:
            self._fold_counters()

    def _dispatch(self, pc: int, until: int) -> None:
        """The dispatcher loop.  Counters are folded into the stats before any Python code
        that may read them runs (hooks, intercepts, system calls, helpers)."""
        pending = None  # exit to chain once its target block exists
        stats = self.stats
        while pc != until:
            if pc in self.hooks:
                self._fold_counters()
                self.hooks[pc](self)
                pending = None
            if pc in self.intercepts:
                self._fold_counters()
                self.intercepts[pc](self)
                pc, pending = self.reg(30), None
                continue
            block = self.cache.lookup(pc)
            if block is None:
                stats.cache_misses += 1
                block = self._translate(pc)
            else:
                stats.cache_hits += 1
            if pending is not None and self.chain and pending.token in self.cache.by_token \
                    and self._chainable(pc):
                stats.chained_exits += self.cache.chain(pending, block)
            pending = None
            token = self._enter(block.host_addr)
            stats.dispatcher_exits += 1
            if token == self.runtime.miss_token:
                lo = self.uc.reg_read(A.UC_ARM_REG_R0)
                hi = self.uc.reg_read(A.UC_ARM_REG_R1)
                pc = lo | (hi << 32)
                if hi:
                    raise GuestFault(f"guest fault: branch to 0x{pc:x}, outside the 32-bit "
                                     f"window")
                continue
            found = self.cache.by_token.get(token)
            if found is None:
                raise GuestError(f"dispatcher: unknown exit token 0x{token:x}")
            source, exit_ = found
            pc = exit_.guest_pc
            if exit_.kind is ExitKind.CHAIN:
                pending = exit_
                continue
            self._fold_counters()
            if exit_.kind is ExitKind.SVC:
                self.process.handle(self)
            elif exit_.kind is ExitKind.HELPER:
                perform_helper(self, exit_.insn)
                pc = exit_.insn.next_addr
            elif exit_.kind is ExitKind.BRK:
                raise GuestError(f"guest executed a breakpoint (brk) at {self.describe(pc)}")
            else:
                word = struct.unpack("<I", self.read(pc, 4))[0]
                raise UnsupportedInstruction(
                    f"unsupported A64 instruction at 0x{pc:x}: {disasm_one(word, pc)}")

    def _enter(self, host_addr: int) -> int:
        """Run host code from ``host_addr`` until it exits to the dispatcher; the exit token.
        The inline counters stay in their registers across exits, folded into the stats when
        Python needs them or every FOLD_SECONDS (well before a 32-bit counter could wrap)."""
        start = host_addr | 1
        while True:
            try:
                with self.watchdog:
                    self.uc.emu_start(start, layout.RUNTIME)
            except UcError as exc:
                self._fold_counters()
                raise self._host_fault(exc) from None
            where = self.uc.reg_read(A.UC_ARM_REG_PC)
            if where == layout.RUNTIME:
                if time.perf_counter() - self._folded_at > FOLD_SECONDS:
                    self._fold_counters()
                return self.uc.reg_read(A.UC_ARM_REG_R3)
            self._fold_counters()
            if self.max_insns is not None and self.stats.guest_insns > self.max_insns:
                raise BudgetExhausted(
                    f"guest ran past --max-insns {self.max_insns} (stopped after "
                    f"{self.stats.guest_insns} instructions near {self._guest_at(where)})")
            start = where | 1

    def _fold_counters(self) -> None:
        """Add the inline counters to the stats and zero them."""
        stats = self.stats
        cycles, guest, host = self.uc.reg_read_batch(COUNTERS)
        stats.cycles += cycles
        stats.guest_insns += guest
        stats.host_insns += host
        self.uc.reg_write_batch(ZEROED)
        stats.cache_flushes = self.cache.flushes
        stats.code_cache_bytes = self.cache.bytes_used_peak
        self._folded_at = time.perf_counter()

    def _guest_at(self, host: int) -> str:
        block = self.cache.block_at(host)
        return self.describe(block.guest_pc_at(host)) if block else f"host 0x{host:x}"

    def _host_fault(self, exc: UcError) -> GuestFault:
        host = self.uc.reg_read(A.UC_ARM_REG_PC)
        block = self.cache.block_at(host)
        if block is None:
            return GuestFault(f"guest fault in host code at 0x{host:x}: {exc}")
        return self.fault_error(block.guest_pc_at(host), exc, host | 1)
