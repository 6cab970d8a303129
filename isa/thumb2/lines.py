"""Assemble a translated block line by line, remembering each line's encoding.

A block is mostly instructions the translator emits again and again (state loads, counter
updates, register moves), so each distinct instruction -- or IT group, whose members must be
encoded together -- is encoded once per process and its bytes reused: by hand where
isa.thumb2.encode knows the form (every form the translator emits, as of writing), by Keystone
otherwise, in one call for all the lines of a block it needs for the first time.  Branches to the
block's own labels are laid out here the way Keystone lays them out: narrow where the target is
in range, wide otherwise.  A label used any other way sends the whole block to Keystone.
"""

from __future__ import annotations

from isa.errors import AssembleError
from isa.thumb2.assemble import assemble
from isa.thumb2.disasm import instruction_offsets
from isa.thumb2.encode import (
    CONDITIONS,
    branch_cond,
    branch_narrow,
    branch_w,
    compare_branch,
    encode_it_group,
    encode_line,
    encode_parsed,
)
from isa.thumb2.encode_operands import forget_operands

_CONDS = CONDITIONS
_BRANCHES = {"b": None, "b.w": None} | {f"b{c}": k for c, k in _CONDS.items()} \
    | {f"b{c}.w": k for c, k in _CONDS.items()}
_NOP = (0xBF00).to_bytes(2, "little")
# the offsets of a one-instruction unit (shared, so tested by identity: a variable-length tuple,
# which mypyc keeps an object)
_SINGLE: tuple[int, ...] = (0,)


# instruction text (an IT group: its lines) -> (code, offset of each instruction in it)
_UNITS: dict[str, tuple[bytes, tuple[int, ...]]] = {}
_LABEL_BRANCHES: dict[str, tuple] = {}  # "bne .L3" -> its parsed form
_MEMOS: list[dict] = []  # the emitters' memos of lines they had encoded (line_memo)


def forget() -> None:
    """Empty the remembered encodings (as in a fresh process): for cold-start measurements."""
    _UNITS.clear()
    _LABEL_BRANCHES.clear()
    for memo in _MEMOS:
        memo.clear()
    forget_operands()


def line_memo() -> dict:
    """A dict in which an emitter keeps the lines it had encoded by :func:`remember` (under keys
    of its own); :func:`forget` empties it with the encodings."""
    memo: dict = {}
    _MEMOS.append(memo)
    return memo


def remember(line: str, mnemonic: str, sig: str, values: tuple) -> None:
    """Encode the instruction ``line`` -- ``mnemonic`` with operands that parse_operands reads
    as (``sig``, ``values``) -- from those numbers, so that it is not parsed back."""
    code = encode_parsed(mnemonic, sig, values)
    if code is not None:
        _UNITS[line] = (code, _SINGLE)


class _Fallback(Exception):
    """The block uses a label in a way only Keystone lays out."""


def assemble_lines(lines: list[str]) -> tuple[bytes, list[int]]:
    """Machine code of the block ``lines`` (placed at a 4-byte-aligned address) and the offset
    of each instruction in it."""
    wide: set[int] = set()
    while True:
        try:
            return _layout(lines, wide)
        except _Missing as missing:  # one name per clause: mypyc gives a name one type
            _assemble_units(missing.units)
        except _OutOfRange as out_of_range:
            wide.add(out_of_range.index)
        except _Fallback:
            code = assemble("\n".join(lines), 0)
            return code, instruction_offsets(code)


class _Missing(Exception):
    def __init__(self, units: list[str]):
        self.units = units


class _OutOfRange(Exception):
    def __init__(self, index: int):
        self.index = index


