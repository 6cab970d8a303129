"""Timers and workqueues: queued by services, run on demand as guest calls, in both machines."""

import struct

import pytest

from kernels.services.deferred import WORKQUEUES, run_due


def counter(km, name: str) -> int:
    return struct.unpack("<i", km.machine.read(km.machine.image.symbol(name).addr, 4))[0]


@pytest.fixture
def work(km, btf):
    item = km.machine.alloc(btf.sizeof("struct delayed_work"))
    km.kernel.put(item, "work_struct", "func", km.machine.image.symbol("work_fn").addr)
    timer = item + btf.offsetof("delayed_work", "timer")
    km.kernel.put(timer, "timer_list", "function", km.symbols.traps["delayed_work_timer_fn"])
    return item  # a delayed_work whose first member is its work_struct (INIT_DELAYED_WORK)


def test_work_queue_run_and_cancel(km, work):
    wq = km.machine.read_u64(km.symbols.data["system_wq"])
    assert wq and all(km.machine.read_u64(km.symbols.data[n]) for n in WORKQUEUES)
    assert km.service("queue_work_on", 0, wq, work) == 1
    assert km.service("queue_work_on", 0, wq, work) == 0  # already pending
    assert run_due(km.kernel) == 1 and counter(km, "work_runs") == 1
    assert km.kernel.get(work, "work_struct", "data.counter") & 1 == 0
    km.service("queue_work_on", 0, wq, work)
    assert km.service("cancel_work_sync", work) == 1 and km.service("cancel_work_sync", work) == 0
    assert run_due(km.kernel) == 0 and counter(km, "work_runs") == 1


def test_flush_work_runs_it_from_inside_the_service(km, work):
    km.service("queue_work_on", 0, 0, work)
    assert km.service("flush_work", work) == 1 and counter(km, "work_runs") == 1
    assert km.service("flush_work", work) == 0


def test_timers_fire_when_due(km, btf):
    timer = km.machine.alloc(btf.sizeof("struct timer_list"))
    km.service("init_timer_key", timer, km.machine.image.symbol("timer_fn").addr, 0, 0, 0)
    now = km.kernel.jiffies()
    assert km.service("mod_timer", timer, now + 3) == 0
    assert km.service("mod_timer", timer, now + 3) == 1
    assert run_due(km.kernel) == 0
    km.service("msleep", 12)  # 4 jiffies at HZ=250
    assert run_due(km.kernel) == 1 and counter(km, "timer_runs") == 1
    km.service("mod_timer", timer, km.kernel.jiffies() + 100)
    assert km.service("timer_shutdown_sync", timer) == 1
    assert km.service("mod_timer", timer, 0) == 0 and km.kernel.timers == {}


def test_delayed_work_goes_through_its_timer(km, work):
    assert km.service("queue_delayed_work_on", 0, 0, work, 2) == 1
    assert run_due(km.kernel) == 0
    km.service("msleep", 8)
    assert run_due(km.kernel) == 2  # the timer (delayed_work_timer_fn), then the work
    assert counter(km, "work_runs") == 1
    km.service("queue_delayed_work_on", 0, 0, work, 50)
    assert km.service("cancel_delayed_work_sync", work) == 1 and km.kernel.timers == {}
