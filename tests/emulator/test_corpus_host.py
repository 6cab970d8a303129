"""The corpus builds for every target, runs deterministically on the host, and agrees with Python.

Each corpus program is built for the host (gcc, warnings as errors) and run twice, built for
AArch64 at -O0/-O2/-Os and checked to be integer-only, and built for the Cortex-M4 (Thumb) at -O2.
A few programs whose results Python can compute independently (CRC-32, Adler-32, big integers,
primes) are checked against Python, and hw_printf is checked against glibc's printf.
"""

from __future__ import annotations

import re
import subprocess
import zlib

import capstone
import pytest
from corpus_programs import (
    HOST_FLAGS,
    HOST_OPT,
    CorpusProgram,
    corpus_program,
    corpus_programs,
    example_programs,
    fp_simd_instructions,
    host_reference,
    run_host,
)
from elftools.elf.elffile import ELFFile

from emulator.toolchain import compile_c

PROGRAMS = corpus_programs()
IDS = [p.name for p in PROGRAMS]
HW_CHECK_STATUS = 99  # the exit status of a failed HW_CHECK in hwrt.h


def _check_executable(path, machine: str) -> int:
    """Assert ``path`` is a static executable for ``machine`` whose entry point lies in an
    executable segment and is ``_start`` (when a symbol table survived); returns the entry."""
    with open(path, "rb") as f:
        elf = ELFFile(f)
        assert (elf["e_machine"], elf["e_type"]) == (machine, "ET_EXEC")
        entry = elf["e_entry"] & ~1
        assert any(seg["p_type"] == "PT_LOAD" and seg["p_flags"] & 1
                   and seg["p_vaddr"] <= entry < seg["p_vaddr"] + seg["p_filesz"]
                   for seg in elf.iter_segments())
        assert not any(seg["p_type"] in ("PT_INTERP", "PT_DYNAMIC") for seg in elf.iter_segments())
        symtab = elf.get_section_by_name(".symtab")  # zig strips -Os builds
        if symtab is not None:
            starts = [s["st_value"] & ~1 for s in symtab.iter_symbols() if s.name == "_start"]
            assert starts == [entry]
        return elf["e_entry"]


def _fnv1a32(data: bytes) -> int:
    h = 2166136261
    for b in data:
        h = ((h ^ b) * 16777619) & 0xFFFFFFFF
    return h


def test_corpus_covers_the_brief():
    names = set(IDS)
    assert len(PROGRAMS) >= 32
    for required in ("args", "stdin_checksum", "alloc_heavy", "bytecode_vm", "switch_dense",
                     "crc32", "bignum", "muldiv64", "sieve", "matmul"):
        assert required in names
    for program in PROGRAMS:
        source = program.path.read_text()
        assert '#include "hwrt.h"' in source, program.name
        assert re.search(r"int main\(int argc, char \*\*argv\)", source), program.name


@pytest.mark.parametrize("program", PROGRAMS, ids=IDS)
def test_host_output_is_deterministic(program: CorpusProgram):
    first = host_reference(program.path)
    second = run_host(program)
    out, status = first
    assert first == second
    assert out.strip(), "a corpus program must print its results"
    assert b"CHECK failed" not in out, out.decode(errors="replace")
    assert 0 <= status < 128 and status != HW_CHECK_STATUS


@pytest.mark.parametrize("opt", ["-O0", "-O2", "-Os"])
@pytest.mark.parametrize("program", PROGRAMS, ids=IDS)
def test_aarch64_build_is_integer_only(program: CorpusProgram, opt: str):
    exe = compile_c([program.path], "aarch64", opt)
    _check_executable(exe, "EM_AARCH64")
    assert fp_simd_instructions(exe) == []


@pytest.mark.parametrize("program", PROGRAMS, ids=IDS)
def test_thumb_build(program: CorpusProgram):
    exe = compile_c([program.path], "thumb", "-O2")
    assert _check_executable(exe, "EM_ARM") & 1  # a Thumb entry point
    assert fp_simd_instructions(exe) == []


