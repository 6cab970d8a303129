"""Every AArch64 relocation type the loader applies: patch one word, check the field by
disassembling it with Capstone (instruction fields) or reading it back (data)."""

import struct

import pytest

from emulator.errors import LoaderError
from emulator.relocations import NAMES, RELOCATIONS, apply_relocation
from isa.a64.disasm import disasm_one

P = 0x00104000  # address of the patched word


def patched(rtype: int, word: int, s_a: int, p: int = P, width: int = 4) -> int:
    buf = bytearray(16)
    struct.pack_into("<I", buf, 4, word)
    apply_relocation(buf, 4, rtype, s_a, p, "t.ko")
    return int.from_bytes(buf[4:4 + width], "little")


def number(name: str) -> int:
    return next(n for n, rel in RELOCATIONS.items() if rel.name == name)


INSN_CASES = [  # (type, unpatched word, S+A, expected disassembly at P)
    ("CALL26", 0x94000000, 0x0200_0124, "bl #0x2000124"),
    ("CALL26", 0x94000000, 0x0010_0000, "bl #0x100000"),  # backwards
    ("JUMP26", 0x14000000, 0x0010_5678, "b #0x105678"),
    ("CONDBR19", 0x54000001, 0x0014_0000, "b.ne #0x140000"),
    ("CONDBR19", 0x54000000, 0x0010_3ffc, "b.eq #0x103ffc"),
    ("TSTBR14", 0x36180003, 0x0010_5ffc, "tbz w3, #3, #0x105ffc"),
    ("TSTBR14", 0x37000000, 0x0010_2000, "tbnz w0, #0, #0x102000"),
    ("ADR_PREL_LO21", 0x10000002, 0x0010_0001, "adr x2, #0x100001"),
    ("ADR_PREL_PG_HI21", 0x90000005, 0x3456_7abc, "adrp x5, #0x34567000"),
    ("ADR_PREL_PG_HI21", 0x90000005, 0x0000_1fff, "adrp x5, #0x1000"),
    ("ADR_PREL_PG_HI21_NC", 0x90000000, 0x1000_0000, "adrp x0, #0x10000000"),
    ("ADD_ABS_LO12_NC", 0x91000020, 0x3456_7abc, "add x0, x1, #0xabc"),
    ("LDST8_ABS_LO12_NC", 0x39400000, 0x3456_7abc, "ldrb w0, [x0, #0xabc]"),
    ("LDST16_ABS_LO12_NC", 0x79400000, 0x3456_7abe, "ldrh w0, [x0, #0xabe]"),
    ("LDST32_ABS_LO12_NC", 0xB9400000, 0x3456_7ab4, "ldr w0, [x0, #0xab4]"),
    ("LDST64_ABS_LO12_NC", 0xF9400000, 0x3456_7ab8, "ldr x0, [x0, #0xab8]"),
    ("LDST128_ABS_LO12_NC", 0x3DC00000, 0x3456_7ab0, "ldr q0, [x0, #0xab0]"),
    ("MOVW_UABS_G0", 0xD2800000, 0x0000_beef, "mov x0, #0xbeef"),
    ("MOVW_UABS_G0_NC", 0xF2800000, 0x1234_beef, "movk x0, #0xbeef"),
    ("MOVW_UABS_G1", 0xD2A00000, 0x1234_beef, "mov x0, #0x12340000"),
    ("MOVW_UABS_G1_NC", 0xF2A00000, 0x5678_1234_beef, "movk x0, #0x1234, lsl #16"),
    ("MOVW_UABS_G2", 0xD2C00000, 0x5678_1234_beef, "mov x0, #0x567800000000"),
    ("MOVW_UABS_G2_NC", 0xF2C00000, 0x9ABC_5678_1234_beef, "movk x0, #0x5678, lsl #32"),
    ("MOVW_UABS_G3", 0xF2E00000, 0x9ABC_5678_1234_beef, "movk x0, #0x9abc, lsl #48"),
]


@pytest.mark.parametrize("name,word,s_a,text", INSN_CASES)
def test_instruction_field(name, word, s_a, text):
    assert disasm_one(patched(number(name), word, s_a), P) == text


DATA_CASES = [  # (type, S+A, width, expected value)
    ("ABS64", 0x1_2345_6789_abcd, 8, 0x1_2345_6789_abcd),
    ("ABS32", 0x8765_4321, 4, 0x8765_4321),
    ("ABS32", -4, 4, 0xFFFF_FFFC),
    ("ABS16", 0xBEEF, 2, 0xBEEF),
    ("PREL64", P - 8, 8, (-8) & (2**64 - 1)),
    ("PREL32", P + 0x1000, 4, 0x1000),
    ("PREL32", P - 0x20, 4, 0xFFFF_FFE0),
    ("PREL16", P + 0x10, 2, 0x10),
]


@pytest.mark.parametrize("name,s_a,width,value", DATA_CASES)
def test_data_value(name, s_a, width, value):
    assert patched(number(name), 0xFFFFFFFF, s_a, width=width) == value


def test_instruction_bits_outside_the_field_are_kept():
    word = patched(number("ADD_ABS_LO12_NC"), 0x91000020 | (0xFFF << 10), 0x123)
    assert word == 0x91000020 | (0x123 << 10)


@pytest.mark.parametrize("name,s_a", [
    ("CALL26", P + (1 << 27)), ("JUMP26", P - (1 << 27) - 4), ("CONDBR19", P + (1 << 20)),
    ("TSTBR14", P - (1 << 15) - 4), ("ADR_PREL_LO21", P + (1 << 20)),
    ("ADR_PREL_PG_HI21", P + (1 << 32)), ("ABS32", 1 << 32), ("PREL32", P + (1 << 32)),
    ("ABS16", 1 << 16), ("MOVW_UABS_G0", 1 << 16),
])
def test_overflow_is_a_clear_error(name, s_a):
    with pytest.raises(LoaderError, match=f"{name} at 0x{P:x} out of range"):
        patched(number(name), 0, s_a)


def test_unknown_type_and_bad_offset():
    with pytest.raises(LoaderError, match="unsupported AArch64 relocation type 1027"):
        apply_relocation(bytearray(8), 0, 1027, 0, P, "t.ko")
    with pytest.raises(LoaderError, match="outside its section"):
        apply_relocation(bytearray(8), 4, number("ABS64"), 0, P, "t.ko")


def test_names_match_aaelf64_numbers():
    assert NAMES[257] == "ABS64" and NAMES[283] == "CALL26" and NAMES[275] == "ADR_PREL_PG_HI21"
    assert NAMES[299] == "LDST128_ABS_LO12_NC" and len(NAMES) == len(RELOCATIONS)
