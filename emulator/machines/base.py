"""What every machine shares: guest memory map, process start-up, system calls, hooks, stats."""

from __future__ import annotations

import io
import struct
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

from unicorn import (
    UC_HOOK_MEM_INVALID,
    UC_HOOK_MEM_READ,
    UC_HOOK_MEM_WRITE,
    UC_MEM_FETCH_PROT,
    UC_MEM_FETCH_UNMAPPED,
    UC_MEM_READ_PROT,
    UC_MEM_READ_UNMAPPED,
    UC_MEM_WRITE,
    UC_MEM_WRITE_PROT,
    UC_MEM_WRITE_UNMAPPED,
    UC_PROT_ALL,
    UC_PROT_READ,
    UC_PROT_WRITE,
    UcError,
)

import isa
from emulator import layout
from emulator.errors import GuestError, GuestFault
from emulator.loader import GuestImage
from emulator.mmio import Device, MmioAccess, record
from emulator.syscalls import LinuxProcess, ProgramExit, SyscallABI
from isa.timing.cores import CoreModel

RET = 0xD65F03C0  # A64 "ret"
API_HEAP = 0x50000000  # bump allocator for Machine.alloc (inside the mmap area's top half)
API_HEAP_SIZE = 0x01000000


@dataclass
class Stats:
    """Figures of one run; ``--stats-json`` writes them as they are."""

    mode: str
    core: str
    mhz: float
    guest_insns: int = 0
    host_insns: int = 0
    cycles: int = 0
    seconds_modeled: float = 0.0
    blocks_translated: int = 0
    guest_insns_translated: int = 0
    cache_hits: int = 0
    cache_misses: int = 0
    chained_exits: int = 0
    dispatcher_exits: int = 0
    cache_flushes: int = 0
    code_cache_bytes: int = 0
    translate_seconds: float = 0.0
    run_seconds: float = 0.0
    syscalls: int = 0
    translator: str = isa.TRANSLATOR  # compiled (make native) or why its sources ran

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class RunResult:
    exit_code: int
    stdout: bytes
    stderr: bytes
    stats: Stats


_DATA = UC_PROT_READ | UC_PROT_WRITE  # guest memory that is not code
# an invalid access -> (what, why)
_INVALID = {UC_MEM_READ_UNMAPPED: ("read", "unmapped"),
            UC_MEM_WRITE_UNMAPPED: ("write", "unmapped"),
            UC_MEM_FETCH_UNMAPPED: ("fetch", "unmapped"),
            UC_MEM_READ_PROT: ("read", "protected"),
            UC_MEM_WRITE_PROT: ("write", "protected"),
            UC_MEM_FETCH_PROT: ("fetch", "not code: execute-never")}


