"""Guest registers cached in host registers within one block.

Each guest X register is a pair of host registers (low and high word).  Values are loaded on first
use (``ldrd`` for both halves at once), and every definition goes to fresh host registers
(renaming), so an instruction can never clobber one of its own sources; dirty values are written
back when evicted and at the end of the block.  A W-register definition leaves the high word
"known zero" without spending a register on it.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from emulator.translator.hostcode import HostCode
from isa.a64.insn import ZR
from isa.thumb2.encode_operands import REGISTERS, is_modified_immediate
from isa.thumb2.lines import line_memo, remember

ENV = "r11"  # the reserved host register holding the guest state block's address
# Host registers the cache may hand out, low registers first (16-bit encodings).
ALLOCATABLE = ("r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9")
LOW_ALLOCATABLE = ALLOCATABLE[:8]  # r0-r7: what 16-bit encodings (cbz, ...) can name
# operands of the lines encoded from their numbers (isa.thumb2.lines.remember), by their numbers
_ENV_OPERANDS = line_memo()  # (mnemonic, offset, register, second register or None)
_MOVW_OPERANDS = line_memo()  # (register, value)


def _env_operands(mnemonic: str, off: int, rt: str, rt2: str | None) -> str:
    """The operands of a state-block access, its line encoded from the numbers."""
    regs: tuple[int, ...]
    if rt2 is None:
        operands, sig, regs = f"{rt}, [{ENV}, #{off}]", "r[ri]", (REGISTERS[rt],)
    else:
        operands, sig, regs = (f"{rt}, {rt2}, [{ENV}, #{off}]", "rr[ri]",
                               (REGISTERS[rt], REGISTERS[rt2]))
    remember(f"{mnemonic} {operands}", mnemonic, sig, (*regs, REGISTERS[ENV], off))
    return operands


class RegisterPressure(Exception):
    """Every allocatable host register is pinned (a translator bug)."""


@dataclass(eq=False, slots=True)
class Entry:
    """Where guest register ``guest`` currently lives in host registers."""

    guest: int
    lo: str | None = None
    hi: str | None = None
    hi_zero: bool = False  # the high word is 0 (held in ``hi`` only if materialised)
    dirty: bool = False
    lo_only: bool = False  # dirty low word only: the high word in memory is still current
    sticky: bool = False  # a loop's register: never evicted
    const: int | None = None  # the value, when this block computed it from constants


TEMP, KEEP = "temp", "keep"  # owner markers: scratch until the instruction ends / until released


class RegCache:
    def __init__(self, code: HostCode, reg_offset) -> None:
        self.code = code
        self.reg_offset = reg_offset  # guest register number -> byte offset in the state block
        self.entries: dict[int, Entry] = {}
        self.owner: dict[str, Entry | str] = {}  # host reg -> Entry, TEMP or KEEP
        self.pinned: set[str] = set()
        self.temps: list[str] = []  # registers made TEMP during the current instruction
        self.keeps: set[str] = set()
        self.pending: list[Entry] = []
        self.age: dict[str, int] = {}  # host register -> when last allocated or pinned
        self._ticks = itertools.count(1)
        self.touched: dict[int, bool] = {}  # guest register -> whether its high word was used
        # Guest registers whose high word in the state block is stale and must become 0 before
        # the block leaves: a W result evicted with no register to spare for the zero stores
        # only its low word.  Off in self-loops, whose back edge would see the stale word.
        self.zero_hi: set[int] = set()
        self.defer_zero_hi = True

    # --- allocation -------------------------------------------------------------------------

    def _alloc(self, low: bool = False, avoid: frozenset = frozenset()) -> str:
        pool = LOW_ALLOCATABLE if low else ALLOCATABLE
        owner, pinned = self.owner, self.pinned
        for reg in pool:
            if reg not in owner and reg not in pinned and reg not in avoid:
                self.age[reg] = next(self._ticks)
                return reg
        victim, oldest = None, 0
        for reg in pool:  # the least recently used unpinned guest register
            entry = owner.get(reg)
            if (type(entry) is Entry and reg not in avoid and not entry.sticky
                    and entry.lo not in pinned and entry.hi not in pinned):
                age = self.age.get(reg, 0)
                if victim is None or age < oldest:
                    victim, oldest = entry, age
        if victim is None:
            raise RegisterPressure("no host register left to allocate")
        self._evict(victim)
        return self._alloc(low, avoid)

    def temp(self, low: bool = False, avoid: frozenset = frozenset()) -> str:
        """A scratch register (not one of ``avoid``), free again after the current guest
        instruction."""
        return self._temp(self._alloc(low, avoid))

    def _temp(self, reg: str) -> str:
        self.owner[reg] = TEMP
        self.pinned.add(reg)
        self.temps.append(reg)
        return reg

    def keep(self, low: bool = False) -> str:
        """A scratch register that stays allocated until :meth:`release`."""
        reg = self._alloc(low)
        self.owner[reg] = KEEP
        self.keeps.add(reg)
        return reg

    def release(self, reg: str) -> None:
        self.owner.pop(reg, None)
        self.pinned.discard(reg)
        self.keeps.discard(reg)

    def const(self, value: int) -> str:
        """A temp holding the 32-bit ``value`` (flags untouched)."""
        reg = self.temp()
        self.load_const(reg, value)
        return reg

    def load_const(self, reg: str, value: int) -> None:
        value &= 0xFFFFFFFF
        if value <= 0xFFFF:
            self._movw(reg, value)
        elif is_modified_immediate(value):
            self.code.op("mov.w", f"{reg}, #{value:#x}")
        elif is_modified_immediate(~value & 0xFFFFFFFF):
            self.code.op("mvn.w", f"{reg}, #{~value & 0xFFFFFFFF:#x}")
        else:
            self._movw(reg, value & 0xFFFF)
            self.code.op("movt", f"{reg}, #{value >> 16}")

    def _movw(self, reg: str, value: int) -> None:
        """movw ``reg``, #``value`` (0-65535)."""
        operands = _MOVW_OPERANDS.get((reg, value))
        if operands is None:
            operands = _MOVW_OPERANDS[reg, value] = f"{reg}, #{value}"
            remember(f"movw {operands}", "movw", "ri", (REGISTERS[reg], value))
        self.code.op("movw", operands)

    def _env(self, mnemonic: str, off: int, rt: str, rt2: str | None = None,
             counted: bool = True) -> None:
        """``mnemonic`` (ldr.w, str.w, ldrd, strd) of ``rt`` (and ``rt2``) at ``off`` in the
        state block."""
        key = (mnemonic, off, rt, rt2)
        operands = _ENV_OPERANDS.get(key)
        if operands is None:
            operands = _ENV_OPERANDS[key] = _env_operands(mnemonic, off, rt, rt2)
        self.code.op(mnemonic, operands, counted)

    # --- reading guest registers ------------------------------------------------------------

    def _touch_guest(self, guest: int, wide: bool) -> None:
        if wide:
            self.touched[guest] = True
        else:
            self.touched.setdefault(guest, False)

    def _entry(self, guest: int) -> Entry:
        entry = self.entries.get(guest)
        if entry is None:
            entry = self.entries[guest] = Entry(guest, hi_zero=guest in self.zero_hi)
        return entry

    def _pin(self, reg: str) -> str:
        self.pinned.add(reg)
        self.age[reg] = next(self._ticks)
        return reg

    def lo(self, guest: int) -> str:
        """Host register holding the low word of guest register ``guest``."""
        if guest == ZR:
            return self.const(0)
        self.touched.setdefault(guest, False)
        entry = self._entry(guest)
        if entry.lo is None:
            if entry.hi is not None:
                self._pin(entry.hi)
            entry.lo = self._alloc()
            self.owner[entry.lo] = entry
            self._env("ldr.w", self.reg_offset(guest), entry.lo)
        return self._pin(entry.lo)

    def hi(self, guest: int) -> str:
        """Host register holding the high word of guest register ``guest``."""
        if guest == ZR:
            return self.const(0)
        self.touched[guest] = True
        entry = self._entry(guest)
        if entry.hi is None:
            if entry.lo is not None:
                self._pin(entry.lo)
            entry.hi = self._alloc()
            self.owner[entry.hi] = entry
            if entry.hi_zero:
                self._movw(entry.hi, 0)
            else:
                self._env("ldr.w", self.reg_offset(guest) + 4, entry.hi)
        return self._pin(entry.hi)

    def pair(self, guest: int) -> tuple[str, str]:
        """(low, high) host registers of guest register ``guest``, loading both with one ldrd."""
        if guest == ZR:
            zero = self.const(0)
            return zero, zero
        entry = self._entry(guest)
        if entry.lo is None and entry.hi is None and not entry.hi_zero:
            entry.lo = self._alloc()
            self.owner[entry.lo] = entry
            self._pin(entry.lo)
            entry.hi = self._alloc()
            self.owner[entry.hi] = entry
            self._env("ldrd", self.reg_offset(guest), entry.lo, entry.hi)
        lo, hi = entry.lo, entry.hi
        if lo is None or hi is None:
            return self.lo(guest), self.hi(guest)
        self.touched[guest] = True
        return self._pin(lo), self._pin(hi)

    def modify_lo(self, guest: int) -> str:
        """The low-word register of ``guest``, to be changed in place (the high word stays as
        it is, in memory or in its register): marks the entry dirty."""
        entry = self._entry(guest)
        if entry.hi is None and not entry.hi_zero and not entry.dirty:
            entry.lo_only = True  # only the low word needs writing back
        lo = self.lo(guest)
        entry.dirty = True
        entry.const = None  # no longer the constant the block computed
        return lo

    def move_all(self, moves: list[tuple[str, str]], scratch: str) -> None:
        """Perform the register moves (destination, source) as if simultaneously; a source
        "#0" is the constant zero.  Cycles are broken through ``scratch``."""
        pending = {d: s for d, s in moves if d != s}
        while pending:
            ready = next((d for d in pending if d not in pending.values()), None)
            if ready is None:  # a cycle: park one destination's value in the scratch register
                ready = next(iter(pending))
                self.code.op("mov", f"{scratch}, {ready}")
                pending = {d: (scratch if s == ready else s) for d, s in pending.items()}
                continue
            source = pending.pop(ready)
            if source == "#0":
                self.code.op("movw", f"{ready}, #0")
            else:
                self.code.op("mov", f"{ready}, {source}")

    def unpin(self, reg: str) -> None:
        """The current instruction no longer needs ``reg`` (a guest register it read)."""
        if isinstance(self.owner.get(reg), Entry):
            self.pinned.discard(reg)

    def hi_is_zero(self, guest: int) -> bool:
        entry = self.entries.get(guest)
        return guest == ZR or (entry is not None and entry.hi_zero)

    # --- defining guest registers -----------------------------------------------------------

    def def32(self, guest: int) -> str:
        """Fresh register for a W result (high word becomes 0); committed at :meth:`end_insn`."""
        lo = self._temp(self._alloc())
        self.touched.setdefault(guest, False)
        entry = Entry(guest, lo, None, hi_zero=True, dirty=True)  # lo_only False: hi := 0
        self.pending.append(entry)
        return lo

    def def64(self, guest: int, reuse: bool = False) -> tuple[str, str]:
        """Fresh (low, high) registers for an X result; committed at :meth:`end_insn`.
        ``reuse``: take the guest register's own host registers when this instruction has not
        read them (pinned), so a loop's register stays in place; the caller must have read
        every source already."""
        entry = self.entries.get(guest) if reuse else None
        if (entry is not None and entry.lo is not None and entry.hi is not None
                and entry.lo not in self.pinned and entry.hi not in self.pinned):
            lo, hi = self._temp(entry.lo), self._temp(entry.hi)
        else:
            lo = self._temp(self._alloc())
            hi = self._temp(self._alloc())
        self.pending.append(Entry(guest, lo, hi, dirty=True))
        self.touched[guest] = True
        return lo, hi

    def take(self, guest: int, source: int, wide: bool) -> bool:
        """Define ``guest`` as a copy of ``source`` (all 64 bits when ``wide``, else its W
        value) by handing it the registers that hold ``source``, whose value goes to the state
        block if it is not there yet (the store its write-back would make anyway): at most one
        store instead of two moves, and ``source`` is reloaded if it is needed again.  False
        when that does not apply (the caller then copies)."""
        entry = self.entries.get(source)
        if (entry is None or entry.sticky or entry.lo is None or guest in (source, ZR)
                or (wide and entry.hi is None and not entry.hi_zero)):
            return False
        if entry.dirty:
            if entry.hi is None and not entry.lo_only and not self.defer_zero_hi:
                return False  # its store would need the low register for the zero
            self._store(entry, None)
        lo, hi = entry.lo, entry.hi if wide else None
        del self.owner[lo]
        entry.lo = None
        if wide and hi is not None:
            del self.owner[hi]
        if wide or entry.hi is None:
            del self.entries[source]
        self.pending.append(Entry(guest, lo, hi, hi_zero=hi is None, dirty=True))
        self._touch_guest(guest, wide)
        return True

    def adopt(self, guest: int, lo: str, hi: str | None) -> None:
        """Make temps ``lo``/``hi`` the new value of ``guest`` (hi None: a W result)."""
        self.pending.append(Entry(guest, lo, hi, hi_zero=hi is None, dirty=True))
        self._touch_guest(guest, hi is not None)

    def known(self, guest: int) -> int | None:
        """The 64-bit value of ``guest`` if it is a constant this block computed."""
        if guest == ZR:
            return 0
        entry = self.entries.get(guest)
        return entry.const if entry is not None else None

    def define_const(self, guest: int, value: int) -> None:
        """``guest`` = the 64-bit constant ``value`` (remembered for constant folding)."""
        value &= (1 << 64) - 1
        if value >> 32 == 0:
            self.load_const(self.def32(guest), value)
        else:
            lo, hi = self.def64(guest)
            self.load_const(lo, value & 0xFFFFFFFF)
            self.load_const(hi, value >> 32)
        self.pending[-1].const = value

    def define(self, guest: int, sf: bool, reuse: bool = False) -> tuple[str, str | None]:
        """def64 or def32 by operand size; the high register is None for W results."""
        return self.def64(guest, reuse) if sf else (self.def32(guest), None)

    def commit(self) -> None:
        """Make pending definitions the guest registers' current values (their old host
        registers stay pinned, so they are not reused before the instruction ends)."""
        entries, owner = self.entries, self.owner
        for new in self.pending:
            old = entries.pop(new.guest, None)
            if old is not None:
                new.sticky = old.sticky
                for reg in (old.lo, old.hi):
                    if reg is not None and owner.get(reg) is old:
                        del owner[reg]
            if new.guest == ZR:
                for reg in (new.lo, new.hi):
                    if reg is not None:
                        owner.pop(reg, None)
                continue
            entries[new.guest] = new
            for reg in (new.lo, new.hi):
                if reg is not None:
                    owner[reg] = new
        self.pending.clear()

    def end_insn(self) -> None:
        """Commit pending definitions, free temps and unpin everything."""
        if self.pending:
            self.commit()
        owner = self.owner
        for reg in self.temps:
            if owner.get(reg) is TEMP:
                del owner[reg]
        self.temps.clear()
        self.pinned = set(self.keeps)

    # --- write-back -------------------------------------------------------------------------

    def _store(self, entry: Entry, zero: str | None) -> None:
        off, lo = self.reg_offset(entry.guest), entry.lo
        assert lo is not None  # only a register held in host registers is dirty
        if entry.lo_only and entry.hi is None:
            self._env("str.w", off, lo)
        elif entry.hi is not None or zero is not None:
            self._env("strd", off, lo, entry.hi or zero)
            self.zero_hi.discard(entry.guest)
        elif self.defer_zero_hi:  # no register for the zero: flush() stores it
            self._env("str.w", off, lo)
            self.zero_hi.add(entry.guest)
        else:  # no spare register: the low register is being given up, reuse it for the zero
            self._env("str.w", off, lo)
            self._movw(lo, 0)
            self._env("str.w", off + 4, lo)
            self.owner.pop(lo, None)
            entry.lo = None
        entry.dirty = False

    def _evict(self, entry: Entry) -> None:
        if entry.dirty:
            self._store(entry, None)
        for reg in (entry.lo, entry.hi):
            if reg is not None:
                self.owner.pop(reg, None)
        self.entries.pop(entry.guest, None)

    def flush(self) -> None:
        """Write every dirty guest register back to the state block (flags untouched)."""
        zero = None
        if self.zero_hi or any(e.dirty and e.hi is None and not e.lo_only
                               for e in self.entries.values()):
            try:
                zero = self.temp()  # may itself evict (and so write back) an entry
                self._movw(zero, 0)
            except RegisterPressure:
                zero = None
        for entry in [e for e in self.entries.values() if e.dirty]:
            self._store(entry, zero)
            if entry.lo is None:
                self._evict(entry)
        if self.zero_hi:
            self._store_zero_hi(zero)

    def _store_zero_hi(self, zero: str | None) -> None:
        """Zero the stale high words (after every store that could rewrite one).  Without a
        zero register (every register pinned), borrow one through the host stack."""
        borrowed = zero is None
        reg = ALLOCATABLE[0] if zero is None else zero
        if borrowed:
            self.code.op("push", f"{{{reg}}}")
            self._movw(reg, 0)
        for guest in sorted(self.zero_hi):
            self._env("str.w", self.reg_offset(guest) + 4, reg)
        if borrowed:
            self.code.op("pop", f"{{{reg}}}")
        self.zero_hi.clear()
