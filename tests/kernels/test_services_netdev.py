"""Network devices as can_dev creates them: allocation with the private area and a guest
setup(), NAPI contexts, carrier, registration names and ifindexes, and the order rules of
unregister/free; plus OF child lookup.  Real machines, native and translated."""

import struct

import pytest

from kernels.errors import KernelServiceError

MASK = (1 << 64) - 1


def counted(km) -> int:
    return struct.unpack("<i", km.machine.read(km.machine.image.symbol("counted").addr, 4))[0]


def alloc(km, name: bytes, priv: int = 256) -> int:
    setup = km.machine.image.symbol("count_call").addr
    return km.service("alloc_netdev_mqs", priv, km.string(name), 0, setup, 1, 1)


def name(km, btf, dev) -> bytes:
    return km.machine.read(dev + btf.offsetof("net_device", "name"), 16).split(b"\0")[0]


def test_allocation_runs_setup_and_fills_defaults(km, btf):
    dev = alloc(km, b"can%d")
    assert dev % 32 == 0 and counted(km) == 1
    assert km.kernel.get(dev, "net_device", "tx_queue_len") == 1000  # setup left it 0
    assert km.kernel.get(dev, "net_device", "priv_flags") & (1 << 21)  # IFF_NO_QUEUE
    tx = km.kernel.get(dev, "net_device", "_tx")
    assert km.kernel.get(tx, "netdev_queue", "dev") == dev
    assert km.kernel.get(dev, "net_device", "num_rx_queues") == 1
    head = dev + btf.offsetof("net_device", "napi_list")
    assert km.kernel.get(head, "list_head", "next") == head
    assert km.service("alloc_netdev_mqs", 0, km.string(b"x"), 0, 0, 0, 1) == 0  # no queues


def test_napi_context_is_listed_once_and_deleted(km, btf):
    dev = alloc(km, b"can%d")
    napi = km.machine.alloc(btf.sizeof("napi_struct"))
    km.machine.write(napi, bytes(btf.sizeof("napi_struct")))
    km.service("netif_napi_add_weight", dev, napi, 0x1234, 16)
    assert km.kernel.get(napi, "napi_struct", "state") == 0b11001  # SCHED NPSVC LISTED
    assert km.kernel.get(napi, "napi_struct", "weight") == 16
    head = dev + btf.offsetof("net_device", "napi_list")
    assert km.kernel.get(head, "list_head", "next") == napi + btf.offsetof("napi_struct",
                                                                            "dev_list")
    km.service("netif_napi_add_weight", dev, napi, 0x1234, 16)
    assert "added twice" in km.kernel.log[-1].text
    km.service("__netif_napi_del", napi)
    assert km.kernel.get(head, "list_head", "next") == head
    assert km.kernel.get(napi, "napi_struct", "state") == 0b01001


def test_registration_names_numbers_and_order_rules(km, btf):
    first, second, fixed = alloc(km, b"can%d"), alloc(km, b"can%d"), alloc(km, b"can0")
    km.service("netif_carrier_off", first)
    assert km.kernel.get(first, "net_device", "state") & 4  # __LINK_STATE_NOCARRIER
    assert km.kernel.get(first, "net_device", "carrier_down_count") == 0  # not registered
    assert km.service("register_netdev", first) == 0
    assert km.service("register_netdev", second) == 0
    assert (name(km, btf, first), name(km, btf, second)) == (b"can0", b"can1")
    assert km.kernel.get(second, "net_device", "ifindex") == 3
    assert km.service("register_netdev", fixed) == -17 & MASK  # can0 is taken
    with pytest.raises(KernelServiceError, match="which is registered"):
        km.service("free_netdev", first)
    km.service("unregister_netdev", first)
    assert km.kernel.get(first, "net_device", "reg_state") == 3  # NETREG_UNREGISTERED
    km.service("free_netdev", first)
    with pytest.raises(KernelServiceError, match="not a net_device"):
        km.service("free_netdev", first)
    assert [event for _, _, event in km.kernel.netdev_log] == [
        "registered ifindex 2", "registered ifindex 3", "unregistered"]


def test_of_child_lookup_ignores_unit_addresses(km, btf):
    size = btf.sizeof("device_node")
    parent, first, second = (km.machine.alloc(size) for _ in range(3))
    for node, text in ((parent, b"can"), (first, b"pinmux@1"), (second, b"can-transceiver")):
        km.machine.write(node, bytes(size))
        km.kernel.put(node, "device_node", "name", km.string(text))
    km.kernel.put(parent, "device_node", "child", first)
    km.kernel.put(first, "device_node", "sibling", second)
    assert km.service("of_get_child_by_name", parent, km.string(b"can-transceiver")) == second
    assert km.service("of_get_child_by_name", parent, km.string(b"pinmux")) == first
    assert km.service("of_get_child_by_name", second, km.string(b"pinmux")) == 0
