"""The runtime's routines on a bare M core.

64-bit division: quotients exact for edge and random operands, both entry points, and the
host-instruction count it adds to r10 equal to the instructions it executed (an IT block's
members count whether or not their condition passes, as the translator counts them; Unicorn's
code hook skips the failing ones).  Jump-cache lookup: hits and misses, the guest flags
untouched, the hit path as long as the translator charges."""

import random
import struct

import pytest
from unicorn import UC_ARCH_ARM, UC_HOOK_CODE, UC_MODE_MCLASS, UC_MODE_THUMB, Uc
from unicorn import arm_const as A

from emulator import layout, state
from emulator.runtime import build_runtime
from isa.thumb2.disasm import disasm
from isa.timing.cores import core

MASK = (1 << 64) - 1
STOP = layout.HOST_BASE + 0x100  # where the routine "returns" (r9 = STOP - 2, see the routine)
EDGES = (0, 1, 2, 7, 10, 0xFFFF, 0x10000, 0xFFFFFFFF, 1 << 32, (1 << 32) + 1, 1 << 63,
         (1 << 63) - 1, MASK, MASK - 1, 0x123456789ABCDEF0)


def _signed(value):
    return value - (1 << 64) if value >> 63 else value


def _expected(op, n, m):
    if m == 0:
        return 0
    if op == "udiv":
        return n // m
    a, b = _signed(n), _signed(m)
    q = abs(a) // abs(b)
    return (-q if (a < 0) != (b < 0) else q) & MASK


@pytest.fixture(scope="module")
def machine():
    runtime = build_runtime(core("cortex-m4"))
    uc = Uc(UC_ARCH_ARM, UC_MODE_THUMB | UC_MODE_MCLASS)
    uc.mem_map(layout.HOST_BASE, layout.HOST_SIZE)
    uc.mem_map(layout.HOST_DATA, layout.HOST_DATA_SIZE)
    uc.mem_write(layout.RUNTIME, runtime.code)
    executed = [0]
    weight = {}  # address -> instructions it stands for: an IT counts its members
    members = 0
    for address, _, text in disasm(runtime.code, layout.RUNTIME):
        weight[address] = 0 if members else 1
        members = max(members - 1, 0)
        mnemonic = text.split()[0]
        if mnemonic.startswith("it"):
            members = len(mnemonic) - 1
            weight[address] += members

    def count(uc, address, size, data):
        executed[0] += weight[address]

    uc.hook_add(UC_HOOK_CODE, count, begin=layout.RUNTIME, end=layout.CODE_CACHE)
    return uc, runtime, executed


def _divide(machine, op, n, m):
    uc, runtime, executed = machine
    addrs = runtime.addrs
    for reg, value in zip((A.UC_ARM_REG_R0, A.UC_ARM_REG_R1, A.UC_ARM_REG_R2, A.UC_ARM_REG_R3),
                          (n & 0xFFFFFFFF, n >> 32, m & 0xFFFFFFFF, m >> 32)):
        uc.reg_write(reg, value)
    uc.reg_write(A.UC_ARM_REG_R9, STOP - 2)
    uc.reg_write(A.UC_ARM_REG_R10, 0)
    executed[0] = 0
    entry = addrs.udiv64 if op == "udiv" else addrs.sdiv64
    uc.emu_start(entry | 1, STOP)
    quotient = uc.reg_read(A.UC_ARM_REG_R0) | uc.reg_read(A.UC_ARM_REG_R1) << 32
    return quotient, uc.reg_read(A.UC_ARM_REG_R10), executed[0]


@pytest.mark.parametrize("op", ["udiv", "sdiv"])
def test_division_routine_is_exact_and_counts_itself(machine, op):
    rng = random.Random(op)
    pairs = [(n, m) for n in EDGES for m in EDGES]
    pairs += [(rng.getrandbits(64), rng.getrandbits(rng.choice((8, 16, 17, 33, 48, 64))))
              for _ in range(300)]
    pairs += [(n, (-m) & MASK) for n, m in pairs[:80]]  # negative divisors for sdiv
    for n, m in pairs:
        quotient, counted, executed = _divide(machine, op, n, m)
        assert quotient == _expected(op, n, m), (op, hex(n), hex(m))
        assert counted == executed, (op, hex(n), hex(m))


def test_state_block_ends_before_the_jump_cache():
    assert state.SIZE <= layout.JT_OFFSET and layout.JT_OFFSET + 4 < 4096  # ldr.w imm12 reach
    assert layout.JUMP_TABLE + (8 << layout.JT_BITS) <= layout.HOST_DATA + layout.HOST_DATA_SIZE


@pytest.mark.parametrize("nzcv", range(16))
def test_jump_cache_lookup_hits_misses_and_keeps_the_flags(machine, nzcv):
    uc, runtime, executed = machine
    guest, host = 0xA0012344, layout.HOST_BASE + 0x200  # host: where the "block" starts
    uc.mem_write(layout.jump_slot(guest), struct.pack("<II", guest, host | 1))
    uc.reg_write(A.UC_ARM_REG_R11, layout.ENV)
    for target, ends_at in ((guest, host), (guest + 4 * (1 << layout.JT_BITS), None),
                            (guest | 1 << 32, None)):  # a hit, a tag miss, outside the window
        uc.reg_write(A.UC_ARM_REG_R0, target & 0xFFFFFFFF)
        uc.reg_write(A.UC_ARM_REG_R1, target >> 32)
        uc.reg_write(A.UC_ARM_REG_APSR_NZCV, nzcv << 28)
        executed[0] = 0
        stop = ends_at or runtime.addrs.exit
        uc.emu_start(runtime.addrs.indirect | 1, stop)
        assert uc.reg_read(A.UC_ARM_REG_PC) == stop
        assert uc.reg_read(A.UC_ARM_REG_APSR) >> 28 == nzcv
        if ends_at:
            assert executed[0] == runtime.addrs.indirect_insns
        else:
            assert uc.reg_read(A.UC_ARM_REG_R3) == runtime.miss_token

