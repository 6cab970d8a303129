"""Commands, levels and the timing-constraint table of a device (Ramulator style).

A constraint says: after command ``prev`` is issued to a node of ``level``, command ``next`` to
the same node may not issue earlier than ``latency`` cycles later. ``window`` > 1 means the
constraint counts from the ``window``-th most recent ``prev`` (four-activation window).
Channel-level entries also apply across bank groups; bank-group entries only within one.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from memory.dram.spec import DeviceSpec


class Command(IntEnum):
    ACT = 0  # open a row
    PRE = 1  # close one bank's row
    PREA = 2  # close every bank of the channel
    RD = 3
    WR = 4
    REF = 5  # all-bank refresh


class Level(IntEnum):
    CHANNEL = 0  # a channel or pseudo-channel: one controller, one data bus
    BANKGROUP = 1
    BANK = 2


ROW_COMMANDS = (Command.ACT, Command.PRE, Command.PREA, Command.REF)
COLUMN_COMMANDS = (Command.RD, Command.WR)
ALL_COMMANDS = tuple(Command)


@dataclass(frozen=True)
class Constraint:
    level: Level
    prev: Command
    next: Command
    latency: int
    window: int = 1


def _expand(level: Level, prev, nxt, latency: int, window: int = 1) -> list[Constraint]:
    prevs = prev if isinstance(prev, tuple) else (prev,)
    nexts = nxt if isinstance(nxt, tuple) else (nxt,)
    return [Constraint(level, p, n, latency, window) for p in prevs for n in nexts]


def constraint_table(spec: DeviceSpec) -> tuple[Constraint, ...]:
    """All timing constraints of ``spec``, derived from its timing parameters."""
    t, bl = spec.timing, spec.nBL
    A, P, PA, R, W, F = (Command.ACT, Command.PRE, Command.PREA, Command.RD, Command.WR,
                         Command.REF)
    CH, BG, BK = Level.CHANNEL, Level.BANKGROUP, Level.BANK
    write_end = t.nCWL + bl  # WR to the end of its data burst
    rows = [
        # command buses: one command per cycle; HBM has separate row and column buses
        *(_expand(CH, ROW_COMMANDS, ROW_COMMANDS, 1) + _expand(CH, COLUMN_COMMANDS,
                                                                COLUMN_COMMANDS, 1)
          if spec.split_command_bus else _expand(CH, ALL_COMMANDS, ALL_COMMANDS, 1)),
        *_expand(CH, A, ROW_COMMANDS if spec.split_command_bus else ALL_COMMANDS,
                 spec.row_command_cycles),
        # channel (different bank group): RAS-to-RAS, four-activation window
        *_expand(CH, A, A, t.nRRD_S),
        *_expand(CH, A, A, t.nFAW, window=4),
        # channel: CAS-to-CAS and data-bus turnaround
        *_expand(CH, R, R, max(t.nCCD_S, bl)),
        *_expand(CH, W, W, max(t.nCCD_S, bl)),
        *_expand(CH, R, W, spec.nRTW),
        *_expand(CH, W, R, write_end + t.nWTR_S),
        # channel: precharge-all and refresh
        *_expand(CH, A, PA, t.nRAS),
        *_expand(CH, R, PA, t.nRTP),
        *_expand(CH, W, PA, write_end + t.nWR),
        *_expand(CH, PA, A, t.nRP),
        *_expand(CH, A, F, t.nRC),
        *_expand(CH, (P, PA), F, t.nRP),
        *_expand(CH, F, (A, F), t.nRFC),
        # same bank group
        *_expand(BG, A, A, t.nRRD_L),
        *_expand(BG, R, R, t.nCCD_L),
        *_expand(BG, W, W, t.nCCD_L),
        *_expand(BG, W, R, write_end + t.nWTR_L),
        # same bank
        *_expand(BK, A, A, t.nRC),
        *_expand(BK, A, (R, W), t.nRCD),
        *_expand(BK, A, P, t.nRAS),
        *_expand(BK, P, A, t.nRP),
        *_expand(BK, R, P, t.nRTP),
        *_expand(BK, W, P, write_end + t.nWR),
    ]
    return tuple(rows)


def earliest_cycle(table: tuple[Constraint, ...], history: list[tuple[int, Command, int, int]],
                   command: Command, bank_group: int, bank: int) -> int:
    """Earliest legal cycle for ``command`` at (bank_group, bank) after ``history``.

    ``history`` lists issued commands as (cycle, command, bank_group, bank). A plain Python
    reading of the table, independent of the simulator's compiled form, used to check it.
    """
    earliest = 0
    for con in table:
        if con.next != command:
            continue
        times = [cycle for cycle, cmd, bg, bk in history if cmd == con.prev and (
            con.level == Level.CHANNEL
            or (con.level == Level.BANKGROUP and bg == bank_group)
            or (con.level == Level.BANK and bg == bank_group and bk == bank))]
        if len(times) >= con.window:
            earliest = max(earliest, sorted(times)[-con.window] + con.latency)
    return earliest
