"""The hand encoders (isa.thumb2.encode_line / encode_it_group) give Keystone's bytes for every
form they take -- random registers, immediates over their range and edges, with and without
.w and flags, inside and outside IT blocks -- and None for forms they leave to Keystone."""

import random

import keystone
import pytest

from isa.thumb2.disasm import instruction_offsets
from isa.thumb2.encode import CONDITIONS, encode_it_group, encode_line, encode_parsed
from isa.thumb2.encode_operands import parse_operands

KS = keystone.Ks(keystone.KS_ARCH_ARM, keystone.KS_MODE_THUMB)
REGS = [f"r{n}" for n in range(13)] + ["lr"]
LOW = [f"r{n}" for n in range(8)]
ALU = ["and", "bic", "orr", "orn", "eor", "add", "adc", "sbc", "sub", "rsb"]
SHIFTS = ["lsl", "lsr", "asr", "ror"]
COMPARES = ["cmp", "cmn", "tst", "teq"]
ONE_REGISTER = ["clz", "uxtb", "uxth", "sxtb", "sxth"]
LOADS_STORES = ["ldr", "str", "ldrb", "strb", "ldrh", "strh", "ldrsb", "ldrsh"]
EDGES = [0, 1, 7, 8, 255, 256, 4095, 4096, 65535, 65536, 0xFF00FF, 0xFF00FF00, 0x12121212,
         0xFFFFFFFF, 0x80000000, 0x1FE, 0xFF000000, 0x3FC00]


def _keystone(text: str) -> bytes | None:
    try:
        return bytes(KS.asm(text, 0, as_bytes=True)[0] or b"")
    except keystone.KsError:
        return None


