"""List-corruption checks of CONFIG_DEBUG_LIST (lib/list_debug.c), which Debian's kernel
inlines into every list_add/list_del: a corrupted list stops the run with a named error, as
CONFIG_BUG_ON_DATA_CORRUPTION makes the kernel BUG().  Also the list_head operations other
services use on guest lists (INIT_LIST_HEAD, list_add, list_del)."""

from __future__ import annotations

import struct

from kernels.services.kernel import Kernel

LIST_POISON1, LIST_POISON2 = 0xDEAD000000000100, 0xDEAD000000000122  # POISON_POINTER_DELTA


def _link(kernel: Kernel, node: int, member: str) -> int:
    return kernel.get(node, "list_head", member)


def init_list_head(kernel: Kernel, head: int) -> None:
    kernel.write(head, struct.pack("<QQ", head, head))


def list_add(kernel: Kernel, entry: int, head: int) -> None:
    """``entry`` right after ``head``."""
    first = _link(kernel, head, "next")
    kernel.write(entry, struct.pack("<QQ", first, head))
    kernel.put(first, "list_head", "prev", entry)
    kernel.put(head, "list_head", "next", entry)


def list_del(kernel: Kernel, entry: int) -> None:
    """Unlink ``entry`` and poison it, as the kernel does."""
    prev, next_ = _link(kernel, entry, "prev"), _link(kernel, entry, "next")
    kernel.put(prev, "list_head", "next", next_)
    kernel.put(next_, "list_head", "prev", prev)
    kernel.write(entry, struct.pack("<QQ", LIST_POISON1, LIST_POISON2))


def __list_add_valid(kernel: Kernel, new: int, prev: int, next_: int) -> int:
    if _link(kernel, next_, "prev") != prev:
        raise kernel.error(f"list_add corruption: next->prev should be prev (0x{prev:x}), "
                           f"but is 0x{_link(kernel, next_, 'prev'):x} (next=0x{next_:x})")
    if _link(kernel, prev, "next") != next_:
        raise kernel.error(f"list_add corruption: prev->next should be next (0x{next_:x}), "
                           f"but is 0x{_link(kernel, prev, 'next'):x} (prev=0x{prev:x})")
    if new in (prev, next_):
        raise kernel.error(f"list_add double add: new=0x{new:x}, prev=0x{prev:x}, "
                           f"next=0x{next_:x}")
    return 1


def __list_del_entry_valid(kernel: Kernel, entry: int) -> int:
    prev, next_ = _link(kernel, entry, "prev"), _link(kernel, entry, "next")
    if next_ == LIST_POISON1 or prev == LIST_POISON2:
        raise kernel.error(f"list_del corruption: 0x{entry:x} was already deleted")
    if _link(kernel, prev, "next") != entry or _link(kernel, next_, "prev") != entry:
        raise kernel.error(f"list_del corruption: neighbours of 0x{entry:x} do not point "
                           f"back to it")
    return 1


FUNCTIONS = {"__list_add_valid": __list_add_valid,
             "__list_del_entry_valid": __list_del_entry_valid}
DATA: dict = {}
