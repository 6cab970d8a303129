"""Core timing tables: the published figures they encode."""

import pytest

from isa.errors import HwemuError
from isa.timing.cores import CORES, core


def test_cortex_m4_table():
    m4 = core("cortex-m4")
    assert m4.thumb_cycles("add") == 1 and m4.thumb_cycles("ldr") == 2
    assert m4.thumb_cycles("ldrd") == 3 and m4.thumb_cycles("umull") == 1
    assert 2 <= m4.thumb_cycles("udiv") <= 12 and m4.taken_branch_penalty in (1, 2, 3)


def test_cortex_m3_multiplies_are_slower():
    m3, m4 = core("cortex-m3"), core("cortex-m4")
    assert m3.thumb_cycles("umull") > m4.thumb_cycles("umull")
    assert m3.thumb_cycles("mla") == 2


def test_a53_charges_by_instruction_class():
    a53 = core("cortex-a53")
    assert a53.a64_cycles("dp2", "udiv") > a53.a64_cycles("dp3", "madd") > \
        a53.a64_cycles("addsub_imm", "add")


def test_every_core_names_its_source():
    assert all(c.source and c.mhz > 0 for c in CORES.values())


def test_unknown_core():
    with pytest.raises(HwemuError, match="unknown core 'cortex-z9'"):
        core("cortex-z9")
