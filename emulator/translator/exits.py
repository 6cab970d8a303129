"""How a translated block hands control back to the dispatcher."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from isa.a64.insn import A64Insn


class ExitKind(enum.Enum):
    CHAIN = "chain"  # direct branch to a guest pc not yet chained
    SVC = "svc"  # system call (SVC #imm), resume at the next instruction
    BRK = "brk"  # breakpoint instruction
    UNSUPPORTED = "unsupported"  # an instruction the translator does not handle
    HELPER = "helper"  # an instruction the dispatcher performs (counter reads)
    INDIRECT = "indirect"  # indirect branch whose target missed the jump cache


@dataclass
class Exit:
    """One exit of a block.  ``token`` is the host address the stub leaves in r3."""

    kind: ExitKind
    guest_pc: int  # where the guest continues (CHAIN/SVC/HELPER) or the faulting pc
    stub_index: int = -1
    patch_index: int = -1  # index of the chainable b.w or b<cond>.w (CHAIN only)
    cond: int | None = None  # the condition of a chainable b<cond>.w
    insn: A64Insn | None = None  # for SVC/BRK/HELPER/UNSUPPORTED
    token: int = 0
    patch_addr: int = 0
