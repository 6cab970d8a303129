"""Every corpus program at -O0, -O2 and -Os prints the same bytes and exits with the same status
translated on the M core, natively on the AArch64 reference, and compiled for the host."""

import pytest
from corpus_programs import corpus_programs, host_reference

from emulator.api import run_program
from emulator.toolchain import compile_c

PROGRAMS = corpus_programs()
BUDGET = 30_000_000


@pytest.mark.parametrize("opt", ["-O0", "-O2", "-Os"])
@pytest.mark.parametrize("program", PROGRAMS, ids=[p.name for p in PROGRAMS])
def test_translated_native_and_host_agree(program, opt):
    expected = host_reference(program.path)
    elf = compile_c([program.path], "aarch64", opt)
    for mode in ("translate", "native"):
        result = run_program(elf, mode, argv=program.argv, stdin=program.stdin,
                             max_insns=BUDGET)
        assert (result.stdout, result.exit_code) == expected, mode
        assert result.stats.guest_insns > 0


def test_translated_run_counts_cycles_and_expansion():
    program = next(p for p in PROGRAMS if p.name == "crc32")
    result = run_program(compile_c([program.path], "aarch64", "-O2"), "translate")
    stats = result.stats
    assert stats.host_insns > stats.guest_insns > 10_000
    assert stats.cycles >= stats.guest_insns
    assert stats.seconds_modeled == pytest.approx(stats.cycles / 200e6)
    assert stats.blocks_translated == stats.cache_misses
    assert stats.chained_exits > 0 and stats.dispatcher_exits < stats.guest_insns / 10


def test_repeated_rounds_print_the_last_round_only():
    """hw_repeat (argv[1] rounds, for bench/dbt.py) does the work again and prints it once."""
    program = next(p for p in PROGRAMS if p.name == "crc32")
    elf = compile_c([program.path], "aarch64", "-O2")
    expected = host_reference(program.path)
    for mode in ("translate", "native"):
        once = run_program(elf, mode)
        thrice = run_program(elf, mode, argv=("3",))
        assert (thrice.stdout, thrice.exit_code) == expected, mode
        assert thrice.stats.guest_insns > 2.5 * once.stats.guest_insns
