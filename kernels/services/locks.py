"""Locks and scheduling on the single emulated CPU: spinlock slow path, mutexes, wait-queue
heads, cond_resched, bottom halves.  Nothing else runs, so a lock found held when its owner
asks again is a deadlock, reported with the caller."""

from __future__ import annotations

import struct

from kernels.services.kernel import Kernel
from kernels.services.lists import init_list_head

Q_LOCKED_VAL = 1  # include/asm-generic/qspinlock_types.h: the locked byte of the lock word
Q_LOCKED_MASK = 0xFF
MUTEX_FLAGS = 0x07  # kernel/locking/mutex.c: low bits of mutex.owner are flags


def queued_spin_lock_slowpath(kernel: Kernel, lock: int, val: int) -> None:
    """Called when the inline fast path found the lock word non-zero."""
    word = struct.unpack("<I", kernel.read(lock, 4))[0]
    if word & Q_LOCKED_MASK:
        raise kernel.error(f"spinlock 0x{lock:x} is already held: a deadlock on the single "
                           f"emulated CPU")
    kernel.write(lock, struct.pack("<I", word | Q_LOCKED_VAL))


def _owner_at(kernel: Kernel, lock: int) -> int:
    return lock + kernel.offset("mutex", "owner")


def __mutex_init(kernel: Kernel, lock: int, name: int, key: int) -> None:
    kernel.write(_owner_at(kernel, lock), bytes(8))
    kernel.write(lock + kernel.offset("mutex", "wait_lock"), bytes(4))
    wait_list = lock + kernel.offset("mutex", "wait_list")
    init_list_head(kernel, wait_list)


def mutex_trylock(kernel: Kernel, lock: int) -> int:
    owner = kernel.u64(_owner_at(kernel, lock))
    if owner & ~MUTEX_FLAGS:
        return 0
    kernel.write(_owner_at(kernel, lock), struct.pack("<Q", kernel.current() | owner))
    return 1


def mutex_lock(kernel: Kernel, lock: int) -> None:
    if not mutex_trylock(kernel, lock):
        raise kernel.error(f"mutex 0x{lock:x} is already held: a deadlock on the single "
                           f"emulated CPU")


def mutex_lock_interruptible(kernel: Kernel, lock: int) -> int:
    mutex_lock(kernel, lock)
    return 0


def mutex_unlock(kernel: Kernel, lock: int) -> None:
    owner = kernel.u64(_owner_at(kernel, lock))
    if owner & ~MUTEX_FLAGS != kernel.current():
        raise kernel.error(f"mutex_unlock of mutex 0x{lock:x}, which this task does not hold")
    kernel.write(_owner_at(kernel, lock), struct.pack("<Q", owner & MUTEX_FLAGS))


def __cond_resched(kernel: Kernel) -> int:
    """One task on one CPU: there is never anyone to yield to."""
    return 0


def __local_bh_enable_ip(kernel: Kernel, ip: int, cnt: int) -> None:
    """Re-enabling bottom halves runs pending softirqs; the emulated system raises none."""


def __init_waitqueue_head(kernel: Kernel, wq_head: int, name: int, key: int) -> None:
    head = wq_head + kernel.offset("wait_queue_head", "head")
    kernel.write(wq_head, bytes(head - wq_head))  # the spinlock
    init_list_head(kernel, head)


FUNCTIONS = {
    "__cond_resched": __cond_resched, "__local_bh_enable_ip": __local_bh_enable_ip,
    "__init_waitqueue_head": __init_waitqueue_head,
    "queued_spin_lock_slowpath": queued_spin_lock_slowpath, "__mutex_init": __mutex_init,
    "mutex_lock": mutex_lock, "mutex_lock_interruptible": mutex_lock_interruptible,
    "mutex_lock_killable": mutex_lock_interruptible, "mutex_trylock": mutex_trylock,
    "mutex_unlock": mutex_unlock,
}
