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
NOP = (0xBF00).to_bytes(2, "little")
_SINGLE = (0,)  # the offsets of a one-instruction unit (shared, so tested by identity)


class _Unit(tuple):
    """(code, offsets of its instructions): a tuple subclass, so items tell units apart."""

    def __new__(cls, code: bytes, offsets: tuple[int, ...]):
        return super().__new__(cls, (code, offsets))


_UNITS: dict[str, _Unit] = {}  # instruction text (an IT group: its lines) -> its code
_LABEL_BRANCHES: dict[str, tuple] = {}  # "bne .L3" -> its parsed form


def forget() -> None:
    """Empty the remembered encodings (as in a fresh process): for cold-start measurements."""
    _UNITS.clear()
    _LABEL_BRANCHES.clear()


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
            return _place(items, wide)
        except _OutOfRange as exc:
            wide.add(exc.index)


def _items(lines: list[str]) -> list:
    """The block as units (code, offset of each instruction in it), label names and label
    branches (kind, condition or register, label, wide-only); new units go to Keystone."""
    unit_of, items, missing, k = _UNITS.get, [], [], 0
    add = items.append
    while k < len(lines):
        line = lines[k]
        k += 1
        unit = unit_of(line)
        if unit is not None:
            add(unit)
        elif line[-1] == ":":
            add(line[:-1])
        elif ".L" in line:
            branch = _LABEL_BRANCHES.get(line)
            if branch is None:
                branch = _LABEL_BRANCHES[line] = _label_branch(line)
            add(branch)
        else:
            mnemonic = line.partition(" ")[0]
            if mnemonic[:2] == "it" and not mnemonic.strip("ite"):
                line = "\n".join(lines[k - 1:k - 1 + len(mnemonic)])
                k += len(mnemonic) - 1
                if ".L" in line:
                    raise _Fallback
            add(line)
            missing.append(line)
    if missing:
        _assemble_units(list(dict.fromkeys(missing)))
        items = [unit_of(item, item) if isinstance(item, str) else item for item in items]
    return items


def _label_branch(line: str) -> tuple:
    mnemonic, _, operands = line.partition(" ")
    if mnemonic in ("cbz", "cbnz"):
        register, _, label = operands.partition(", ")
        return mnemonic, int(register.removeprefix("r")), label, False
    if mnemonic not in _BRANCHES or not operands.startswith(".L"):
        raise _Fallback
    return "b", _BRANCHES[mnemonic], operands, mnemonic.endswith(".w")


def _assemble_units(missing: list[str]) -> None:
    """Assemble the new units in one Keystone call and remember each one's code and the
    offsets of its instructions."""
    code = assemble("\n".join(missing), 0)
    offsets = instruction_offsets(code) + [len(code)]
    k = 0
    for unit in missing:
        count = unit.count("\n") + 1
        first = offsets[k]
        starts = tuple(offsets[j] - first for j in range(k, k + count))
        _UNITS[unit] = _Unit(code[first:offsets[k + count]], _SINGLE if count == 1 else starts)
        k += count


class _OutOfRange(Exception):
    def __init__(self, index: int):
        self.index = index


def _place(items: list, wide: set[int]) -> tuple[bytes, list[int]]:
    """Lay the items out with label branches narrow unless in ``wide``, then encode the
    branches; _OutOfRange names a narrow one that cannot reach."""
    codes, offsets, labels, branches, at = [], [], {}, [], 0
    add_code, add_offset = codes.append, offsets.append
    for n, item in enumerate(items):
        kind = type(item)
        if kind is _Unit:
            code, starts = item
            if starts is _SINGLE:
                add_offset(at)
            else:
                offsets.extend([at + start for start in starts])
            add_code(code)
            at += len(code)
        elif kind is str:
            labels[item] = at
        else:
            size = 4 if item[3] or n in wide else 2
            branches.append((n, len(codes), at, size))
            offsets.append(at)
            codes.append(b"")
            at += size
    for n, slot, at, size in branches:
        kind, arg, label, _ = items[n]
        encoded = _branch(kind, arg, at, labels[label], size == 4)
        if encoded is None:
            if kind != "b":
                raise AssembleError(f"{kind} cannot reach {label}")
            raise _OutOfRange(n)
        codes[slot] = encoded
    return b"".join(codes), offsets


def _branch(kind: str, arg, at: int, target: int, wide: bool) -> bytes | None:
    """A label branch's encoding, or None when its narrow form cannot reach."""
    if kind != "b":  # to the next instruction: a NOP, as Keystone relaxes it
        return NOP if target == at + 2 else compare_branch(kind == "cbnz", arg, at, target)
    if arg is None:
        return branch_w(at, target) if wide else branch_narrow(at, target)
    return branch_cond(arg, at, target, wide)
