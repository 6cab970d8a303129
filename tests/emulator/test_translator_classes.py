"""Every instruction class, random operands: translated (M core) and native AArch64 must agree on
all registers, NZCV and the data buffer."""

import random

import pytest
from a64_gen import CLASSES, cas, initial_registers, instruction, lse

from emulator.testing import DATA_BASE, assemble_a64, differential, run_snippet

CASES_PER_CLASS = 40


@pytest.mark.parametrize("cls", sorted(CLASSES))
def test_class_matches_native(cls):
    rng = random.Random(f"class-{cls}")
    for _ in range(CASES_PER_CLASS):
        words = assemble_a64(instruction(rng, cls))
        memory = rng.randbytes(4096)
        differential(words, initial_registers(rng), rng.randrange(16), memory)


@pytest.mark.parametrize("size", [0, 1, 2])
@pytest.mark.parametrize("op", ["ldsmax", "ldsmin"])
def test_subword_signed_minmax_matches_architecture(op, size):
    """Unicorn's reference gets these wrong (it compares unsigned), so check the translation
    against the Arm ARM's definition directly."""
    rng = random.Random(f"{op}{size}")
    bits = 8 << size
    for _ in range(20):
        old, operand = rng.getrandbits(bits), rng.getrandbits(bits)
        regs = initial_registers(rng)
        regs[3] = operand
        memory = bytearray(rng.randbytes(4096))
        memory[0x800:0x800 + (1 << size)] = old.to_bytes(1 << size, "little")
        state = run_snippet([lse(op, size, 3, 4, 20, False, False)], "translate", regs, 0,
                            bytes(memory))

        def signed(v):
            return v - (1 << bits) if v >> (bits - 1) else v

        pick = max if op == "ldsmax" else min
        expected = pick(signed(old), signed(operand)) & ((1 << bits) - 1)
        assert int.from_bytes(state.memory[0x800:0x800 + (1 << size)], "little") == expected
        assert state.regs[4] == old  # the old value, zero-extended


def test_compare_and_swap_both_outcomes():
    for expected_matches in (True, False):
        regs = [0] * 31
        regs[20] = DATA_BASE + 0x800
        regs[5] = 0x1122334455667788 if expected_matches else 7
        regs[6] = 0xCAFEBABEDEADBEEF
        memory = bytearray(4096)
        memory[0x800:0x808] = (0x1122334455667788).to_bytes(8, "little")
        translated, _ = differential([cas(3, 5, 6, 20, True, True)], regs, 0, bytes(memory))
        stored = int.from_bytes(translated.memory[0x800:0x808], "little")
        assert stored == (0xCAFEBABEDEADBEEF if expected_matches else 0x1122334455667788)
        assert translated.regs[5] == 0x1122334455667788


def test_exclusive_pair_succeeds_then_fails():
    words = assemble_a64("ldxr x1, [x20]\nadd x1, x1, #1\nstxr w2, x1, [x20]\n"
                         "stxr w3, x1, [x20]")
    regs = [0] * 31
    regs[20] = DATA_BASE + 0x800
    translated, _ = differential(words, regs)
    assert translated.regs[2] == 0 and translated.regs[3] == 1


def test_flags_survive_64bit_arithmetic_between_compare_and_branch():
    words = assemble_a64("cmp x0, x1\nadd x2, x2, #8\nsub x3, x3, x4, lsl #2\n"
                         "cset w5, lo\ncset w6, eq")
    for a, b in ((1, 2), (2, 1), (5, 5), (2**63, 1)):
        regs = [0] * 31
        regs[0], regs[1], regs[2], regs[3], regs[4] = a, b, 2**64 - 4, 3, 2**62
        translated, _ = differential(words, regs)
        assert translated.regs[5] == (a < b) and translated.regs[6] == (a == b)


@pytest.mark.parametrize("cond", ["eq", "ne", "hs", "lo", "mi", "pl", "vs", "vc", "hi", "ls",
                                  "ge", "lt", "gt", "le"])
@pytest.mark.parametrize("setter", ["cmp x1, x2", "cmp x1, #5", "cmn x1, x2", "tst x1, x2",
                                    "subs x3, x1, x2", "ands x3, x1, x2"])
def test_flags_computed_only_for_their_reader(setter, cond):
    """A 64-bit flag setter whose only reader is one conditional branch (the flags are set again
    before anything else reads them) computes just the flags that condition tests: the branch
    must still go the same way, on operands that differ only in the low, only in the high, or
    only in the sign word."""
    from emulator.testing import CODE_BASE

    skip = CODE_BASE + 4 * 4
    words = assemble_a64("\n".join([setter, f"b.{cond} #{skip:#x}", "mov x0, #1", "mov x0, #2",
                                    "cmp x4, x4"]))
    rng = random.Random(f"{setter}{cond}")
    pairs = [(5, 5), (5, 6), (1 << 32, 0), (0, 1 << 32), (1 << 63, 1), (1, 1 << 63),
             ((1 << 64) - 1, 1), (0x8000_0000_0000_0000, 0x7FFF_FFFF_FFFF_FFFF), (0, 0)]
    for x1, x2 in pairs + [(rng.getrandbits(64), rng.getrandbits(64)) for _ in range(6)]:
        regs = initial_registers(rng)
        regs[0], regs[1], regs[2] = 0, x1, x2
        differential(words, regs, rng.randrange(16))