# A64 instructions the corpus must make the translator see (capstone's preferred aliases).
REQUIRED_A64 = frozenset(
    "add adds sub subs and ands orr eor bic eon mvn neg lsl lsr asr ror mul madd msub smull umull "
    "smaddl umaddl smulh umulh udiv sdiv adc csel csinc csinv csneg cset csetm cinc cneg ccmp cmn "
    "tst clz cls rbit rev rev16 bfi bfxil ubfx sbfx ubfiz sbfiz sxtb sxth sxtw movk adr adrp "
    "ldr ldrb ldrh ldrsb ldrsh ldrsw ldp ldpsw ldur str strb strh stp stur b bl blr br ret cbz "
    "cbnz tbz tbnz b.eq b.ne b.lt b.ge b.hi b.lo svc".split()
)


def test_corpus_exercises_the_integer_isa():
    md = capstone.Cs(capstone.CS_ARCH_ARM64, capstone.CS_MODE_ARM)
    seen = set()
    for program in PROGRAMS:
        for opt in ("-O0", "-O2"):
            with open(compile_c([program.path], "aarch64", opt), "rb") as f:
                for seg in ELFFile(f).iter_segments():
                    if seg["p_type"] == "PT_LOAD" and seg["p_flags"] & 1:
                        seen |= {m for _, _, m, _ in md.disasm_lite(seg.data(), seg["p_vaddr"])}
    assert REQUIRED_A64 - seen == set()


@pytest.mark.parametrize("target", ["aarch64", "thumb"])
def test_fp_check_finds_fp_instructions(tmp_path, target: str):
    """The integer-only check is not vacuous: one planted FP register move is reported."""
    src = tmp_path / "planted_fp.c"
    src.write_text(
        '#include "hwrt.h"\n'
        "int main(int argc, char **argv) {\n"
        "    (void)argv;\n"
        "#if defined(__aarch64__)\n"
        '    __asm__ volatile(".inst 0x1e270000"); /* fmov s0, w0 */\n'
        "#else\n"
        '    __asm__ volatile(".inst.w 0xee000a10"); /* vmov s0, r0 */\n'
        "#endif\n"
        "    return argc;\n"
        "}\n"
    )
    found = fp_simd_instructions(compile_c([src], target, "-O2"))
    assert found and all(("fmov s0, w0" if target == "aarch64" else "vmov s0, r0") in line
                         for line in found)


def test_hw_printf_matches_glibc_printf():
    """printf_format printed by hw_printf and by glibc's printf agree on every standard
    conversion (the line of deliberately unknown conversions and the char total differ)."""
    program = corpus_program("printf_format")
    ours, _ = host_reference(program.path)
    exe = compile_c([program.path], "host", HOST_OPT,
                    extra=(*HOST_FLAGS, "-DHWRT_LIBC_PRINTF", "-Wno-format"))
    theirs = subprocess.run([str(exe)], capture_output=True, timeout=30, check=False).stdout
    ours_lines, their_lines = ours.splitlines(), theirs.splitlines()
    assert len(ours_lines) == len(their_lines) > 40
    differing = [i for i, (a, b) in enumerate(zip(ours_lines, their_lines)) if a != b]
    assert [ours_lines[i].split(b"]")[1] for i in differing[:1]] == [b" [%q"]
    assert len(differing) == 2 and ours_lines[differing[1]].startswith(b"total chars=")


def test_crc32_matches_zlib():
    out, status = host_reference(corpus_program("crc32").path)
    buffer, x = bytearray(), 1
    for _ in range(1024):
        x = (x * 1103515245 + 12345) & 0xFFFFFFFF
        buffer.append((x >> 16) & 0xFF)
    acc = 0
    for n in (0, 1, 3, 64, 255, 1000, 1024):
        crc = zlib.crc32(bytes(buffer[:n]))
        assert f"len {n:4d}: {crc:08x}".encode() in out
        acc ^= crc
    assert f"acc={acc:08x}".encode() in out and status == acc & 0x7F


@pytest.mark.parametrize("data", [b"", b"hello world\n", bytes(range(256)) * 9 + b"tail words\n"])
def test_stdin_checksum_matches_zlib(data: bytes):
    out, status = run_host(corpus_program("stdin_checksum"), stdin=data)
    crc, lines = zlib.crc32(data), data.count(b"\n")
    words = len([w for w in re.split(rb"[ \n\t\r]+", data) if w])  # the program's separators
    expected = (f"bytes={len(data)} lines={lines} words={words} "
                f"crc32={crc:08x} adler32={zlib.adler32(data):08x}\n")
    assert out == expected.encode()
    assert status == (crc ^ len(data)) & 0x7F


