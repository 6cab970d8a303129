"""The guest's 32-bit address window and the M core's reserved host region.

Guest memory is mapped at the same addresses in both machines (translated and native), so
translated code can use guest pointers as host pointers.  The host region holds the guest state
block, the indirect-branch jump cache, the runtime routines and the code cache; no guest mapping
may overlap it.

Where memory that is written often lives matters for speed: the ARMv7-M default memory map makes
0x40000000-0x5FFFFFFF and 0xA0000000-0xDFFFFFFF execute-never, and Unicorn's softmmu sends every
store to a page that may hold code down a slow path (~30 ns instead of ~4 ns per store on this
machine, measured).  So the guest state block, the stack and the brk heap live in execute-never
space, like the mmap area; only the code cache and the runtime sit in executable SRAM.  The M core
never runs guest code, so guest images belong there too: the toolchain links AArch64 programs,
and the loader places relocatable objects, at IMAGE_BASE (a program linked elsewhere runs the
same, its stores to its own .data/.bss slower).  Both machines also map guest memory that is not
code without execute permission (Machine.map), which is what makes the native (AArch64) machine's
stores fast: with the MMU off, nothing there is execute-never by address.
"""

from __future__ import annotations

PAGE_SHIFT = 12
PAGE = 1 << PAGE_SHIFT

HOST_BASE = 0x20000000
HOST_SIZE = 0x01000000
RUNTIME = HOST_BASE + 0x9000  # shared runtime routines
CODE_CACHE = HOST_BASE + 0x10000
CODE_CACHE_MAX = HOST_BASE + HOST_SIZE - CODE_CACHE

HOST_DATA = 0xDFF00000  # execute-never host memory: the guest state block and the jump cache
HOST_DATA_SIZE = 0x00010000
ENV = HOST_DATA  # guest state block (emulator.state)
# The indirect-branch jump cache: 2**JT_BITS entries of (guest pc, host address | 1), reached
# from the state block's register r11 with 12-bit offsets (so after the block, below 4 KiB).
JT_OFFSET = 0x800
JUMP_TABLE = ENV + JT_OFFSET
JT_BITS = 12
HOST_REGIONS = ((HOST_BASE, HOST_SIZE), (HOST_DATA, HOST_DATA_SIZE))

STACK_TOP = 0xD8000000
STACK_SIZE = 8 << 20
MMAP_BASE = 0x40000000
MMAP_LIMIT = 0x60000000
BRK_BASE = 0xC0000000  # the program break starts here (as with a randomized brk) ...
HEAP_LIMIT = 0xD0000000  # ... and may grow up to here
IMAGE_BASE = 0xA0000000  # execute-never on the M core (see above)
RETURN_MAGIC = 0x00000FF0  # return address of API calls: reaching it ends the call


def jump_slot(guest_pc: int) -> int:
    """Address of the jump-cache entry for ``guest_pc`` (the runtime's lookup indexes the same)."""
    return JUMP_TABLE + 8 * ((guest_pc >> 2) & ((1 << JT_BITS) - 1))


def page_align(value: int) -> int:
    return (value + PAGE - 1) & ~(PAGE - 1)


def overlaps_host(start: int, size: int) -> bool:
    return any(start < base + n and base < start + size for base, n in HOST_REGIONS)


def is_host(addr: int) -> bool:
    """Whether ``addr`` lies in memory the M core reserves for itself."""
    return any(base <= addr < base + n for base, n in HOST_REGIONS)


def in_window(start: int, size: int) -> bool:
    return 0 <= start and start + size <= 0xE0000000
