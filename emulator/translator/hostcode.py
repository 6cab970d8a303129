"""Thumb-2 text under construction for one block, with its static cycle cost."""

from __future__ import annotations

from dataclasses import dataclass, field

from isa.thumb2.encode_operands import REGISTERS
from isa.thumb2.lines import line_memo, remember
from isa.timing.cores import CoreModel


@dataclass
class FarBranch:
    """A ``b.w`` leaving the block; assembled as branch-to-self and re-encoded after placement."""

    index: int  # instruction index within the block
    target: int  # host address, or 0 for a chain slot still pointing at its stub


@dataclass(slots=True)
class HostCode:
    """Instructions (one machine instruction per line), labels, and cost bookkeeping.

    ``counted`` instructions are those on the block's main path: they make up its static cost.
    Exit stubs are emitted with ``counted=False`` (dispatcher overhead, not guest time).
    """

    core: CoreModel
    lines: list[str] = field(default_factory=list)
    n_insns: int = 0
    cycles: int = 0
    counted_insns: int = 0
    far: list[FarBranch] = field(default_factory=list)
    _labels: int = 0
    _costs: dict = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._costs = _COSTS.setdefault(self.core.name, {})

    def op(self, mnemonic: str, operands: str = "", counted: bool = True, cond: str = "") -> int:
        """Append one instruction (``cond``: its condition inside an IT block); return its index."""
        plain = mnemonic
        key: str | tuple[str, str] = mnemonic
        if cond:
            base, dot, width = mnemonic.partition(".")
            key, mnemonic = (plain, cond), base + cond + dot + width
        self.lines.append(f"{mnemonic} {operands}" if operands else mnemonic)
        if counted:
            cost = self._costs.get(key)
            if cost is None:
                cost = self._costs[key] = self.core.thumb_cycles(plain.partition(".")[0])
            self.cycles += cost
            self.counted_insns += 1
        index = self.n_insns
        self.n_insns = index + 1
        return index

    def raw(self, halfwords: tuple[int, ...], mnemonic: str) -> int:
        """One instruction given as encoded halfwords, costed as ``mnemonic``."""
        index = self.op(mnemonic)
        self.lines[-1] = ".hword " + ", ".join(f"{h:#06x}" for h in halfwords)
        return index

    def placeholders(self, count: int) -> int:
        """Reserve ``count`` uncounted instruction lines (filled in later); their first line."""
        first = len(self.lines)
        for _ in range(count):
            self.op("nop", counted=False)
        return first

    def fill(self, line: int, cycles: int, guest: int | None, host: int) -> None:
        """Write the accounting instructions into placeholders from ``line``: r12 += cycles,
        lr += guest (skipped when None), r10 += host; negative amounts subtract."""
        for reg, amount in (("r12", cycles), ("lr", guest), ("r10", host)):
            if amount is None:
                continue
            self.lines[line] = _counter_line(reg, amount)
            line += 1

    def new_label(self) -> str:
        self._labels += 1
        return f".L{self._labels}"

    def label(self, name: str) -> None:
        self.lines.append(f"{name}:")

    def far_branch(self, target: int = 0, counted: bool = True) -> int:
        """A ``b.w`` to a host address outside the block (0: to be chained later)."""
        index = self.op("b.w", ".", counted)  # branch-to-self, re-encoded once placed
        self.far.append(FarBranch(index, target))
        return index

    def text(self) -> str:
        return "\n".join(self.lines)



# core name -> {mnemonic, or (mnemonic, condition) inside an IT block: cycles}
_COSTS: dict[str, dict] = {}
_COUNTER_LINES = line_memo()  # (register, amount) -> its addw / subw line


def _counter_line(reg: str, amount: int) -> str:
    """``reg`` += ``amount`` (addw, or subw when negative), encoded from the numbers."""
    text = _COUNTER_LINES.get((reg, amount))
    if text is None:
        name = "addw" if amount >= 0 else "subw"
        text = _COUNTER_LINES[reg, amount] = f"{name} {reg}, {reg}, #{abs(amount)}"
        remember(text, name, "rri", (REGISTERS[reg], REGISTERS[reg], abs(amount)))
    return text
