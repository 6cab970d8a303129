"""Timers and workqueues (kernel/time/timer.c, kernel/workqueue.c): queued, never run by
themselves; `run_due` runs expired timers and pending work on demand, as guest calls, the way a
CPU's timer softirq and kworker would, in a fixed order (timers by expiry, work FIFO)."""

from __future__ import annotations

from kernels.services.convention import GuestCall
from kernels.services.kernel import Kernel

WORK_STRUCT_PENDING = 1  # bit 0 of work_struct.data (WORK_STRUCT_PENDING_BIT)
WORKQUEUES = ("system_wq", "system_highpri_wq", "system_long_wq", "system_unbound_wq",
              "system_freezable_wq", "system_power_efficient_wq",
              "system_freezable_power_efficient_wq")


def _pending(kernel: Kernel, work: int) -> bool:
    return bool(kernel.get(work, "work_struct", "data.counter") & WORK_STRUCT_PENDING)


def _set_pending(kernel: Kernel, work: int, on: bool) -> None:
    data = kernel.get(work, "work_struct", "data.counter")
    kernel.put(work, "work_struct", "data.counter",
               data | WORK_STRUCT_PENDING if on else data & ~WORK_STRUCT_PENDING)


# --- timers -----------------------------------------------------------------------------------

def init_timer_key(kernel: Kernel, timer: int, func: int, flags: int, name: int,
                   key: int) -> None:
    kernel.put(timer, "timer_list", "entry.next", 0)
    kernel.put(timer, "timer_list", "entry.pprev", 0)
    kernel.put(timer, "timer_list", "function", func)
    kernel.put(timer, "timer_list", "flags", flags)


def mod_timer(kernel: Kernel, timer: int, expires: int) -> int:
    """Re-arm; 1 if the timer was pending.  A shut-down timer (no function) stays idle."""
    was_pending = int(timer in kernel.timers)
    if not kernel.get(timer, "timer_list", "function"):
        return 0
    kernel.put(timer, "timer_list", "expires", expires)
    kernel.timers[timer] = expires
    return was_pending


def add_timer(kernel: Kernel, timer: int) -> None:
    if timer in kernel.timers:
        raise kernel.error(f"add_timer of pending timer 0x{timer:x}")
    mod_timer(kernel, timer, kernel.get(timer, "timer_list", "expires"))


def timer_delete(kernel: Kernel, timer: int) -> int:
    return int(kernel.timers.pop(timer, None) is not None)


def timer_shutdown_sync(kernel: Kernel, timer: int) -> int:
    was_pending = timer_delete(kernel, timer)
    kernel.put(timer, "timer_list", "function", 0)
    return was_pending


# --- workqueues -------------------------------------------------------------------------------

def queue_work_on(kernel: Kernel, cpu: int, wq: int, work: int) -> int:
    if _pending(kernel, work):
        return 0
    _set_pending(kernel, work, True)
    kernel.work.append(work)
    return 1


def delayed_work_timer_fn(kernel: Kernel, timer: int) -> None:
    """The timer of a delayed work expired: queue the work (to_delayed_work(timer))."""
    dwork = timer - kernel.btf.offsetof("delayed_work", "timer")
    kernel.work.append(dwork)


def queue_delayed_work_on(kernel: Kernel, cpu: int, wq: int, dwork: int, delay: int) -> int:
    if _pending(kernel, dwork):
        return 0
    _set_pending(kernel, dwork, True)
    kernel.put(dwork, "delayed_work", "wq", wq)
    kernel.put(dwork, "delayed_work", "cpu", cpu)
    if delay == 0:
        kernel.work.append(dwork)
    else:
        timer = dwork + kernel.btf.offsetof("delayed_work", "timer")
        kernel.timers[timer] = (kernel.jiffies() + delay) & (2**64 - 1)
        kernel.put(timer, "timer_list", "expires", kernel.timers[timer])
    return 1


def _cancel(kernel: Kernel, work: int, timer: int | None = None) -> int:
    was = _pending(kernel, work)
    if timer is not None:
        kernel.timers.pop(timer, None)
    if work in kernel.work:
        kernel.work.remove(work)
    _set_pending(kernel, work, False)
    return int(was)


def cancel_work_sync(kernel: Kernel, work: int) -> int:
    return _cancel(kernel, work)


def cancel_delayed_work(kernel: Kernel, dwork: int) -> int:
    return _cancel(kernel, dwork, dwork + kernel.btf.offsetof("delayed_work", "timer"))


def mod_delayed_work_on(kernel: Kernel, cpu: int, wq: int, dwork: int, delay: int) -> int:
    was = cancel_delayed_work(kernel, dwork)
    queue_delayed_work_on(kernel, cpu, wq, dwork, delay)
    return was


def flush_work(kernel: Kernel, work: int):
    """Runs the work now if it is queued (waiting for it, on one CPU); True if it waited."""
    if work not in kernel.work:
        return 0
    kernel.work.remove(work)
    _set_pending(kernel, work, False)
    yield GuestCall(kernel.get(work, "work_struct", "func"), (work,))
    return 1


def alloc_workqueue(kernel: Kernel, fmt: int, flags: int, max_active: int, varargs) -> int:
    return kernel.heap.alloc(kernel.btf.sizeof("struct workqueue_struct"))


def destroy_workqueue(kernel: Kernel, wq: int) -> None:
    kernel.heap.free(wq)


def __flush_workqueue(kernel: Kernel, wq: int):
    for work in list(kernel.work):
        if kernel.get(work, "work_struct", "data.counter") & WORK_STRUCT_PENDING:
            yield from flush_work(kernel, work)


def init_workqueue_pointer(kernel: Kernel, addr: int) -> None:
    wq = kernel.heap.alloc(kernel.btf.sizeof("struct workqueue_struct"))
    kernel.write(addr, wq.to_bytes(8, "little"))


def run_due(kernel: Kernel) -> int:
    """Run expired timers (by expiry) and then queued work (FIFO) until none is left; returns
    how many callbacks ran.  Called from outside the guest, between phases."""
    ran = 0
    while True:
        now = kernel.jiffies()
        due = sorted((exp, t) for t, exp in kernel.timers.items()
                     if (now - exp) & (1 << 63) == 0)  # time_after_eq(jiffies, expires)
        if due:
            timer = due[0][1]
            del kernel.timers[timer]
            kernel.machine.call(kernel.get(timer, "timer_list", "function"), timer)
        elif kernel.work:
            work = kernel.work.pop(0)
            _set_pending(kernel, work, False)
            kernel.machine.call(kernel.get(work, "work_struct", "func"), work)
        else:
            return ran
        ran += 1


FUNCTIONS = {
    "init_timer_key": init_timer_key, "mod_timer": mod_timer, "add_timer": add_timer,
    "timer_delete": timer_delete, "timer_delete_sync": timer_delete,
    "timer_shutdown_sync": timer_shutdown_sync, "queue_work_on": queue_work_on,
    "delayed_work_timer_fn": delayed_work_timer_fn,
    "queue_delayed_work_on": queue_delayed_work_on, "mod_delayed_work_on": mod_delayed_work_on,
    "cancel_work_sync": cancel_work_sync, "cancel_delayed_work": cancel_delayed_work,
    "cancel_delayed_work_sync": cancel_delayed_work, "flush_work": flush_work,
    "alloc_workqueue": alloc_workqueue, "destroy_workqueue": destroy_workqueue,
    "__flush_workqueue": __flush_workqueue,
}
DATA = {name: (8, init_workqueue_pointer) for name in WORKQUEUES}