def test_args_echo_matches_python():
    program = corpus_program("args")
    out, status = host_reference(program.path)
    lines = [f"argc={len(program.argv) + 1}"]
    total = 2166136261
    for i, arg in enumerate(program.argv, 1):
        h = _fnv1a32(arg.encode())
        lines.append(f'argv[{i}]="{arg}" len={len(arg)} fnv={h:08x}')
        total = ((total ^ h) * 16777619) & 0xFFFFFFFF
    lines.append(f"all={total:08x}")
    assert out.decode().splitlines() == lines
    assert status == len(program.argv) + 1


def test_bignum_matches_python():
    out, status = host_reference(corpus_program("bignum").path)
    text = out.decode()
    a = 1
    for k in range(2, 41):
        a *= k
    fib = [0, 1]
    for _ in range(250):
        fib.append(fib[-1] + fib[-2])
    b = fib[250]
    square = (a + b) ** 2
    assert f"2^256 = {2**256:#x}\n" in text and f"2^256 = {2**256}\n" in text
    assert f"40! = {a}\n" in text and f"fib(250) = {b}\n" in text
    limbs = (square.bit_length() + 31) // 32
    assert f"(a+b)^2 mod 1e9+7 = {square % 1000000007}, limbs={limbs}\n" in text
    assert status == (square % 1000000007) & 0x7F


def test_sieve_matches_python():
    out, _ = host_reference(corpus_program("sieve").path)
    limit = 10000
    primes = [n for n in range(2, limit + 1) if all(n % d for d in range(2, int(n**0.5) + 1))]
    gaps = [(q - p, p) for p, q in zip(primes, primes[1:])]
    gap, gap_at = max(gaps, key=lambda g: (g[0], -g[1]))
    twins = sum(1 for g, _ in gaps if g == 2)
    text = out.decode()
    assert f"primes<={limit}: {len(primes)} sum={sum(primes)} largest={primes[-1]}\n" in text
    assert f"twin pairs={twins} largest gap={gap} after {gap_at}\n" in text


EXAMPLES = example_programs()


def test_examples_are_there():
    assert {p.name for p in EXAMPLES} == {"crc32", "intmark", "sort"}


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_builds_and_scales_with_iterations(example: CorpusProgram):
    one, three = run_host(example, argv=("1",)), run_host(example, argv=("3",))
    assert one == run_host(example, argv=("1",))
    assert b"iterations=1 " in one[0] and b"iterations=3 " in three[0]
    assert one[0].splitlines()[0] == three[0].splitlines()[0]  # iteration 0 is the same
    for opt in ("-O0", "-O2"):
        exe = compile_c([example.path], "aarch64", opt)
        _check_executable(exe, "EM_AARCH64")
        assert fp_simd_instructions(exe) == []
    exe = compile_c([example.path], "thumb", "-O2")
    assert _check_executable(exe, "EM_ARM") & 1
    assert fp_simd_instructions(exe) == []


def test_crc32_example_matches_zlib():
    example = next(p for p in EXAMPLES if p.name == "crc32")
    out, status = run_host(example, argv=("5",))
    buffer, x = bytearray(), 0x2545F491
    for _ in range(4096):
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
        buffer.append(x & 0xFF)
    acc = 0
    for it in range(5):
        buffer[it] ^= it + 1
        crc = zlib.crc32(bytes(buffer))
        assert f"iteration {it}: crc32={crc:08x}\n".encode() in out
        acc ^= crc
    assert out.endswith(f"iterations=5 bytes/iteration=4096 xor={acc:08x}\n".encode())
    assert status == acc & 0x7F


def test_sort_example_matches_python():
    example = next(p for p in EXAMPLES if p.name == "sort")
    out, _ = run_host(example, argv=("2",))
    state, total, lines = 0x9E3779B97F4A7C15, 0, []
    for it in range(2):
        keys = []
        for _ in range(512):
            state = (state * 6364136223846793005 + 1442695040888963407) % 2**64
            keys.append((state >> 32) - (1 << 32 if state >> 63 else 0))
        keys.sort()
        digest = 0
        for k in keys:
            digest = ((digest ^ (k & 0xFFFFFFFF)) * 16777619) & 0xFFFFFFFF
        lines.append(f"iteration {it}: min={keys[0]} max={keys[-1]} digest={digest:08x}")
        total = (total + digest) & 0xFFFFFFFF
    lines.append(f"sort demo: iterations=2 keys/iteration=512 sum={total:08x}")
    assert out.decode().splitlines() == lines
