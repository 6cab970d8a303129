"""The Python API: objects with symbols, calls, guest memory, hooks, stats."""

import json
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from unicorn import UC_PROT_EXEC

from emulator import layout
from emulator.api import load, run_program
from emulator.errors import LoaderError
from emulator.testing import CODE_BASE, assemble_a64, snippet_image
from emulator.toolchain import compile_c
from isa import native

HERE = Path(__file__).parent / "programs"
EXAMPLES = Path(__file__).parents[2] / "emulator" / "examples"


def fnv(data: bytes) -> int:
    h = 2166136261
    for byte in data:
        h = ((h ^ byte) * 16777619) & 0xFFFFFFFF
    return h


def test_plugin_fixture_runs_each_mode(hwemu):
    m = hwemu.build(HERE / "add.c")
    assert m.call("add", 2, 3) == 5
    assert m.call("add", 2**64 - 1, 2) == 1
    assert m.mode == hwemu.mode


def test_call_with_guest_memory(hwemu):
    m = hwemu.build(HERE / "add.c", opt="-O0")
    data = bytes(range(200))
    buf = m.alloc(len(data))
    m.write(buf, data)
    assert m.call("checksum", buf, len(data)) == fnv(data)
    out = m.alloc(8 * 16)
    m.call("fill", out, 16, 88172645463325252)
    values = struct.unpack("<16Q", m.read(out, 8 * 16))
    seed, expected = 88172645463325252, []
    for _ in range(16):
        seed ^= (seed << 13) & (2**64 - 1)
        seed ^= seed >> 7
        seed ^= (seed << 17) & (2**64 - 1)
        expected.append(seed)
    assert list(values) == expected
    assert m.call("divide", (-100) & (2**64 - 1), 7) == (-14) & (2**64 - 1)


def test_hook_sees_arguments(hwemu):
    m = hwemu.build(HERE / "add.c")
    seen = []
    m.hook(m.image.symbol("add").addr, lambda mach: seen.append((mach.reg(0), mach.reg(1))))
    m.call("add", 40, 2)
    m.call("add", 1, 1)
    assert seen == [(40, 2), (1, 1)]


def test_hook_after_translation_sees_exact_flags():
    """Flags that looked dead when a block was first translated (its successor sets them
    before reading them) are live once a hook there may read them: the look-ahead's answers
    are dropped with the translations."""
    words = assemble_a64("adds x0, x0, x1\n.inst 0x14000001\ncmp x3, x3")  # b: to the cmp
    machine = load(snippet_image(words), "translate")
    machine.set_reg(0, 1)
    machine.set_reg(1, 1)
    machine.run_until(CODE_BASE, layout.RETURN_MAGIC)
    seen = []
    machine.hook(CODE_BASE + 8, lambda m: seen.append(m.nzcv()))
    machine.set_reg(0, 0xFFFFFFFF_00000005)
    machine.set_reg(1, 0x00000001_00000000)
    machine.set_nzcv(0)
    machine.run_until(CODE_BASE, layout.RETURN_MAGIC)
    assert seen == [0b0010]  # a carry out; the sum (5) is not zero


def test_stats_after_call():
    m = load(compile_c([HERE / "add.c"], "aarch64", "-O2", relocatable=True), "translate")
    buf = m.alloc(4096)
    m.call("checksum", buf, 4096)
    s = m.stats
    assert s.guest_insns > 4096 * 4 and s.host_insns > s.guest_insns and s.cycles > 0
    assert s.blocks_translated >= 2


def test_unknown_symbol():
    m = load(compile_c([HERE / "add.c"], "aarch64", "-O2", relocatable=True), "native")
    with pytest.raises(LoaderError, match="no symbol named 'nope'"):
        m.call("nope")


def test_run_program_captures_output():
    elf = compile_c([EXAMPLES / "crc32.c"], "aarch64", "-O2")
    translated, native = run_program(elf, "translate"), run_program(elf, "native")
    assert b"crc32=" in translated.stdout
    assert (translated.stdout, translated.exit_code) == (native.stdout, native.exit_code)


