"""Assemble a translated block line by line, remembering what Keystone produced.

A block is mostly instructions the translator emits again and again (state loads, counter
updates, register moves), so each distinct instruction -- or IT group, whose members Keystone
must see together -- is assembled by Keystone once per process and its bytes reused; the lines
a block needs for the first time go to Keystone in one call.  Branches to the block's own labels
are laid out here the way Keystone lays them out: narrow where the target is in range, wide
otherwise.  A label used any other way sends the whole block to Keystone.
"""

from __future__ import annotations

from isa.errors import AssembleError
from isa.thumb2.assemble import assemble
from isa.thumb2.disasm import instruction_offsets
from isa.thumb2.encode import branch_cond, branch_narrow, branch_w, compare_branch

_CONDS = {c: k for k, c in enumerate(
    ("eq", "ne", "hs", "lo", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt", "gt", "le"))}
_CONDS.update(cs=2, cc=3)
_BRANCHES = {"b": None, "b.w": None} | {f"b{c}": k for c, k in _CONDS.items()} \
    | {f"b{c}.w": k for c, k in _CONDS.items()}
# instruction text (an IT group: its lines) -> (code, size of each instruction)
_UNITS: dict[str, tuple[bytes, tuple[int, ...]]] = {}
UNIT, LABEL, BRANCH = "unit", "label", "branch"
NOP = (0xBF00).to_bytes(2, "little")


class _Fallback(Exception):
    """The block uses a label in a way only Keystone lays out."""


def assemble_lines(lines: list[str]) -> tuple[bytes, list[int]]:
    """Machine code of the block ``lines`` (placed at a 4-byte-aligned address) and the offset
    of each instruction in it."""
    try:
        items = _items(lines)
    except _Fallback:
        code = assemble("\n".join(lines), 0)
        return code, instruction_offsets(code)
    wide: set[int] = set()
    while True:
        try:
            return _emit(items, _labels(items, wide), wide)
        except _OutOfRange as exc:
            wide.add(exc.index)


def _items(lines: list[str]) -> list[tuple]:
    """The block as (UNIT, code, sizes), (LABEL, name) and (BRANCH, kind, condition or
    register, label, wide-only) items; units seen for the first time are assembled here."""
    units, items, missing, k = _UNITS, [], [], 0
    while k < len(lines):
        line = lines[k]
        k += 1
        if line in units:
            items.append(line)
        elif line[-1] == ":":
            items.append((LABEL, line[:-1]))
        elif ".L" in line:
            items.append(_label_branch(line))
        else:
            mnemonic = line.partition(" ")[0]
            if mnemonic[:2] == "it" and not mnemonic.strip("ite"):
                line = "\n".join(lines[k - 1:k - 1 + len(mnemonic)])
                k += len(mnemonic) - 1
                if ".L" in line:
                    raise _Fallback
            items.append(line)
            missing.append(line)
    if missing:
        _assemble_units(list(dict.fromkeys(missing)))
    return [(UNIT, *units[i]) if isinstance(i, str) else i for i in items]


def _label_branch(line: str) -> tuple:
    mnemonic, _, operands = line.partition(" ")
    if mnemonic in ("cbz", "cbnz"):
        register, _, label = operands.partition(", ")
        return BRANCH, mnemonic, int(register.removeprefix("r")), label, False
    if mnemonic not in _BRANCHES or not operands.startswith(".L"):
        raise _Fallback
    return BRANCH, "b", _BRANCHES[mnemonic], operands, mnemonic.endswith(".w")


def _assemble_units(missing: list[str]) -> None:
    """Assemble the new units in one Keystone call and remember each one's code and sizes."""
    code = assemble("\n".join(missing), 0)
    offsets = instruction_offsets(code) + [len(code)]
    k = 0
    for unit in missing:
        count = unit.count("\n") + 1
        _UNITS[unit] = (code[offsets[k]:offsets[k + count]],
                        tuple(offsets[j + 1] - offsets[j] for j in range(k, k + count)))
        k += count


def _labels(items: list[tuple], wide: set[int]) -> dict[str, int]:
    """Where each label lands with label branches narrow except those in ``wide``."""
    labels, at = {}, 0
    for n, item in enumerate(items):
        tag = item[0]
        if tag is UNIT:
            at += len(item[1])
        elif tag is LABEL:
            labels[item[1]] = at
        else:
            at += 4 if item[4] or n in wide else 2
    return labels


class _OutOfRange(Exception):
    def __init__(self, index: int):
        self.index = index


def _emit(items: list[tuple], labels: dict[str, int], wide: set[int]) -> tuple[bytes, list[int]]:
    out, offsets, at = [], [], 0
    for n, item in enumerate(items):
        tag = item[0]
        if tag is UNIT:
            out.append(item[1])
            for size in item[2]:
                offsets.append(at)
                at += size
        elif tag is BRANCH:
            _, kind, arg, label, forced = item
            encoded = _branch(kind, arg, at, labels[label], forced or n in wide)
            if encoded is None:
                if kind != "b":
                    raise AssembleError(f"{kind} cannot reach {label}")
                raise _OutOfRange(n)
            out.append(encoded)
            offsets.append(at)
            at += len(encoded)
    return b"".join(out), offsets


def _branch(kind: str, arg, at: int, target: int, wide: bool) -> bytes | None:
    """A label branch's encoding, or None when its narrow form cannot reach."""
    if kind != "b":  # to the next instruction: a NOP, as Keystone relaxes it
        return NOP if target == at + 2 else compare_branch(kind == "cbnz", arg, at, target)
    if arg is None:
        return branch_w(at, target) if wide else branch_narrow(at, target)
    return branch_cond(arg, at, target, wide)
