"""Linux system calls for static guest programs, written once for every machine.

The calling convention is data (:class:`SyscallABI`): the number register, the argument
registers and the return register; handlers are plain methods named after the call.
"""

from __future__ import annotations

import errno
import struct
import sys
from dataclasses import dataclass
from typing import Protocol

from emulator import layout

PROT_EXEC = 0x4  # mmap's prot bit for executable memory (uapi asm-generic/mman-common.h)
ENOSYS, ENOTTY, EINVAL, ENOMEM, EBADF, EFAULT = (errno.ENOSYS, errno.ENOTTY, errno.EINVAL,
                                                errno.ENOMEM, errno.EBADF, errno.EFAULT)


@dataclass(frozen=True)
class SyscallABI:
    name: str
    number_reg: int
    arg_regs: tuple[int, ...]
    numbers: dict  # syscall number -> name
    word: int  # bytes in a C long / pointer


# include/uapi/asm-generic/unistd.h (arm64)
AARCH64 = SyscallABI("aarch64", 8, (0, 1, 2, 3, 4, 5), {
    29: "ioctl", 63: "read", 64: "write", 66: "writev", 93: "exit", 94: "exit_group",
    96: "set_tid_address", 113: "clock_gettime", 160: "uname", 172: "getpid", 178: "gettid",
    214: "brk", 215: "munmap", 222: "mmap"}, 8)
# arch/arm/tools/syscall.tbl (EABI)
ARM = SyscallABI("arm", 7, (0, 1, 2, 3, 4, 5), {
    1: "exit", 3: "read", 4: "write", 20: "getpid", 45: "brk", 54: "ioctl", 91: "munmap",
    122: "uname", 146: "writev", 192: "mmap", 224: "gettid", 248: "exit_group",
    256: "set_tid_address", 263: "clock_gettime"}, 4)

UNAME = ("Linux", "hwemu", "6.1.0-hwemu", "#1 SMP hwemu", "aarch64", "(none)")


class GuestCPU(Protocol):
    """What a machine offers the syscall layer."""

    def reg(self, n: int) -> int: ...
    def set_reg(self, n: int, value: int) -> None: ...
    def read(self, addr: int, size: int) -> bytes: ...
    def write(self, addr: int, data: bytes) -> None: ...
    def map(self, addr: int, size: int) -> None: ...
    def seconds(self) -> float: ...


class ProgramExit(Exception):
    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


class LinuxProcess:
    """Per-process kernel state (brk, mmap area, stdio) and the system-call handlers."""

    def __init__(self, abi: SyscallABI, brk: int, stdin: bytes | None, stdout, stderr) -> None:
        self.abi = abi
        self.brk_start = self.brk = layout.page_align(brk)
        self.mapped_brk = self.brk
        self.mmap_next = layout.MMAP_BASE
        self.stdin = stdin
        self.stdout, self.stderr = stdout, stderr
        self.reported: set[int] = set()
        self.calls = 0

    def handle(self, cpu: GuestCPU) -> None:
        """Perform the system call whose number and arguments are in ``cpu``'s registers."""
        self.calls += 1
        number = cpu.reg(self.abi.number_reg)
        args = [cpu.reg(r) for r in self.abi.arg_regs]
        name = self.abi.numbers.get(number)
        if name is None:
            if number not in self.reported:
                self.reported.add(number)
                print(f"hwemu: syscall {number} not emulated, returning -ENOSYS",
                      file=sys.stderr)
            result = -ENOSYS
        else:
            result = getattr(self, "sys_" + name)(cpu, *args)
        mask = (1 << (8 * self.abi.word)) - 1
        cpu.set_reg(0, result & mask)

    # --- handlers ---------------------------------------------------------------------------

    def _stream(self, fd: int):
        return {1: self.stdout, 2: self.stderr}.get(fd)

    def sys_write(self, cpu, fd, buf, count, *_):
        stream = self._stream(fd)
        if stream is None:
            return -EBADF
        data = cpu.read(buf, count) if count else b""
        stream.write(data)
        if hasattr(stream, "flush") and fd == 2:
            stream.flush()
        return count

    def sys_writev(self, cpu, fd, iov, count, *_):
        total = 0
        word = self.abi.word
        fmt = "<QQ" if word == 8 else "<II"
        for k in range(count):
            base, length = struct.unpack(fmt, cpu.read(iov + 2 * word * k, 2 * word))
            written = self.sys_write(cpu, fd, base, length)
            if written < 0:
                return written
            total += written
        return total

    def sys_read(self, cpu, fd, buf, count, *_):
        if fd != 0:
            return -EBADF
        if self.stdin is None:
            data = sys.stdin.buffer.read1(count) if count else b""
        else:
            data, self.stdin = self.stdin[:count], self.stdin[count:]
        cpu.write(buf, data)
        return len(data)

    def sys_exit(self, cpu, code, *_):
        raise ProgramExit(code & 0xFF)

    sys_exit_group = sys_exit

    def sys_brk(self, cpu, addr, *_):
        if addr == 0 or addr < self.brk_start:
            return self.brk
        if addr > layout.HEAP_LIMIT:
            return self.brk
        top = layout.page_align(addr)
        if top > self.mapped_brk:
            cpu.map(self.mapped_brk, top - self.mapped_brk)
            self.mapped_brk = top
        self.brk = addr
        return self.brk

    def sys_mmap(self, cpu, addr, length, prot, flags, fd, offset):
        if not flags & 0x20 or length == 0:  # only MAP_ANONYMOUS
            return -EINVAL
        size = layout.page_align(length)
        if self.mmap_next + size > layout.MMAP_LIMIT:
            return -ENOMEM
        start = self.mmap_next
        cpu.map(start, size, executable=bool(prot & PROT_EXEC))
        self.mmap_next += size
        return start

    def sys_munmap(self, cpu, addr, length, *_):
        return 0

    def sys_clock_gettime(self, cpu, clock, tp, *_):
        seconds = cpu.seconds()
        sec, nsec = int(seconds), int((seconds % 1) * 1e9)
        fmt = "<qq" if self.abi.word == 8 else "<ii"
        cpu.write(tp, struct.pack(fmt, sec, nsec))
        return 0

    def sys_uname(self, cpu, buf, *_):
        fields = UNAME[:4] + (("aarch64" if self.abi.word == 8 else "armv7m"), UNAME[5])
        cpu.write(buf, b"".join(f.encode().ljust(65, b"\0") for f in fields))
        return 0

    def sys_getpid(self, cpu, *_):
        return 1000

    sys_gettid = sys_getpid
    sys_set_tid_address = sys_getpid

    def sys_ioctl(self, cpu, *_):
        return -ENOTTY
