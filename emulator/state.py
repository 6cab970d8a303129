"""Layout of the guest state block (x0..x30, sp, system registers, exclusive monitor).

The translated code reaches it through the reserved host register r11; the native machine keeps
the same values in Unicorn's AArch64 registers.  Offsets are bytes from the block's start.
The rest of the guest state lives where it is cheapest: NZCV in the host APSR, the pc in the
dispatcher (each exit names where the guest continues), and the cycle, guest-instruction and
host-instruction counters in r12, lr and r10 (folded into the stats at every exit).
"""

from __future__ import annotations

from isa.a64.insn import SP


def reg_offset(guest: int) -> int:
    """Offset of X register ``guest`` (31 is SP)."""
    return 8 * guest


SP_OFFSET = reg_offset(SP)
EXCL_ADDR = 264  # exclusive monitor: address of the last load-exclusive (low word)
EXCL_VALID = 268  # 1 while the monitor is armed
EXCL_VALUE = 272  # the value that load-exclusive read (8 bytes)
SYSREG_BASE = 280  # one 8-byte slot per system register in isa.a64.decode.SYSREGS order
SIZE = 512


def sysreg_offset(index: int) -> int:
    return SYSREG_BASE + 8 * index
