"""Bad input gets one line on stderr naming what and where, a non-zero exit, no traceback."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from emulator.toolchain import compile_c

HERE = Path(__file__).parent / "programs"


def hwemu(*args, **kw):
    return subprocess.run([sys.executable, "-m", "emulator.cli", *map(str, args)],
                          capture_output=True, text=True, timeout=120, **kw)


def assert_one_line_error(proc, *needles):
    assert proc.returncode != 0
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr and lines[0].startswith("hwemu: error: ")
    for needle in needles:
        assert needle in lines[0], lines[0]


def test_not_an_elf(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello\n")
    assert_one_line_error(hwemu("run", path), "not an ELF file", str(path))


def test_truncated_elf(tmp_path):
    full = compile_c([HERE / "spin.c"], "aarch64", "-O2").read_bytes()
    path = tmp_path / "cut.elf"
    path.write_bytes(full[:300])
    assert_one_line_error(hwemu("run", path), "truncated", str(path))


@pytest.mark.skipif(shutil.which("gcc") is None, reason="needs the host gcc")
def test_wrong_architecture(tmp_path):
    source = tmp_path / "x.c"
    source.write_text("int main(void) { return 0; }\n")
    exe = tmp_path / "x86"
    subprocess.run(["gcc", source, "-o", exe], check=True)
    assert_one_line_error(hwemu("run", exe), "EM_X86_64", "AArch64")


def test_missing_file(tmp_path):
    assert_one_line_error(hwemu("run", tmp_path / "nope.elf"), "cannot read")


@pytest.mark.parametrize("mode", ["translate", "native"])
def test_null_dereference(mode):
    elf = compile_c([HERE / "null_deref.c"], "aarch64", "-O2")
    proc = hwemu("run", "--mode", mode, elf)
    assert proc.stdout == "about to fault\n"
    assert_one_line_error(proc, "guest fault", "write", "at 0x0", "main")


@pytest.mark.parametrize("mode", ["translate", "native"])
def test_call_into_data(mode):
    elf = compile_c([HERE / "jump_to_data.c"], "aarch64", "-O2")
    proc = hwemu("run", "--mode", mode, elf)
    assert proc.stdout == "about to call data\n"
    assert_one_line_error(proc, "guest fault", "fetch", "not code: execute-never")


@pytest.mark.parametrize("mode", ["translate", "native"])
def test_code_in_anonymous_memory_runs_only_if_mapped_executable(mode):
    elf = compile_c([HERE / "mmap_exec.c"], "aarch64", "-O2")
    proc = hwemu("run", "--mode", mode, elf, "x")
    assert (proc.returncode, proc.stdout) == (0, "calling\nreturned 42\n"), proc.stderr
    proc = hwemu("run", "--mode", mode, elf, "-")
    assert proc.stdout == "calling\n"
    assert_one_line_error(proc, "guest fault", "fetch", "not code: execute-never")


def test_unsupported_instruction():
    elf = compile_c([HERE / "fp_insn.c"], "aarch64", "-O2", extra=("-mcpu=generic",))
    assert_one_line_error(hwemu("run", elf), "unsupported A64 instruction at 0x", "fmov d0")


@pytest.mark.parametrize("mode", ["translate", "native"])
def test_runaway_loop_stops_at_budget(mode):
    elf = compile_c([HERE / "spin.c"], "aarch64", "-O0")
    assert_one_line_error(hwemu("run", "--mode", mode, "--max-insns", 200000, elf),
                          "--max-insns 200000")


def test_bad_flag_values(tmp_path):
    elf = compile_c([HERE / "spin.c"], "aarch64", "-O2")
    assert_one_line_error(hwemu("run", "--code-cache-kb", 0, elf), "--code-cache-kb")
    assert_one_line_error(hwemu("run", "--max-insns", -5, elf), "--max-insns")


def test_debug_flag_shows_traceback(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello\n")
    proc = hwemu("--debug", "run", path)
    assert proc.returncode != 0 and "Traceback" in proc.stderr


def test_relocatable_object_cannot_be_run():
    obj = compile_c([HERE / "add.c"], "aarch64", "-O2", relocatable=True)
    assert_one_line_error(hwemu("run", obj), "relocatable object", "call its functions")