def test_w_results_evicted_under_pressure_read_back_zero_extended():
    """More live W results than host registers: an evicted W result stores its low word only
    and the block zeroes the high word before it leaves (RegCache.zero_hi).  Every result's
    high word must read back as 0, in a plain block and before a conditional exit."""
    from emulator.api import load
    from emulator.testing import CODE_BASE, snippet_image

    chain = [f"eor w{d}, w{d - 1}, w{d + 10}, lsr #{d}" for d in range(2, 12)]
    uses = [f"add w{d}, w{d}, w{d + 1}" for d in range(2, 11)]
    for tail in ([], ["cbz x2, #8"]):
        words = assemble_a64("\n".join(chain + uses + tail))
        rng = random.Random(len(tail))
        regs = [rng.getrandbits(64) for _ in range(31)]
        translated, _ = differential(words, regs)
        for d in range(2, 12):
            assert translated.regs[d] >> 32 == 0
        block = load(snippet_image(words), "translate").translate_at(CODE_BASE)
        offsets = {8 * d + 4 for d in range(2, 12)}
        assert any(line.startswith("str.w") and int(line.split("#")[1].rstrip("]")) in offsets
                   for line in block.text.splitlines() if "[r11, #" in line), block.text


def test_deferred_high_word_zero_borrows_a_register_when_all_are_pinned():
    from emulator import state
    from emulator.translator.hostcode import HostCode
    from emulator.translator.regcache import ALLOCATABLE, RegCache
    from isa.timing.cores import core

    rc = RegCache(HostCode(core("cortex-m4")), state.reg_offset)
    rc.zero_hi.update({3, 7})
    for _ in ALLOCATABLE:
        rc.temp()  # every register pinned by the current instruction
    rc.flush()
    assert rc.code.lines == ["push {r0}", "movw r0, #0", "str.w r0, [r11, #28]",
                             "str.w r0, [r11, #60]", "pop {r0}"]
    assert not rc.zero_hi


def test_register_moves_hand_over_host_registers():
    """MOV between registers (clean or dirty source, X or W, to and from SP) costs no host
    move: the destination takes the source's host registers (RegCache.take), the source is
    written back and reloaded when read again."""
    from emulator.api import load
    from emulator.testing import CODE_BASE, snippet_image

    text = """mov x5, x3
add x3, x3, #1
mov w6, w3
mov x7, x6
add x6, x6, x7
mov x8, sp
mov x9, x5
add x5, x5, x9"""
    words = assemble_a64(text)
    rng = random.Random("moves")
    for _ in range(10):
        differential(words, initial_registers(rng))
    block = load(snippet_image(words), "translate").translate_at(CODE_BASE)
    moves = [line for line in block.text.splitlines() if line.split()[0] in ("mov", "mov.w")
             and not line.endswith("pc")]
    assert not moves, block.text


def test_adding_a_scaled_w_value_uses_shifted_operands():
    """A W value (high word known 0) shifted left into a 64-bit add/sub/compare is used as the
    shifted-register operands ``lo, lsl #n`` / ``lo, lsr #32-n``: exact results and flags."""
    from emulator.api import load
    from emulator.testing import CODE_BASE, snippet_image

    text = """add w11, w3, w4
add x10, x10, x11, lsl #2
sub x12, x5, x11, lsl #31
adds x13, x6, x11, lsl #1
cset w16, hs
cmp x7, x11, lsl #3
cset w14, eq
subs x15, x8, x11, lsl #17
cset w17, lt"""
    words = assemble_a64(text)
    rng = random.Random("scaled")
    for k in range(30):
        regs = initial_registers(rng)
        if k % 3 == 0:  # make the compare equal sometimes
            regs[7] = (((regs[3] + regs[4]) & 0xFFFFFFFF) << 3) & ((1 << 64) - 1)
        differential(words, regs, rng.randrange(16))
    block = load(snippet_image(words), "translate").translate_at(CODE_BASE)
    assert "lsr #30" in block.text and "lsr #15" in block.text, block.text


@pytest.mark.parametrize("access", ["str x0, [x1], #8", "ldr x0, [x1, #8]!",
                                    "strb w0, [x1], #-3", "ldp x0, x3, [x1, #16]!"])
def test_writeback_to_a_constant_base_ends_its_constant_folding(access):
    """A register the block knows as a constant, then moved by a pre/post-indexed access (in
    place, on its low word), is no longer that constant for the instructions after it."""
    words = assemble_a64(f"""movz x1, #{DATA_BASE >> 16}, lsl #16
movk x1, #0x100
{access}
add x2, x1, #4
mov x4, x1""")
    differential(words, [7] * 31)