class Machine:
    """Common machinery; subclasses provide the Unicorn instance and the run loop."""

    mode = "?"
    abi: SyscallABI

    def __init__(self, image: GuestImage, core: CoreModel, *, argv: tuple[str, ...] = (),
                 stdin: bytes | None = b"", stdout=None, stderr=None,
                 max_insns: int | None = None, mhz: float | None = None) -> None:
        self.image = image
        self.core = core
        self.mhz = mhz or core.mhz
        self.argv = (image.path, *argv)
        self.max_insns = max_insns
        self._capture_out = stdout is None
        self._capture_err = stderr is None
        out = io.BytesIO() if stdout is None else stdout
        err = io.BytesIO() if stderr is None else stderr
        self.process = LinuxProcess(self.abi, max(image.end, layout.BRK_BASE), stdin, out, err)
        self.stats = Stats(self.mode, core.name, self.mhz)
        self.watchdog = None  # set by machines that run in slices (see machines/watchdog.py)
        self.hooks: dict[int, Callable] = {}
        self.intercepts: dict[int, Callable] = {}
        self.devices: list[tuple[int, int, Device]] = []
        self.mmio_trace: list[MmioAccess] = []
        self.regions: list[tuple[int, int]] = []
        self.code_pages: set[int] = set()  # page numbers of executable memory
        self.uc = self._create_unicorn()
        self._map_image()
        self.heap_next = API_HEAP

    # --- subclass interface -----------------------------------------------------------------

    def _create_unicorn(self):
        raise NotImplementedError

    def reg(self, n: int) -> int:
        raise NotImplementedError

    def set_reg(self, n: int, value: int) -> None:
        raise NotImplementedError

    def _execute(self, entry: int, until: int) -> None:
        """Run from ``entry`` until the guest reaches ``until`` or exits (ProgramExit)."""
        raise NotImplementedError

    # --- memory -----------------------------------------------------------------------------

    def map(self, addr: int, size: int, executable: bool = False) -> None:
        """Map [addr, addr+size) (page-rounded) in the guest window, skipping mapped pages.

        Only ``executable`` memory (code segments, intercepted functions) may be executed: a store
        to a page Unicorn could execute takes its slow path (~30 ns instead of a few, see
        emulator.layout), and native runs would pay that on every store."""
        start, end = addr & ~(layout.PAGE - 1), layout.page_align(addr + size)
        if layout.overlaps_host(start, end - start) or not layout.in_window(start, end - start):
            raise GuestError(f"cannot map 0x{start:x}-0x{end:x}: outside the guest window")
        gaps, at = [], start
        for base, length in sorted(self.regions):  # the parts of [start, end) none covers
            if base >= end:
                break
            if base > at:
                gaps.append((at, base))
            at = max(at, base + length)
        if at < end:
            gaps.append((at, end))
        for gap_start, gap_end in gaps:
            self.uc.mem_map(gap_start, gap_end - gap_start, UC_PROT_ALL if executable else _DATA)
            self.regions.append((gap_start, gap_end - gap_start))
        if executable:
            self.uc.mem_protect(start, end - start, UC_PROT_ALL)  # pages mapped before too
            self.code_pages.update(range(start >> layout.PAGE_SHIFT, end >> layout.PAGE_SHIFT))

    def is_mapped(self, addr: int) -> bool:
        return any(base <= addr < base + length for base, length in self.regions)

    def read(self, addr: int, size: int) -> bytes:
        try:
            return bytes(self.uc.mem_read(addr, size))
        except UcError:
            raise GuestFault(f"guest memory 0x{addr:x} (+{size}) is not mapped") from None

    def write(self, addr: int, data: bytes) -> None:
        try:
            self.uc.mem_write(addr, bytes(data))
        except UcError:
            raise GuestFault(f"guest memory 0x{addr:x} (+{len(data)}) is not mapped") from None

    def read_u64(self, addr: int) -> int:
        return struct.unpack("<Q", self.read(addr, 8))[0]

    def alloc(self, size: int, align: int = 16) -> int:
        """Guest memory for API users (zeroed); returns its address."""
        addr = (self.heap_next + align - 1) & ~(align - 1)
        if addr + size > API_HEAP + API_HEAP_SIZE:
            raise GuestError(f"API heap exhausted allocating {size} bytes")
        self.map(addr, max(size, 1))
        self.heap_next = addr + size
        return addr

    def _map_image(self) -> None:
        for seg in self.image.segments:
            self.map(seg.vaddr, seg.memsz, seg.executable)
            self.write(seg.vaddr, seg.data)
        self.map(layout.STACK_TOP - layout.STACK_SIZE, layout.STACK_SIZE)

    # --- process start-up -------------------------------------------------------------------

    def _initial_stack(self) -> int:
        """Linux process stack: argc, argv[], NULL, envp[] (empty), NULL, auxv (AT_NULL)."""
        word = self.abi.word
        strings, pointers = b"", []
        base = layout.STACK_TOP - 0x1000
        for arg in self.argv:
            pointers.append(base + len(strings))
            strings += arg.encode() + b"\0"
        self.write(base, strings)
        fmt = "<Q" if word == 8 else "<I"
        table = [len(self.argv), *pointers, 0, 0, 0, 0]
        sp = (base - len(table) * word - 64) & ~0xF
        self.write(sp, b"".join(struct.pack(fmt, v) for v in table))
        return sp

    def seconds(self) -> float:
        return self.stats.cycles / (self.mhz * 1e6)

    # --- running ----------------------------------------------------------------------------

    def run(self) -> RunResult:
        """Run the program from its entry point to exit."""
        if self.image.relocatable:
            raise GuestError(f"{self.image.path} is a relocatable object with no entry point: "
                             f"load it and call its functions (emulator.api)")
        sp = self._initial_stack()
        self._start_process(sp)
        exit_code = self.run_until(self.image.entry, 0)
        return RunResult(exit_code, self._captured(self.process.stdout, self._capture_out),
                         self._captured(self.process.stderr, self._capture_err), self.stats)

    @staticmethod
    def _captured(stream, captured: bool) -> bytes:
        return stream.getvalue() if captured else b""

    def _start_process(self, sp: int) -> None:
        raise NotImplementedError

    def run_until(self, entry: int, until: int) -> int:
        started = time.perf_counter()
        translating = self.stats.translate_seconds
        try:
            self._execute(entry, until)
            return 0
        except ProgramExit as done:
            return done.code
        finally:
            if self.watchdog is not None:
                self.watchdog.stop()
            self.stats.run_seconds += (time.perf_counter() - started
                                       - (self.stats.translate_seconds - translating))
            self.stats.seconds_modeled = self.seconds()
            self.stats.syscalls = self.process.calls

    def call(self, function: str | int, *args: int) -> int:
        """Call a guest function (symbol or address) with up to eight integer/pointer
        arguments and return its x0 (r0 on the M core)."""
        if len(args) > 8:
            raise GuestError("at most eight integer arguments are passed in registers")
        addr = self.image.symbol(function).addr if isinstance(function, str) else function
        for n, value in enumerate(args):
            self.set_reg(n, value)
        self.set_reg(30, layout.RETURN_MAGIC)
        if self.reg(31) == 0:
            self.set_reg(31, layout.STACK_TOP - 0x2000)
        self.run_until(addr, layout.RETURN_MAGIC)
        return self.reg(0)

    def hook(self, addr: int, fn: Callable[[Machine], None]) -> None:
        """Call ``fn(machine)`` whenever the guest is about to execute ``addr``."""
        self.hooks[addr] = fn

    def map_device(self, base: int, size: int, device: Device) -> None:
        """Map ``device`` at [base, base+size): every guest access goes to it and is traced."""
        self.map(base, size)
        self.devices.append((base, size, device))
        self.uc.hook_add(UC_HOOK_MEM_READ | UC_HOOK_MEM_WRITE, self._on_device, (base, device),
                         base, base + size - 1)

    def _on_device(self, uc, access, addr, size, value, user_data) -> None:
        base, device = user_data
        write = access == UC_MEM_WRITE
        if write:
            device.write(addr - base, size, value)
        else:
            value = device.read(addr - base, size)
            uc.mem_write(addr, value.to_bytes(size, "little"))
        record(self.mmio_trace, MmioAccess(self.cycle_now(), self.guest_pc_now(), addr, size,
                                           value, write))

    def guest_pc_now(self) -> int:
        """The guest pc of the instruction being executed (inside a hook)."""
        raise NotImplementedError

    def cycle_now(self) -> int:
        return self.stats.cycles

    def intercept(self, addr: int, fn: Callable[[Machine], None]) -> None:
        """Run ``fn(machine)`` instead of the guest function at ``addr``: arguments are in
        x0..x7, ``fn`` sets x0 if it returns a value, and the guest continues at x30.  The
        address is mapped if needed and holds a ``ret``, so both machines see real code there."""
        self.map(addr, 4, executable=True)
        self.write(addr, struct.pack("<I", RET))
        self.intercepts[addr] = fn

    def describe(self, pc: int) -> str:
        from isa.a64.disasm import disasm_one

        where = self.image.symbol_at(pc)
        try:
            word = struct.unpack("<I", self.read(pc, 4))[0]
            text = disasm_one(word, pc)
        except GuestFault:
            text = "<unmapped>"
        return f"pc 0x{pc:x}" + (f" ({where})" if where else "") + f": {text}"

    def fault_error(self, pc: int, exc: UcError, replay_at: int) -> GuestFault:
        """The error for a fault of the guest instruction at ``pc``.  What it touched is learnt by
        running the faulting host instruction (at ``replay_at``) once more with an invalid-access
        hook: a hook installed for the whole run would send every store down Unicorn's slow
        path (see emulator.layout)."""
        seen: list[tuple[str, str, int, int]] = []

        def record(uc, access, address, size, value, user_data) -> bool:
            seen.append((*_INVALID.get(access, ("access", "invalid")), address, size))
            return False

        handle = self.uc.hook_add(UC_HOOK_MEM_INVALID, record)
        try:
            self.uc.emu_start(replay_at, 0, count=1)
        except UcError:
            pass
        finally:
            self.uc.hook_del(handle)
        if seen:
            access, why, addr, size = seen[0]
            return GuestFault(f"guest fault: {access} of {size} bytes at 0x{addr:x} ({why}) "
                              f"at {self.describe(pc)}")
        return GuestFault(f"guest fault at {self.describe(pc)}: {exc}")