class Operands:
    """Random operands: low registers half the time (so 16-bit forms come up), immediates of
    every magnitude, decimal or hex."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)

    def reg(self) -> str:
        return self.rng.choice(LOW if self.rng.random() < 0.5 else REGS)

    def regs(self, count: int) -> str:
        return ", ".join(self.reg() for _ in range(count))

    def imm(self) -> str:
        rng = self.rng
        value = rng.choice([rng.randrange(300), rng.randrange(1 << 32), rng.choice(EDGES),
                            rng.randrange(256) << rng.randrange(25), rng.randrange(1 << 16)])
        return f"#{value:#x}" if rng.random() < 0.5 else f"#{value}"

    def shift(self) -> str:
        return f"{self.rng.choice(SHIFTS)} #{self.rng.randrange(1, 32)}"

    def pick(self, *options: str) -> str:
        return self.rng.choice(options)

    def suffix(self, names: list[str], flags: bool = True) -> str:
        """A mnemonic of ``names``, maybe with s, maybe with .w (written "{}" for the place of
        an IT condition)."""
        s = self.pick("", "s") if flags else ""
        return self.rng.choice(names) + s + "{}" + self.pick("", ".w")


def _tied(o: Operands, mnemonic: str, rd_is_rm: bool = False) -> str:
    """``mnemonic`` Rd, Rd, Rm (or Rd, Rn, Rd): the operands of the 16-bit "Rdn" forms."""
    rd, other = o.reg(), o.reg()
    return f"{mnemonic} {rd}, {other}, {rd}" if rd_is_rm else f"{mnemonic} {rd}, {rd}, {other}"


FAMILIES = {  # name -> line template maker ("{}" where an IT member's condition goes)
    "alu imm": lambda o: f"{o.suffix(ALU)} {o.regs(2)}, {o.imm()}",
    "alu reg": lambda o: f"{o.suffix(ALU)} {o.regs(3)}",
    "alu rd=rn": lambda o: _tied(o, o.suffix(ALU)),
    "alu rd=rm": lambda o: _tied(o, o.suffix(ALU), rd_is_rm=True),
    "alu shifted": lambda o: f"{o.suffix(ALU)} {o.regs(3)}, {o.shift()}",
    "mov imm": lambda o: f"{o.suffix(['mov', 'mvn'])} {o.reg()}, {o.imm()}",
    "mov reg": lambda o: f"{o.suffix(['mov', 'mvn'])} {o.regs(2)}",
    "mvn shifted": lambda o: f"mvn{o.pick('', 's')}{{}}.w {o.regs(2)}, {o.shift()}",
    "compare imm": lambda o: f"{o.suffix(COMPARES, False)} {o.reg()}, {o.imm()}",
    "compare reg": lambda o: f"{o.suffix(COMPARES, False)} {o.regs(2)}"
                             f"{o.pick('', ', ' + o.shift())}",
    "shift imm": lambda o: f"{o.suffix(SHIFTS)} {o.regs(2)}, #{o.rng.randrange(1, 32)}",
    "shift reg": lambda o: f"{o.suffix(SHIFTS)} {o.regs(3)}",
    "shift rd=rn": lambda o: _tied(o, o.suffix(SHIFTS)),
    "bitfield": lambda o: f"{o.pick('ubfx', 'sbfx', 'bfi')}{{}} {o.regs(2)}, "
                          f"#{o.rng.randrange(32)}, #{o.rng.randrange(1, 33)}",
    "clz/extend": lambda o: f"{o.suffix(ONE_REGISTER, False)} {o.regs(2)}",
    "addw/subw": lambda o: f"{o.pick('addw', 'subw')}{{}} {o.regs(2)}, #{o.rng.randrange(4096)}",
    "movw/movt": lambda o: f"{o.pick('movw', 'movt')}{{}} {o.reg()}, #{o.rng.randrange(65536)}",
    "mrs/msr": lambda o: o.pick(f"mrs{{}} {o.reg()}, apsr", f"msr{{}} apsr_nzcvq, {o.reg()}"),
    "load/store imm": lambda o: f"{o.suffix(LOADS_STORES, False)} {o.reg()}, [{o.reg()}, "
                                f"#{o.pick(o.rng.randrange(-255, 128), o.rng.randrange(4096))}]",
    "load/store plain": lambda o: f"{o.suffix(LOADS_STORES, False)} {o.reg()}, [{o.reg()}]",
    "load/store reg": lambda o: f"{o.suffix(LOADS_STORES, False)} {o.reg()}, [{o.reg()}, "
                                f"{o.reg()}{o.pick('', f', lsl #{o.rng.randrange(1, 4)}')}]",
    "ldrd/strd": lambda o: f"{o.pick('ldrd', 'strd')}{{}} {o.regs(2)}, [{o.reg()}"
                           f"{o.pick('', f', #{4 * o.rng.randrange(256)}')}]",
    "mul": lambda o: f"mul{o.pick('', 's')}{{}} {o.regs(3)}",
    "mul rd=rm": lambda o: _tied(o, f"mul{o.pick('', 's')}{{}}", rd_is_rm=True),
    "multiply 4": lambda o: f"{o.pick('mla', 'mls', 'smull', 'umull', 'smlal', 'umlal')}{{}} "
                            f"{o.regs(4)}",
}


@pytest.mark.parametrize("in_it", [False, True], ids=["plain", "in-it"])
@pytest.mark.parametrize("family", FAMILIES)
def test_family_matches_keystone(family, in_it):
    o = Operands(sum(map(ord, family)) * 2 + in_it)
    encoded = 0
    for _ in range(300):
        template = FAMILIES[family](o)
        if in_it:
            cond = o.rng.choice(list(CONDITIONS))
            unit = f"it {cond}\n" + template.format(cond)
            mine = encode_it_group(unit)
            mine = mine and mine[0]
        else:
            unit = template.format("")
            mine = encode_line(unit)
        if mine is not None:
            assert mine == _keystone(unit), unit
            encoded += 1
    assert encoded >= 100, f"only {encoded} of 300 {family} lines encoded"


def test_other_lines_match_keystone():
    for line in ["nop", "b.w .", ".hword 0xfbb8, 0xf0f1", ".hword 0xfbb0, 0xf6f4",
                 "mov r3, pc", "mov lr, pc", "mov.w r0, #0xcccccccc", "mov r0, #0x1234"]:
        assert encode_line(line) == _keystone(line), line


def test_it_groups_match_keystone():
    o = Operands(11)
    members = [FAMILIES[name] for name in ("mov reg", "mov imm", "compare reg", "compare imm",
                                           "alu reg", "load/store imm", "shift imm")]
    encoded = 0
    for _ in range(400):
        cond = o.rng.choice(list(CONDITIONS))
        pattern = "".join(o.rng.choice("te") for _ in range(o.rng.randrange(4)))
        inverse = next(name for name, code in CONDITIONS.items() if code == CONDITIONS[cond] ^ 1)
        lines = [f"it{pattern} {cond}"] + [
            o.rng.choice(members)(o).format(cond if then == "t" else inverse)
            for then in "t" + pattern]
        unit = "\n".join(lines)
        mine = encode_it_group(unit)
        if mine is not None:
            reference = _keystone(unit)
            assert mine == (reference, tuple(instruction_offsets(reference))), unit
            encoded += 1
    assert encoded >= 200


@pytest.mark.parametrize("line", [
    "rrx r0, r1", "ldr r0, [r1, #4]!", "ldr r0, [r1], #4", "add r0, sp, #4", "ldr r0, [sp, #4]",
    "mov pc, r0", "add r0, r1, r2, rrx", "lsl.w r0, r1, #0", "lsr.w r0, r1, #32",
    "ror.w r0, r1, #0", "orr.w r0, r1, r2, lsl #0", "ldr r0, [r1, r2, lsl #4]",
    "ldr r0, [r1, #-0]", "ldr r0, [r1, #4096]", "ldr r0, [r1, #-256]", "ldr.w r0, [r1, #-4]",
    "adds r0, r1, #-4", "mov r0, #-256", "cmp r0, #-1", "and r0, r1, #0x101",
    "str r0, [r1, #010]", "ubfx r0, r1, #31, #2", "umull r0, r0, r1, r2", "mul.w r0, r1, r2",
    "orn.w r0, r1, r2", "adc.w r0, r1, #1", "mov.w r0, r1, lsl #2", "clz.w r0, r1",
    "muls r0, r1, r2", "add r0,r1,r2", "adds r0, r1, r2, lsl #1 ", ".hword 0x10000", "it eq",
    "ite eq\nmoveq r0, r1\nmoveq r0, r2", "itt eq\nmoveq r0, r1", "it al\nmoval r0, r1",
    "ite eq\nmoveq r0, r1\nrrxne r0, r1", "itttt eq\nmoveq r0, r1\nmoveq r0, r1\nmoveq r0, r1"
    "\nmoveq r0, r1\nmoveq r0, r1", "ix eq\nmoveq r0, r1",
])
def test_unhandled_forms_are_left_to_keystone(line):
    encode = encode_it_group if "\n" in line else encode_line
    assert encode(line) is None


def test_cold_blocks_of_translator_lines_need_no_keystone(monkeypatch):
    from isa.thumb2 import lines

    block = ["ldr r5, [r2, #-20]", "mla r3, r7, r5, r9", "adds r4, r3, #0xa0", "cmp.w r0, #0x2d",
             "ite gt", "movgt r1, r2", "movle r1, r3", "umlal r1, r2, r4, r9", ".L1:",
             "ittee eq", "moveq.w r6, #0", "cmpeq r1, #7", "movne r0, r4", "movne r5, r6",
             "ldrh.w r8, [r4, r7, lsl #1]", "mrs r4, apsr", "bne .L1", "b.w ."]
    reference = lines.assemble("\n".join(block), 0)
    lines.forget()

    def keystone_called(text: str, addr: int) -> bytes:
        raise AssertionError(f"sent to Keystone: {text}")

    monkeypatch.setattr(lines, "assemble", keystone_called)
    assert lines.assemble_lines(block) == (reference, instruction_offsets(reference))


@pytest.mark.parametrize("line", [
    "ldr.w r3, [r11, #264]", "strd r0, r9, [r11, #16]", "str.w r2, [r11, #4092]",
    "addw r12, r12, #4095", "subw lr, lr, #3", "movw r7, #65535", "movw r0, #0",
    "ldrd r1, r1, [r11, #8]", "ldr.w r0, [r11, #4096]", "strd r0, r1, [r11, #1024]",
])
def test_encode_parsed_is_encode_line(line):
    mnemonic, _, operands = line.partition(" ")
    assert encode_parsed(mnemonic, *parse_operands(operands)) == encode_line(line)


def test_remembered_lines_are_not_parsed_until_forgotten(monkeypatch):
    from isa.thumb2 import lines

    line = "ldrd r2, r3, [r11, #24]"
    memo = lines.line_memo()
    lines.forget()
    memo["key"] = line
    lines.remember(line, "ldrd", "rr[ri]", (2, 3, 11, 24))
    with monkeypatch.context() as patch:
        patch.setattr(lines, "encode_line", lambda text: pytest.fail(f"parsed {text}"))
        assert lines.assemble_lines([line])[0] == _keystone(line)
    lines.forget()
    assert not memo
    assert lines.assemble_lines([line])[0] == _keystone(line)
