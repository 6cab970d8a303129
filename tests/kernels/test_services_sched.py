"""Scheduling and hardening services modules call most often: cond_resched, bottom halves,
wait-queue heads, refcount saturation and FORTIFY_SOURCE's panic, in real machines."""

import struct

import pytest

from kernels.errors import KernelServiceError


def test_single_task_scheduling_points(km, btf):
    assert km.service("__cond_resched") == 0
    km.service("__local_bh_enable_ip", 0x1234, 0x200)
    size = btf.sizeof("wait_queue_head")
    wq = km.machine.alloc(size)
    km.machine.write(wq, b"\xff" * size)
    km.service("__init_waitqueue_head", wq, 0, 0)
    head = wq + btf.offsetof("wait_queue_head", "head")
    assert km.machine.read(wq, head - wq) == bytes(head - wq)  # unlocked
    assert struct.unpack("<QQ", km.machine.read(head, 16)) == (head, head)  # empty


def test_refcount_saturates_with_the_kernels_warning(km):
    ref = km.machine.alloc(4)
    km.machine.write(ref, struct.pack("<I", 0xFFFFFFFF))
    km.service("refcount_warn_saturate", ref, 3)  # REFCOUNT_SUB_UAF
    assert struct.unpack("<I", km.machine.read(ref, 4))[0] == 0xC0000000
    assert km.kernel.log[-1].text == "refcount_t: underflow; use-after-free."


def test_fortify_panic_stops_the_run(km):
    with pytest.raises(KernelServiceError, match="detected buffer overflow in strscpy"):
        km.service("fortify_panic", km.string(b"strscpy"))
