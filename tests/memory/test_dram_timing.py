"""Timing legality per standard: the earliest legal cycle of the next command after a command
matches the constraint table (the simulator's compiled form and a plain reading of it)."""

from __future__ import annotations

import random

import pytest

from memory.dram.constraints import Command, constraint_table, earliest_cycle
from memory.dram.controller import compile_table, issue_command, new_timing_state, ready_cycle
from memory.dram.presets import DEVICE_PRESETS, device_preset

STANDARD_PRESETS = ["ddr4-2400", "ddr5-4800", "hbm2-2000", "hbm2e-3200", "hbm3-6400",
                    "hbm3e-9200", "mcdram-knl"]
A, P, PA, R, W, F = Command.ACT, Command.PRE, Command.PREA, Command.RD, Command.WR, Command.REF


class Channel:
    """One channel's compiled timing state, driven command by command."""

    def __init__(self, spec):
        self.spec = spec
        self.table = compile_table(constraint_table(spec))
        slots = int((self.table[5] >= 0).sum())
        self.state = new_timing_state(spec.org.bank_groups, spec.org.banks, slots)
        self.per_group = spec.org.banks_per_group

    def issue(self, cmd, bg, bank, cycle):
        issue_command(*self.state, *self.table, int(cmd), bg, bg * self.per_group + bank, cycle)

    def earliest(self, cmd, bg=0, bank=0):
        ready_ch, ready_bg, ready_bk = self.state[:3]
        return int(ready_cycle(ready_ch, ready_bg, ready_bk, int(cmd), bg,
                               bg * self.per_group + bank))


def test_every_standard_has_a_preset():
    standards = {spec.standard for spec in DEVICE_PRESETS.values()}
    assert standards >= {"DDR4", "DDR5", "HBM2", "HBM2E", "HBM3", "HBM3E", "MCDRAM"}


@pytest.mark.parametrize("name", STANDARD_PRESETS)
def test_after_activate(name):
    spec = device_preset(name)
    t = spec.timing
    ch = Channel(spec)
    ch.issue(A, 0, 0, 100)
    assert ch.earliest(R, 0, 0) == 100 + t.nRCD
    assert ch.earliest(W, 0, 0) == 100 + t.nRCD
    assert ch.earliest(P, 0, 0) == 100 + t.nRAS
    assert ch.earliest(A, 0, 0) == 100 + t.nRC
    assert ch.earliest(A, 0, 1) == 100 + max(t.nRRD_L, spec.row_command_cycles)
    assert ch.earliest(A, 1, 0) == 100 + max(t.nRRD_S, spec.row_command_cycles)
    assert ch.earliest(PA) == 100 + t.nRAS
    assert ch.earliest(F) == 100 + t.nRC


@pytest.mark.parametrize("name", STANDARD_PRESETS)
def test_four_activate_window(name):
    spec = device_preset(name)
    t = spec.timing
    ch = Channel(spec)
    groups = spec.org.bank_groups
    cycles = [100 + i * t.nRRD_S for i in range(4)]
    for i, cycle in enumerate(cycles):
        ch.issue(A, i % groups, i // groups, cycle)
    fifth = ch.earliest(A, 0, spec.org.banks_per_group - 1)
    assert fifth == max(cycles[0] + t.nFAW, cycles[-1] + t.nRRD_S,
                        cycles[0] + t.nRRD_L)


@pytest.mark.parametrize("name", STANDARD_PRESETS)
def test_after_read(name):
    spec = device_preset(name)
    t = spec.timing
    ch = Channel(spec)
    ch.issue(R, 0, 0, 500)
    assert ch.earliest(R, 0, 1) == 500 + t.nCCD_L  # same bank group
    assert ch.earliest(R, 1, 0) == 500 + max(t.nCCD_S, spec.nBL)  # other bank group
    assert ch.earliest(W, 1, 0) == 500 + t.nCL + spec.nBL + 2 - t.nCWL  # read-to-write
    assert ch.earliest(P, 0, 0) == 500 + t.nRTP
    assert ch.earliest(P, 0, 1) <= 501  # another bank is not held by this read


@pytest.mark.parametrize("name", STANDARD_PRESETS)
def test_after_write(name):
    spec = device_preset(name)
    t = spec.timing
    ch = Channel(spec)
    ch.issue(W, 0, 0, 500)
    end = 500 + t.nCWL + spec.nBL
    assert ch.earliest(R, 0, 1) == end + t.nWTR_L
    assert ch.earliest(R, 1, 0) == end + t.nWTR_S
    assert ch.earliest(W, 0, 1) == 500 + t.nCCD_L
    assert ch.earliest(W, 1, 0) == 500 + max(t.nCCD_S, spec.nBL)
    assert ch.earliest(P, 0, 0) == end + t.nWR
    assert ch.earliest(PA) == end + t.nWR


@pytest.mark.parametrize("name", STANDARD_PRESETS)
def test_precharge_and_refresh(name):
    spec = device_preset(name)
    t = spec.timing
    ch = Channel(spec)
    ch.issue(P, 1, 1, 50)
    assert ch.earliest(A, 1, 1) == 50 + t.nRP
    assert ch.earliest(F) == 50 + t.nRP
    ch.issue(PA, 0, 0, 80)
    assert ch.earliest(A, 0, 0) == 80 + t.nRP
    ch.issue(F, 0, 0, 200)
    assert ch.earliest(A, 3 % spec.org.bank_groups, 0) == 200 + t.nRFC
    assert ch.earliest(F) == 200 + t.nRFC


@pytest.mark.parametrize("name", ["ddr4-2400", "hbm3-6400"])
def test_command_bus_takes_one_command_per_cycle(name):
    spec = device_preset(name)
    ch = Channel(spec)
    ch.issue(R, 0, 0, 10)
    if spec.split_command_bus:
        assert ch.earliest(P, 1, 1) <= 10  # row and column commands use separate buses
    else:
        assert ch.earliest(P, 1, 1) == 11


@pytest.mark.parametrize("name", STANDARD_PRESETS)
def test_compiled_table_matches_plain_reading(name):
    """Random command histories: the compiled state equals the table read in plain Python."""
    spec = device_preset(name)
    table = constraint_table(spec)
    rng = random.Random(name)
    ch = Channel(spec)
    history = []
    cycle = 0
    for _ in range(60):
        cmd = rng.choice(list(Command))
        bg, bank = rng.randrange(spec.org.bank_groups), rng.randrange(spec.org.banks_per_group)
        cycle = max(cycle + rng.randrange(0, 6), ch.earliest(cmd, bg, bank))
        ch.issue(cmd, bg, bank, cycle)
        history.append((cycle, cmd, bg, bank))
        probe = rng.choice(list(Command)), rng.randrange(spec.org.bank_groups), rng.randrange(
            spec.org.banks_per_group)
        assert ch.earliest(*probe) == earliest_cycle(table, history, *probe)
