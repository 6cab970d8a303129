"""The line assembler lays blocks out exactly as Keystone does: units, IT groups, label branches
narrow or relaxed to wide, the fallback for other label uses, and its errors."""

import random

import pytest

from isa.errors import AssembleError
from isa.thumb2.assemble import assemble
from isa.thumb2.disasm import instruction_offsets
from isa.thumb2.lines import assemble_lines

PLAIN = ["adds r0, r0, r1", "adc.w r1, r1, r2", "ldrd r4, r5, [r11, #16]", "mov r3, pc",
         "strd r0, r1, [r11, #8]", "movw r2, #4660", "movt r2, #22136", "addw r12, r12, #7",
         "subs.w r6, r7, #1", "orr.w r0, r0, r1, lsr #31", "cmp r0, #0", "b.w .", "nop",
         ".hword 0xfbb0, 0xf0f1", "msr apsr_nzcvq, r4", "mrs r4, apsr", "eor.w r8, r9, r0"]
IT_GROUPS = [["ite eq", "moveq r0, #1", "movne r0, #0"], ["it ne", "cmpne r1, r2"],
             ["ittee hs", "movhs r1, #1", "addhs r1, r1, r2", "movlo r1, #0", "sublo r1, #2"]]
BRANCHES = ["b", "b.w", "beq", "bne", "bhi", "bls", "bge", "blt", "bhs", "blo", "bcc",
            "bcs.w"]
COMPARE_BRANCHES = ["cbz r0,", "cbnz r7,"]


def _block(rng: random.Random, filler: int) -> list[str]:
    """A random block: plain lines, IT groups, labels and branches to them, with ``filler``
    extra instructions here and there to stretch distances.  CBZ/CBNZ reach only 126 bytes
    forward (Keystone silently truncates farther ones), so each gets a label a few lines on."""
    labels = [f".L{k}" for k in range(1, 5)]
    lines, pending = [], []
    for k in range(rng.randint(5, 25)):
        roll = rng.random()
        if roll < 0.15:
            lines.extend(rng.choice(IT_GROUPS))
        elif roll < 0.3:
            lines.append(f"{rng.choice(BRANCHES)} {rng.choice(labels)}")
        elif roll < 0.4:
            pending.append([f".L{100 + k}", rng.randint(0, 3)])
            lines.append(f"{rng.choice(COMPARE_BRANCHES)} {pending[-1][0]}")
            continue
        else:
            lines.append(rng.choice(PLAIN))
        for target in pending:
            target[1] -= 1
            if target[1] < 0:
                lines.append(target[0] + ":")
        pending = [target for target in pending if target[1] >= 0]
        if not pending and rng.random() < 0.1:
            lines.extend(["adc.w r1, r1, r2"] * filler)
    lines.extend(target[0] + ":" for target in pending)
    for label in labels:
        lines.insert(rng.randint(0, len(lines)), label + ":")
    return lines


@pytest.mark.parametrize("filler", [0, 40, 200, 700])
def test_random_blocks_match_keystone(filler):
    rng = random.Random(filler)
    for _ in range(60):
        lines = _block(rng, filler)
        reference = assemble("\n".join(lines), 0)
        code, offsets = assemble_lines(lines)
        assert code == reference, "\n".join(lines)
        assert offsets == instruction_offsets(reference)



def test_relaxes_out_of_reach_branches_to_wide():
    lines = ["beq .L1", "b .L1"] + ["adc.w r1, r1, r2"] * 600 + [".L1:", "nop"]
    code, offsets = assemble_lines(lines)
    assert code == assemble("\n".join(lines), 0)
    assert offsets[:3] == [0, 4, 8]  # both branches wide


def test_compare_branch_out_of_reach_is_an_error():
    lines = ["cbz r0, .L1"] + ["adc.w r1, r1, r2"] * 40 + [".L1:", "nop"]
    with pytest.raises(AssembleError, match="cbz cannot reach .L1"):
        assemble_lines(lines)


def test_other_label_uses_fall_back_to_keystone():
    lines = ["adr r0, .L1", "nop", ".L1:", "nop"]
    assert assemble_lines(lines) == (assemble("\n".join(lines), 0), [0, 2, 4])


def test_rejected_line_is_named():
    with pytest.raises(AssembleError, match="frobnicate r0"):
        assemble_lines(["movw r0, #1", "frobnicate r0"])
