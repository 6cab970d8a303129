"""Thumb-2 helpers: hand encoders agree with Keystone, instruction sizes, modified immediates."""

import random

import keystone
import pytest

from isa.thumb2.assemble import assemble
from isa.thumb2.disasm import disasm, instruction_offsets
from isa.thumb2.encode import branch_w, divide, is_modified_immediate


@pytest.mark.parametrize("delta", [4, 8, 0x100, 0x12344, -4, -0x1000, -0x0FFFFFC, 0xFFFFFC])
def test_branch_encoder_matches_capstone(delta):
    addr = 0x20010000
    code = branch_w(addr, addr + delta)
    (_, size, text), = disasm(code, addr)
    assert size == 4 and text == f"b.w #{addr + delta:#x}"


def test_divide_encoder_matches_capstone():
    assert disasm(b"".join(h.to_bytes(2, "little") for h in divide(False, 0, 8, 1)), 0)[0][2] \
        == "udiv r0, r8, r1"
    assert disasm(b"".join(h.to_bytes(2, "little") for h in divide(True, 3, 4, 5)), 0)[0][2] \
        == "sdiv r3, r4, r5"


def test_modified_immediates_agree_with_keystone():
    ks = keystone.Ks(keystone.KS_ARCH_ARM, keystone.KS_MODE_THUMB)
    rng = random.Random(3)
    values = [0, 0xFF, 0x00FF00FF, 0xFF00FF00, 0x12121212, 0x80000000, 0x3FC00, 0x101, 0xFFFF]
    values += [rng.getrandbits(rng.choice((8, 12, 32))) for _ in range(200)]
    for value in values:
        try:
            encoded = len(ks.asm(f"and.w r0, r1, #{value:#x}", 0)[0]) == 4
        except keystone.KsError:
            encoded = False
        assert is_modified_immediate(value) == encoded, hex(value)


def test_instruction_offsets_match_capstone():
    code = assemble("adds r0, r0, r1\nadc.w r1, r1, r2\nmov r3, pc\nldrd r0, r1, [r11, #8]\n"
                    "it eq\nmoveq r0, #1\nb.w .L1\n.L1:\nnop", 0)
    assert instruction_offsets(code) == [a for a, _, _ in disasm(code, 0)]


def test_rejected_assembly_names_the_line():
    from isa.errors import AssembleError

    with pytest.raises(AssembleError, match="frobnicate r0"):
        assemble("movw r0, #1\nfrobnicate r0", 0)


def test_frequent_forms_encode_as_keystone_does():
    from isa.thumb2.encode import encode_line

    ks = keystone.Ks(keystone.KS_ARCH_ARM, keystone.KS_MODE_THUMB)
    regs = [f"r{n}" for n in range(13)] + ["lr", "sp"]
    rng = random.Random(7)
    forms = [lambda r: f"{rng.choice(['ldr.w', 'str.w'])} {r()}, [{r()}, #{rng.randrange(5000)}]",
             lambda r: f"{rng.choice(['ldrd', 'strd'])} {r()}, {r()}, [{r()}, "
                       f"#{rng.randrange(1100)}]",
             lambda r: f"{rng.choice(['addw', 'subw'])} {r()}, {r()}, #{rng.randrange(5000)}",
             lambda r: f"{rng.choice(['movw', 'movt'])} {r()}, #{rng.randrange(70000)}"]
    encoded = 0
    for _ in range(2000):
        line = rng.choice(forms)(lambda: rng.choice(regs))
        mine = encode_line(line)
        if mine is not None:
            assert mine == bytes(ks.asm(line, 0, as_bytes=True)[0]), line
            encoded += 1
    assert encoded > 1000
    assert encode_line("rrx r0, r1") is None
    assert encode_line("ldr.w r0, [r1, #-4]") is None
