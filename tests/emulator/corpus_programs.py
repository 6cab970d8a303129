"""The C program corpus of the DBT tests: the programs, how each is run, and its host reference.

Every ``tests/emulator/corpus/*.c`` is one self-contained program over ``emulator/guestlib/hwrt.h``
that prints its results and exits with a checksum-derived status.  The differential tests run a
program translated (AArch64 on the M core), natively (AArch64 reference core) and host-compiled,
and compare stdout and exit status byte for byte::

    from corpus_programs import corpus_programs, host_reference

    for program in corpus_programs():
        expected_stdout, expected_status = host_reference(program.path)

argv[0] differs between runners, so programs never print it; ``program.argv`` are the arguments
after it and ``program.stdin`` the bytes fed to standard input.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import capstone
from elftools.elf.elffile import ELFFile

import emulator
from emulator.toolchain import compile_c

CORPUS_DIR = Path(__file__).with_name("corpus")
# The demo programs (`make demo`, cycles per iteration): argv[1] is their iteration count.
EXAMPLES_DIR = Path(emulator.__file__).with_name("examples")

# Host builds treat warnings as errors: a format string that does not match its arguments would
# make the reference output wrong on every target at once.
HOST_FLAGS = ("-Wall", "-Wextra", "-Werror")
HOST_OPT = "-O2"
HOST_TIMEOUT_S = 30.0

# Programs that need a command line (arguments after argv[0]) or standard input.
_ARGV = MappingProxyType({"args": ("alpha", "beta gamma", "-7", "")})
_STDIN: MappingProxyType[str, bytes] = MappingProxyType({})


@dataclass(frozen=True)
class CorpusProgram:
    """One corpus program and the way every runner must start it."""

    name: str
    path: Path
    argv: tuple[str, ...] = ()
    stdin: bytes = b""


def corpus_programs() -> list[CorpusProgram]:
    """All corpus programs, sorted by name."""
    return [
        CorpusProgram(path.stem, path, _ARGV.get(path.stem, ()), _STDIN.get(path.stem, b""))
        for path in sorted(CORPUS_DIR.glob("*.c"))
    ]


def example_programs(iterations: int = 3) -> list[CorpusProgram]:
    """The demo programs of emulator/examples, each set to run ``iterations`` iterations."""
    return [CorpusProgram(path.stem, path, (str(iterations),))
            for path in sorted(EXAMPLES_DIR.glob("*.c"))]


def corpus_program(name_or_path: str | Path) -> CorpusProgram:
    """The corpus program called ``name`` (a stem such as ``"crc32"`` or a path to its source)."""
    name = Path(name_or_path).stem
    path = CORPUS_DIR / f"{name}.c"
    if not path.is_file():
        raise KeyError(f"no corpus program {name!r} in {CORPUS_DIR}")
    return CorpusProgram(name, path, _ARGV.get(name, ()), _STDIN.get(name, b""))


def run_host(program: CorpusProgram, argv: tuple[str, ...] | None = None,
             stdin: bytes | None = None) -> tuple[bytes, int]:
    """Build ``program`` with the host gcc and run it; returns (stdout, exit status)."""
    exe = compile_c([program.path], "host", HOST_OPT, extra=HOST_FLAGS)
    proc = subprocess.run(
        [str(exe), *(program.argv if argv is None else argv)],
        input=program.stdin if stdin is None else stdin,
        capture_output=True,
        timeout=HOST_TIMEOUT_S,
        check=False,
    )
    return proc.stdout, proc.returncode


def host_reference(path: str | Path) -> tuple[bytes, int]:
    """Expected (stdout, exit status) of the corpus program at ``path``, from its host build."""
    return run_host(corpus_program(path))


# A64 register names of the FP/SIMD (and SVE) register files; x/w/sp/xzr never match.
_A64_FP_REG = re.compile(r"^[vqdshbzp]\d+$")
# ARMv7-M FPU registers and the VFP system registers.
_ARM_FP_REG = re.compile(r"^([sdq]\d+|fpscr|fpexc|fpsid|mvfr\d)$")


def _mapping_symbols(elf: ELFFile) -> list[tuple[int, bool]]:
    """(address, is_code) for the ELF's ARM mapping symbols ($x/$t/$a code, $d data), sorted."""
    symtab = elf.get_section_by_name(".symtab")
    if symtab is None:
        return []
    marks = {}
    for sym in symtab.iter_symbols():
        kind = sym.name.split(".", 1)[0]
        if kind in ("$x", "$t", "$a", "$d"):
            marks[sym["st_value"] & ~1] = kind != "$d"
    return sorted(marks.items())


def _code_ranges(start: int, end: int, marks: list[tuple[int, bool]]) -> list[tuple[int, int]]:
    """The code parts of [start, end): everything before the first mark counts as code."""
    ranges, pos, is_code = [], start, True
    for addr, code in marks:
        if addr <= start:
            is_code = code
            continue
        if addr >= end:
            break
        if is_code and addr > pos:
            ranges.append((pos, addr))
        pos, is_code = addr, code
    if is_code and end > pos:
        ranges.append((pos, end))
    return ranges


def fp_simd_instructions(elf_path: str | Path) -> list[str]:
    """FP/SIMD instructions in the executable segments of an AArch64 or ARM (Thumb) ELF.

    Returns ``"0xADDR: mnemonic operands"`` lines (empty when the code is integer-only).  An
    instruction counts when it reads or writes an FP/SIMD register or is an FP mnemonic
    (``f*`` on A64, ``v*`` on ARM); data regions named by mapping symbols ($d) are skipped and
    bytes that do not decode elsewhere are reported.
    """
    with open(elf_path, "rb") as f:
        elf = ELFFile(f)
        if elf["e_machine"] == "EM_AARCH64":
            md = capstone.Cs(capstone.CS_ARCH_ARM64, capstone.CS_MODE_ARM)
            fp_reg, fp_prefix = _A64_FP_REG, "f"
        else:
            md = capstone.Cs(capstone.CS_ARCH_ARM, capstone.CS_MODE_THUMB | capstone.CS_MODE_MCLASS)
            fp_reg, fp_prefix = _ARM_FP_REG, "v"
        md.detail = True
        md.skipdata = True
        marks = _mapping_symbols(elf)
        found = []
        for seg in elf.iter_segments():
            if seg["p_type"] != "PT_LOAD" or not seg["p_flags"] & 1:  # PF_X
                continue
            base, data = seg["p_vaddr"], seg.data()
            for lo, hi in _code_ranges(base, base + seg["p_filesz"], marks):
                for insn in md.disasm(data[lo - base:hi - base], lo):
                    if insn.mnemonic == ".byte":
                        found.append(f"{insn.address:#x}: undecodable {insn.op_str}")
                        continue
                    read, written = insn.regs_access()
                    regs = {insn.reg_name(r) for r in (*read, *written)}
                    if insn.mnemonic.startswith(fp_prefix) or any(fp_reg.match(r) for r in regs):
                        found.append(f"{insn.address:#x}: {insn.mnemonic} {insn.op_str}")
    return found
