"""The typed A64 instruction record produced by :mod:`isa.a64.decode`."""

from __future__ import annotations

from typing import NamedTuple

SP = 31  # register number 31 read as the stack pointer
ZR = 32  # register number 31 read as the zero register

# Shift types of shifted-register operands (encoding order).
LSL, LSR, ASR, ROR = range(4)
# Extend types of extended-register operands (encoding order).
UXTB, UXTH, UXTW, UXTX, SXTB, SXTH, SXTW, SXTX = range(8)


class A64Insn(NamedTuple):
    """One decoded A64 instruction (immutable: the decoder memoizes them; a named tuple because
    it is built five times faster than a frozen dataclass, and translation builds many).

    ``kind`` names the instruction class (one translator module each); ``op`` the operation inside
    it.  Register fields use :data:`SP`/:data:`ZR` for number 31 as the encoding defines it.
    """

    addr: int
    word: int
    kind: str
    op: str
    sf: bool = True  # 64-bit operation (X registers)
    setflags: bool = False
    rd: int = ZR
    rn: int = ZR
    rm: int = ZR
    ra: int = ZR
    rt2: int = ZR
    imm: int = 0
    imm2: int = 0
    shift: int = 0  # shift type (LSL/LSR/ASR/ROR) or extend type (UXTB..SXTX)
    amount: int = 0  # shift amount
    cond: int = 14
    size: int = 3  # log2 of the access size in bytes
    signed: bool = False
    writeback: bool = False
    postindex: bool = False
    acquire: bool = False
    release: bool = False

    @property
    def next_addr(self) -> int:
        return self.addr + 4
