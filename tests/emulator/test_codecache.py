"""Chain patches: a b.w reaches any block, a b<cond>.w only blocks within +-1 MiB (a farther
conditional exit stays on its stub, through the dispatcher)."""

from types import SimpleNamespace

from emulator.codecache import COND_REACH, _chain_branch
from emulator.translator.exits import Exit, ExitKind
from isa.thumb2.disasm import disasm

PATCH = 0x20010000


def _exit(cond):
    exit_ = Exit(ExitKind.CHAIN, 0x1000, cond=cond)
    exit_.patch_addr = PATCH
    return exit_


def test_conditional_chain_is_a_wide_conditional_branch_within_reach():
    for target in (PATCH + 0x40, PATCH - 0x2000, PATCH + 4 + COND_REACH - 2):
        patch = _chain_branch(_exit(1), SimpleNamespace(host_addr=target))
        assert disasm(patch, PATCH) == [(PATCH, 4, f"bne.w #{target:#x}")]


def test_conditional_chain_out_of_reach_stays_unchained():
    far = SimpleNamespace(host_addr=PATCH + 4 + COND_REACH)
    assert _chain_branch(_exit(0), far) is None
    patch = _chain_branch(_exit(None), far)
    assert disasm(patch, PATCH) == [(PATCH, 4, f"b.w #{far.host_addr:#x}")]