def _layout(lines: list[str], wide: set[int]) -> tuple[bytes, list[int]]:
    """One pass placing known units, recording labels and leaving room for label branches
    (narrow unless their instruction index is in ``wide``), then the branches encoded.  Raises
    _Missing with the units never assembled, _OutOfRange for a narrow branch out of reach."""
    unit_of = _UNITS.get
    codes: list[bytes] = []
    offsets: list[int] = []
    labels, branches, missing = {}, [], []
    add_code, add_offset = codes.append, offsets.append
    at = 0
    rest = iter(lines)
    for line in rest:
        unit = unit_of(line)
        if unit is None:
            if line[-1] == ":":
                labels[line[:-1]] = at
                continue
            if ".L" in line:
                branch = _LABEL_BRANCHES.get(line) or _label_branch(line)
                size = 4 if branch[3] or len(offsets) in wide else 2
                branches.append((len(offsets), len(codes), at, size, branch))
                add_offset(at)
                add_code(b"")
                at += size
                continue
            mnemonic = line.partition(" ")[0]
            if mnemonic[:2] == "it" and not mnemonic.strip("ite"):  # an IT group: one unit
                line = "\n".join([line, *[next(rest) for _ in mnemonic[1:]]])
                if ".L" in line:
                    raise _Fallback
                unit = unit_of(line)
            if unit is None:
                unit = _encode_unit(line)
                if unit is None:
                    missing.append(line)
                    continue
        code, starts = unit
        if starts is _SINGLE:
            add_offset(at)
        else:
            offsets.extend([at + start for start in starts])
        add_code(code)
        at += len(code)
    if missing:
        raise _Missing(list(dict.fromkeys(missing)))
    for index, slot, at, size, (kind, arg, label, _) in branches:
        encoded = _branch(kind, arg, at, labels[label], size == 4)
        if encoded is None:
            if kind != "b":
                raise AssembleError(f"{kind} cannot reach {label}")
            raise _OutOfRange(index)
        codes[slot] = encoded
    return b"".join(codes), offsets


def _label_branch(line: str) -> tuple:
    """(kind, condition or register, label, wide-only) of a branch to a local label."""
    mnemonic, _, operands = line.partition(" ")
    if mnemonic in ("cbz", "cbnz"):
        register, _, label = operands.partition(", ")
        parsed: tuple[str, int | None, str, bool] = (
            mnemonic, int(register.removeprefix("r")), label, False)
    elif mnemonic in _BRANCHES and operands.startswith(".L"):
        parsed = "b", _BRANCHES[mnemonic], operands, mnemonic.endswith(".w")
    else:
        raise _Fallback
    _LABEL_BRANCHES[line] = parsed
    return parsed


def _encode_unit(unit: str) -> tuple[bytes, tuple[int, ...]] | None:
    """Encode a new unit by hand (the translator's forms and IT groups of them) and remember it;
    None when only Keystone knows the form."""
    if "\n" in unit:
        encoded = encode_it_group(unit)
    else:
        code = encode_line(unit)
        encoded = None if code is None else (code, _SINGLE)
    if encoded is not None:
        _UNITS[unit] = encoded
    return encoded


def _assemble_units(missing: list[str]) -> None:
    """Encode the units only Keystone knows, in one call; remember each one's code and the
    offsets of its instructions."""
    code = assemble("\n".join(missing), 0)
    offsets = instruction_offsets(code) + [len(code)]
    k = 0
    for unit in missing:
        count = unit.count("\n") + 1
        first = offsets[k]
        starts = _SINGLE if count == 1 else tuple(offsets[j] - first for j in range(k, k + count))
        _UNITS[unit] = (code[first:offsets[k + count]], starts)
        k += count


def _branch(kind: str, arg, at: int, target: int, wide: bool) -> bytes | None:
    """A label branch's encoding, or None when its narrow form cannot reach."""
    if kind != "b":  # to the next instruction: a NOP, as Keystone relaxes it
        return _NOP if target == at + 2 else compare_branch(kind == "cbnz", arg, at, target)
    if arg is None:
        return branch_w(at, target) if wide else branch_narrow(at, target)
    return branch_cond(arg, at, target, wide)
