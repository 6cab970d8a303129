"""The guest's 32-bit address window and the M core's reserved host region.

Guest memory is mapped at the same addresses in both machines (translated and native), so
translated code can use guest pointers as host pointers.  The host region holds the guest state
block, the indirect-branch jump cache, the runtime routines and the code cache; no guest mapping
may overlap it.
"""

from __future__ import annotations

PAGE = 0x1000

HOST_BASE = 0x20000000
HOST_SIZE = 0x01000000
ENV = HOST_BASE  # guest state block (emulator.state)
JUMP_TABLE = HOST_BASE + 0x1000  # 2**JT_BITS entries of (guest pc, host address | 1)
JT_BITS = 12
RUNTIME = HOST_BASE + 0x9000  # shared runtime routines
CODE_CACHE = HOST_BASE + 0x10000
CODE_CACHE_MAX = HOST_BASE + HOST_SIZE - CODE_CACHE

STACK_TOP = 0x7FF00000
STACK_SIZE = 8 << 20
MMAP_BASE = 0x40000000
MMAP_LIMIT = 0x60000000
HEAP_LIMIT = 0x18000000  # brk may grow up to here (below the host region)
RETURN_MAGIC = 0x00000FF0  # return address of API calls: reaching it ends the call


def page_align(value: int) -> int:
    return (value + PAGE - 1) & ~(PAGE - 1)


def overlaps_host(start: int, size: int) -> bool:
    return start < HOST_BASE + HOST_SIZE and HOST_BASE < start + size


def in_window(start: int, size: int) -> bool:
    return 0 <= start and start + size <= 0xE0000000
