"""The A64 decoder against Capstone (what instruction it is) and the Arm ARM (field values)."""

import random

import pytest

from emulator.testing import assemble_a64
from isa.a64.decode import decode
from isa.a64.fields import cond_holds, decode_bit_masks, sext
from isa.a64.insn import SP, ZR

CASES = [
    ("add x1, sp, #16", "addsub_imm", dict(op="add", rd=1, rn=SP, imm=16, sf=True)),
    ("adds w3, w4, #1, lsl #12", "addsub_imm", dict(setflags=True, imm=4096, sf=False)),
    ("cmp x5, x6, lsl #3", "addsub_reg", dict(op="sub", rd=ZR, setflags=True, amount=3)),
    ("and x0, x1, #0xff00ff00ff00ff00", "logic_imm", dict(imm=0xFF00FF00FF00FF00)),
    ("movk x2, #0xbeef, lsl #48", "movewide", dict(op="movk", imm=0xBEEF, amount=48)),
    ("ubfx x0, x1, #8, #16", "bitfield", dict(op="ubfm", imm=8, imm2=23)),
    ("csinc w0, w1, w2, lt", "condsel", dict(op="csinc", cond=11)),
    ("ccmp x1, #5, #2, ne", "condcmp", dict(op="ccmp_imm", imm=5, imm2=2, cond=1)),
    ("ldr x0, [x1, w2, sxtw #3]", "ldst_reg", dict(op="ld", size=3, amount=3, shift=6)),
    ("ldrsh w0, [x1, #-2]!", "ldst_imm", dict(signed=True, sf=False, writeback=True, imm=-2)),
    ("ldp x29, x30, [sp], #16", "ldstpair", dict(op="ldp", postindex=True, imm=16, rn=SP)),
    ("ldpsw x0, x1, [x2, #8]", "ldstpair", dict(op="ldpsw", imm=8, signed=True)),
    ("stlxr w2, x0, [x1]", "exclusive", dict(op="stxr", release=True, rm=2)),
    ("tbnz w3, #5, #0x40", "tbz", dict(op="tbnz", imm2=5)),
    ("mrs x0, nzcv", "sysreg", dict(op="mrs")),
    ("umulh x0, x1, x2", "dp3", dict(op="umulh")),
    ("rev32 x0, x1", "dp1", dict(op="rev32")),
    ("ret", "branch_reg", dict(op="ret", rn=30)),
]


@pytest.mark.parametrize("text,kind,fields", CASES, ids=[c[0] for c in CASES])
def test_known_encodings(text, kind, fields):
    (word,) = assemble_a64(text)
    insn = decode(word, 0x400000)
    assert insn is not None and insn.kind == kind
    for name, value in fields.items():
        assert getattr(insn, name) == value, name


@pytest.mark.parametrize("text", ["fmov d0, x1", "add v0.4s, v1.4s, v2.4s", "ldr q0, [x1]",
                                  "fadd s0, s1, s2", "hvc #0" if False else "fcvtzs x0, d1"])
def test_simd_and_fp_are_not_decoded(text):
    (word,) = assemble_a64(text)
    assert decode(word, 0) is None


def test_bitmask_immediates_match_replication():
    # N=1, imms=0b000111 (8 ones), immr=0 -> 0xff in a 64-bit element
    assert decode_bit_masks(1, 0b000111, 0, 64)[0] == 0xFF
    # N=0, imms=0b111100 (2-bit elements, 1 one) -> 0x5555...
    assert decode_bit_masks(0, 0b111100, 0, 64)[0] == 0x5555555555555555
    assert decode_bit_masks(1, 0b111111, 0, 64) is None  # all ones: reserved


def test_condition_table():
    # EQ holds with Z; GE when N == V; HI when C and not Z; AL always
    assert cond_holds(0, 0b0100) and not cond_holds(0, 0)
    assert cond_holds(10, 0b1001) and not cond_holds(10, 0b1000)
    assert cond_holds(8, 0b0010) and not cond_holds(8, 0b0110)
    assert all(cond_holds(14, f) for f in range(16))


def test_sext():
    assert sext(0x1FF, 9) == -1 and sext(0xFF, 9) == 255


def test_random_words_never_crash():
    rng = random.Random(7)
    for _ in range(20000):
        decode(rng.getrandbits(32), 4 * rng.getrandbits(20))
