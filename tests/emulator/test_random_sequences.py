"""Hypothesis: random straight-line and branching A64 sequences agree translated and native."""

import random

import a64_gen
import pytest
from a64_gen import CLASSES, CONDS, CONSTANT_BASE, DATA_REGS, initial_registers, instruction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulator.testing import CODE_BASE, assemble_a64, differential


def _branch(rng: random.Random, index: int) -> str:
    """A forward branch over the next instruction (absolute target for the assembler)."""
    skip = CODE_BASE + 4 * (index + 2)
    reg = f"x{rng.choice(DATA_REGS)}"
    kind = rng.randrange(4)
    if kind == 0:
        return f"{rng.choice(('cbz', 'cbnz'))} {reg}, #{skip:#x}"
    if kind == 1:
        return f"{rng.choice(('tbz', 'tbnz'))} {reg}, #{rng.randrange(64)}, #{skip:#x}"
    if kind == 2:
        return f"b.{rng.choice(CONDS[:-1])} #{skip:#x}"
    return f"b #{skip:#x}"


def sequence(seed: int, length: int) -> list[str]:
    """``length`` random instructions and branches, half the time after code that sets x20."""
    rng = random.Random(seed)
    lines = list(CONSTANT_BASE) if rng.random() < 0.5 else []
    end = len(lines) + length
    for index in range(len(lines), end):
        if index < end - 1 and rng.random() < 0.2:
            lines.append(_branch(rng, index))
        else:
            lines.append(instruction(rng, rng.choice(sorted(CLASSES))))
    return lines


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), length=st.integers(1, 24))
def test_random_sequence_matches_native(seed, length):
    rng = random.Random(seed ^ 0x5A5A)
    lines = sequence(seed, length)
    words = [w for k, line in enumerate(lines)
             for w in assemble_a64_at(line, k)]
    differential(words, initial_registers(rng), rng.randrange(16), rng.randbytes(4096))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), length=st.integers(1, 12))
def test_random_accesses_through_a_constant_base_match_native(seed, length):
    """x20 set by the block itself (a constant to the translator), then moved by writeback
    accesses and read: what the translator knows of it must follow the moves."""
    rng = random.Random(seed)
    lines = [*CONSTANT_BASE, *(instruction(rng, rng.choice(("loadstore", "loadpair", "base")))
                               for _ in range(length))]
    words = [w for line in lines for w in assemble_a64(line)]
    differential(words, initial_registers(rng), rng.randrange(16), rng.randbytes(4096))


def assemble_a64_at(line: str, index: int) -> list[int]:
    """Assemble one line as if it stood at instruction ``index`` of the snippet."""
    if line.startswith(".inst"):
        return assemble_a64(line)
    import struct

    from emulator.testing import _keystone

    code = bytes(_keystone().asm(line, CODE_BASE + 4 * index)[0])
    return [struct.unpack("<I", code)[0]]


LOOP_COUNTER = 19  # never written by the generated bodies (DATA_REGS are x0..x17)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), length=st.integers(1, 10),
       iterations=st.integers(1, 3), kind=st.sampled_from(["subs", "cbnz", "tbz"]))
def test_random_self_loop_matches_native(seed, length, iterations, kind):
    """A block that branches to itself runs with its registers pinned across iterations."""
    rng = random.Random(seed)
    with pytest.MonkeyPatch.context() as patch:  # few registers, so the loop's fit the host's
        patch.setattr(a64_gen, "DATA_REGS", (0, 1) if seed % 2 else (0, 5, 9))
        body = [instruction(rng, rng.choice(sorted(CLASSES))) for _ in range(length)]
    start = CODE_BASE
    if kind == "subs":
        tail = ["subs x19, x19, #1", f"b.ne #{start:#x}"]
    elif kind == "cbnz":
        tail = ["sub x19, x19, #1", f"cbnz x19, #{start:#x}"]
    else:
        tail = ["sub w19, w19, #1", f"tbz w19, #31, #{start:#x}"]
        iterations -= 1  # runs until the counter goes negative
    lines = body + tail
    words = [w for k, line in enumerate(lines) for w in assemble_a64_at(line, k)]
    regs = initial_registers(rng)
    regs[LOOP_COUNTER] = iterations
    differential(words, regs, rng.randrange(16), rng.randbytes(4096))
