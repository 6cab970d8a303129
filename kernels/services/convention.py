"""How emulated kernel services see a call: the AArch64 procedure call standard (AAPCS64) as
data, variadic arguments (registers, then the caller's stack) and ``va_list`` objects."""

from __future__ import annotations

import struct
from dataclasses import dataclass


@dataclass(frozen=True)
class CallingConvention:
    """Register numbers of the arguments, the result and the stack pointer at entry."""

    args: tuple[int, ...]
    ret: int
    sp: int
    link: int
    word: int  # bytes per stacked argument slot


# AAPCS64 (Arm IHI 0055): x0-x7 carry integer/pointer arguments, x0 the result; further
# arguments, and variadic ones beyond x7, are in 8-byte slots from the caller's sp upwards.
AAPCS64 = CallingConvention(args=tuple(range(8)), ret=0, sp=31, link=30, word=8)
SCRATCH = 16  # x16 (IP0): free for veneers between a call and its callee (AAPCS64 6.1.1)
BLR_X16 = 0xD63F0200


@dataclass(frozen=True)
class GuestCall:
    """Yielded by a generator handler to call guest function ``addr`` with ``args``; the
    generator receives the callee's x0 and the service resumes."""

    addr: int
    args: tuple[int, ...] = ()


class VarArgs:
    """The integer arguments after a service's fixed ones, in order: remaining argument
    registers, then the stacked slots."""

    def __init__(self, machine, fixed: int, convention: CallingConvention = AAPCS64):
        self.machine, self.convention = machine, convention
        self.next_reg = fixed
        self.stack = machine.reg(convention.sp)

    def next(self) -> int:
        if self.next_reg < len(self.convention.args):
            value = self.machine.reg(self.convention.args[self.next_reg])
            self.next_reg += 1
            return value
        value = struct.unpack("<Q", self.machine.read(self.stack, 8))[0]
        self.stack += self.convention.word
        return value


class VaList:
    """An AAPCS64 ``va_list`` in guest memory: {void *__stack; void *__gr_top; void *__vr_top;
    int __gr_offs; int __vr_offs} (AAPCS64 appendix B); integer arguments only."""

    LAYOUT = struct.Struct("<QQQii")

    def __init__(self, machine, addr: int):
        self.machine = machine
        self.stack, self.gr_top, _, self.gr_offs, _ = self.LAYOUT.unpack(
            machine.read(addr, self.LAYOUT.size))

    def next(self) -> int:
        if self.gr_offs < 0:
            addr = self.gr_top + self.gr_offs
            self.gr_offs += 8
        else:
            addr = self.stack
            self.stack += 8
        return struct.unpack("<Q", self.machine.read(addr & (2**64 - 1), 8))[0]