def test_cli_run_passes_output_exit_code_and_stats(tmp_path):
    source = tmp_path / "prog.c"
    source.write_text('#include "hwrt.h"\nint main(int argc, char **argv) {\n'
                      '  hw_printf("%d:%s\\n", argc, argv[1]); return 3; }\n')
    elf = compile_c([source], "aarch64", "-O2")
    stats = tmp_path / "stats.json"
    proc = subprocess.run([sys.executable, "-m", "emulator.cli", "run", "--stats-json", stats,
                           elf, "hello"], capture_output=True, text=True)
    assert proc.returncode == 3 and proc.stdout == "2:hello\n"
    data = json.loads(stats.read_text())
    for key in ("mode", "core", "mhz", "guest_insns", "host_insns", "cycles", "seconds_modeled",
                "blocks_translated", "cache_hits", "cache_misses", "chained_exits",
                "dispatcher_exits", "cache_flushes", "code_cache_bytes", "translate_seconds",
                "run_seconds"):
        assert key in data
    assert data["mode"] == "translate" and data["core"] == "cortex-m4"
    assert data["translator"] == native.status()  # compiled, or why the sources ran


def test_small_code_cache_flushes_and_still_agrees():
    elf = compile_c([EXAMPLES / "sort.c"], "aarch64", "-O2")
    big = run_program(elf, "translate")
    small = run_program(elf, "translate", code_cache_kb=2)
    unchained = run_program(elf, "translate", chain=False)
    assert small.stdout == big.stdout == unchained.stdout
    assert small.stats.cache_flushes > 0 and big.stats.cache_flushes == 0
    assert unchained.stats.chained_exits == 0
    assert unchained.stats.dispatcher_exits > big.stats.dispatcher_exits


def test_intercept_replaces_a_guest_function(hwemu):
    """What kernel services build on: a Python function stands in for a guest symbol."""
    m = hwemu.build(HERE / "add.c")
    calls = []

    def fake_add(machine):
        calls.append((machine.reg(0), machine.reg(1)))
        machine.set_reg(0, 1000)

    m.intercept(m.image.symbol("add").addr, fake_add)
    assert m.call("add", 1, 2) == 1000
    assert calls == [(1, 2)]


def test_system_registers_reach_the_guest(hwemu):
    """MRS of SP_EL0/TPIDR_EL0 sees what the API set (kernel code keeps `current` there)."""
    from emulator.loader import GuestImage, Segment

    words = [0xD5384100, 0xD53BD041, 0xD65F03C0]  # mrs x0, sp_el0; mrs x1, tpidr_el0; ret
    code = b"".join(w.to_bytes(4, "little") for w in words)
    image = GuestImage("<mrs>", "aarch64", 0x400000, [Segment(0x400000, len(code), code, True)])
    m = hwemu.load(image)
    m.set_sysreg("sp_el0", 0x1234_5678_9ABC)
    m.set_sysreg("tpidr_el0", 42)
    assert m.call(0x400000) == 0x1234_5678_9ABC and m.reg(1) == 42
    assert m.sysreg("sp_el0") == 0x1234_5678_9ABC


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 40), st.integers(1, 12)), max_size=10))
def test_map_covers_each_range_once(ranges):
    """Mapping ranges that overlap what is mapped maps only the gaps: every page requested is
    mapped (readable), no two regions overlap (Unicorn would refuse)."""
    m = load(snippet_image([0xD503201F]), "native")  # a nop
    base = layout.MMAP_BASE
    wanted = set()
    for first, count in ranges:
        m.map(base + first * layout.PAGE + 123, count * layout.PAGE - 200)  # unaligned ends
        wanted |= set(range(first, first + count))
    spans = sorted(m.regions)
    assert all(a + n <= b for (a, n), (b, _) in zip(spans, spans[1:]))
    for page in wanted:
        assert m.read(base + page * layout.PAGE, layout.PAGE) == bytes(layout.PAGE)



@pytest.mark.parametrize("mode", ["translate", "native"])
def test_only_code_is_executable(mode):
    """Data, stack and heap are mapped without execute permission: Unicorn sends every store to
    a page it could execute down its slow path (native runs paid it on all stores)."""
    m = load(compile_c([EXAMPLES / "sort.c"], "aarch64", "-O2"), mode)
    brk = m.alloc(4096)

    def executable(addr: int) -> bool:
        return next(bool(perms & UC_PROT_EXEC) for begin, end, perms in m.uc.mem_regions()
                    if begin <= addr <= end)

    segments = m.image.segments
    assert any(s.executable for s in segments) and not all(s.executable for s in segments)
    for seg in segments:
        assert executable(seg.vaddr) is seg.executable
    assert not executable(layout.STACK_TOP - 16) and not executable(brk)
    m.intercept(brk + 64, lambda machine: None)  # an intercepted function's "ret" may run
    assert executable(brk + 64)
