"""Kernel threads (kernel/kthread.c).  The emulated CPU runs only the module's own call chain,
so a thread is created and woken but never scheduled; stopping it then behaves as for a
thread stopped before it first ran: its function is never called and kthread_stop returns
-EINTR."""

from __future__ import annotations

from dataclasses import dataclass

from kernels.errno import EINTR, MASK64
from kernels.format import render
from kernels.services.kernel import Kernel


@dataclass
class KernelThread:
    function: int
    data: int
    name: str
    woken: bool = False


def kthread_create_on_node(kernel: Kernel, threadfn: int, data: int, node: int, namefmt: int,
                           varargs) -> int:
    task = kernel.zalloc("struct task_struct")
    name = render(kernel.cstring(namefmt, 1 << 12), varargs, kernel)
    comm = name.encode("latin-1")[:kernel.btf.field("task_struct", "comm").size - 1]
    kernel.write(task + kernel.offset("task_struct", "comm"), comm + b"\0")
    kernel.kthreads[task] = KernelThread(threadfn, data, name)
    return task


def wake_up_process(kernel: Kernel, task: int) -> int:
    thread = kernel.state_of(kernel.kthreads, task, "thread", "kernel thread")
    was_sleeping, thread.woken = not thread.woken, True
    return int(was_sleeping)


def kthread_stop(kernel: Kernel, task: int) -> int:
    kernel.state_of(kernel.kthreads, task, "thread", "kernel thread")
    del kernel.kthreads[task]
    kernel.heap.free(task)
    return -EINTR & MASK64


FUNCTIONS = {
    "kthread_create_on_node": kthread_create_on_node,
    "wake_up_process": wake_up_process,
    "kthread_stop": kthread_stop,
}
DATA: dict = {}
