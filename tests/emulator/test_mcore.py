"""Thumb-2 programs built for the M core run directly on the same core model (no translation),
with the same cycle table, and print what the host build prints."""

import pytest
from corpus_programs import corpus_program, host_reference

from emulator.api import run_program
from emulator.toolchain import compile_c


@pytest.mark.parametrize("name", ["crc32", "sort_quick", "muldiv64", "hashtable", "args"])
def test_thumb_program_matches_host(name):
    program = corpus_program(name)
    elf = compile_c([program.path], "thumb", "-O2")
    result = run_program(elf, argv=program.argv, stdin=program.stdin)
    assert (result.stdout, result.exit_code) == host_reference(program.path)
    stats = result.stats
    assert stats.mode == "thumb" and stats.core == "cortex-m4"
    assert stats.cycles > stats.guest_insns > 1000


def test_translated_and_direct_cycles_are_comparable():
    """The same C program, translated from AArch64 vs compiled for the M core: the translated
    one costs more cycles (the DBT's overhead) but within an order of magnitude."""
    program = corpus_program("crc32")
    direct = run_program(compile_c([program.path], "thumb", "-O2")).stats.cycles
    translated = run_program(compile_c([program.path], "aarch64", "-O2")).stats.cycles
    assert direct < translated < 10 * direct
