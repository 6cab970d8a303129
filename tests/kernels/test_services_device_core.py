"""Driver-core device objects, kernel threads, list-corruption checks and the netlink
connector, through real machines (native and translated)."""

import struct

import pytest

from kernels.errors import KernelServiceError

MASK = (1 << 64) - 1


def neg(code: int) -> int:
    return -code & MASK


@pytest.fixture
def dev(km, btf):
    addr = km.machine.alloc(btf.sizeof("struct device"))
    km.machine.write(addr, bytes(btf.sizeof("struct device")))
    return addr


def counted(km) -> int:
    return struct.unpack("<i", km.machine.read(km.machine.image.symbol("counted").addr, 4))[0]


def test_named_device_lives_until_its_last_reference(km, dev):
    assert km.service("device_add", dev) == neg(22)  # no name yet
    assert km.service("dev_set_name", dev, km.string(b"w1/bus_master%u"), 7) == 0
    name = km.kernel.get(dev, "device", "kobj.name")
    assert km.kernel.cstring(name) == b"w1!bus_master7"
    km.kernel.put(dev, "device", "release", km.machine.image.symbol("count_call").addr)
    assert km.service("device_register", dev) == 0
    assert km.kernel.registered["device"] == [dev]
    assert km.service("get_device", dev) == dev
    km.service("device_unregister", dev)
    assert km.kernel.registered["device"] == [] and counted(km) == 0
    km.service("put_device", dev)
    assert counted(km) == 1
    with pytest.raises(KernelServiceError, match="never initialized"):
        km.service("put_device", dev)


def test_release_falls_back_to_the_device_type(km, dev, btf):
    device_type = km.machine.alloc(btf.sizeof("device_type"))
    km.machine.write(device_type, bytes(btf.sizeof("device_type")))
    km.kernel.put(device_type, "device_type", "release",
                  km.machine.image.symbol("count_call").addr)
    km.kernel.put(dev, "device", "type", device_type)
    km.service("device_initialize", dev)
    km.service("put_device", dev)
    assert counted(km) == 1


def test_attribute_groups(km, dev, btf):
    kobj = dev + btf.offsetof("device", "kobj")
    group = km.machine.alloc(btf.sizeof("attribute_group"))
    km.machine.write(group, bytes(btf.sizeof("attribute_group")))
    assert km.service("sysfs_create_group", kobj, group) == neg(22)  # no attributes
    km.kernel.put(group, "attribute_group", "attrs", km.machine.alloc(16))
    assert km.service("sysfs_create_group", kobj, group) == 0
    assert km.service("sysfs_create_group", kobj, group) == neg(17)
    km.service("sysfs_remove_group", kobj, group)
    assert km.kernel.sysfs_groups[kobj] == []


def test_kernel_thread_is_named_woken_and_stopped_before_it_runs(km, btf):
    task = km.service("kthread_create_on_node", 0x01000100, 0xD00D, MASK,
                      km.string(b"w1_bus_master%d"), 1)
    comm = km.machine.read(task + btf.offsetof("task_struct", "comm"), 16)
    assert comm.rstrip(b"\0") == b"w1_bus_master1"
    assert km.service("wake_up_process", task) == 1
    assert km.service("wake_up_process", task) == 0  # already running
    assert km.service("kthread_stop", task) == neg(4)  # -EINTR: its function never ran
    with pytest.raises(KernelServiceError, match="not a kernel thread"):
        km.service("kthread_stop", task)


def test_list_checks_catch_corruption(km):
    head, new = km.machine.alloc(16), km.machine.alloc(16)
    km.machine.write(head, struct.pack("<QQ", head, head))  # an empty list
    assert km.service("__list_add_valid", new, head, head) == 1
    km.machine.write(head, struct.pack("<QQ", new, new))
    km.machine.write(new, struct.pack("<QQ", head, head))
    assert km.service("__list_del_entry_valid", new) == 1
    with pytest.raises(KernelServiceError, match="double add"):
        km.service("__list_add_valid", new, head, new)
    km.machine.write(new, struct.pack("<QQ", 0xDEAD000000000100, 0xDEAD000000000122))
    with pytest.raises(KernelServiceError, match="already deleted"):
        km.service("__list_del_entry_valid", new)
    km.machine.write(head, struct.pack("<QQ", head, head))
    with pytest.raises(KernelServiceError, match="next->prev"):
        km.service("__list_add_valid", new, head, new)


def test_connector_broadcast_is_logged_and_has_no_listener(km, btf):
    payload = bytes([2, 0, 8, 0]) + struct.pack("<II", 1, 0)  # W1_MASTER_ADD, master 1
    msg = km.machine.alloc(btf.sizeof("cn_msg") + len(payload))
    km.machine.write(msg, bytes(btf.sizeof("cn_msg")))
    km.kernel.put(msg, "cn_msg", "id.idx", 3)
    km.kernel.put(msg, "cn_msg", "id.val", 1)
    km.kernel.put(msg, "cn_msg", "len", len(payload))
    km.machine.write(msg + btf.offsetof("cn_msg", "data"), payload)
    assert km.service("cn_netlink_send", msg, 0, 0, 0xCC0) == neg(3)  # -ESRCH
    assert km.kernel.netlink_log == [(3, 1, payload)]
