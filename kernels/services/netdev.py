"""Network devices (net/core/dev.c) as CAN controller drivers create them through can_dev:
allocation with the driver's private area and the setup callback, queues, registration
(name "can%d" -> can0, ifindex) and unregistration.  No packets flow: nothing opens the
device in the emulated system."""

from __future__ import annotations

from kernels.errno import EEXIST, MASK64
from kernels.services.convention import GuestCall
from kernels.services.device import device_add, device_del, device_initialize
from kernels.services.kernel import Kernel
from kernels.services.lists import init_list_head, list_add, list_del
from kernels.services.printk import log

NETDEV_ALIGN = 32
IFF_XMIT_DST_RELEASE, IFF_XMIT_DST_RELEASE_PERM, IFF_NO_QUEUE = 1 << 11, 1 << 24, 1 << 21
DEFAULT_TX_QUEUE_LEN = 1000
GSO_LEGACY_MAX_SIZE, GSO_MAX_SEGS = 65536, 65535
NETREG_UNINITIALIZED, NETREG_REGISTERED, NETREG_UNREGISTERED, NETREG_RELEASED = 0, 1, 3, 4
LINK_STATE_PRESENT, LINK_STATE_NOCARRIER = 1 << 1, 1 << 2  # enum netdev_state_t bits
FIRST_IFINDEX = 2  # 1 is the loopback device
LISTS = ("napi_list", "unreg_list", "close_list", "link_watch_list", "adj_list.upper",
         "adj_list.lower", "ptype_all", "ptype_specific", "net_notifier_list")
NAPI_STATE_SCHED, NAPI_STATE_NPSVC, NAPI_STATE_LISTED = 1 << 0, 1 << 3, 1 << 4
NAPI_POLL_WEIGHT = 64


def _queues(kernel: Kernel, dev: int, kind: str, count: int) -> int:
    array = kernel.zalloc(f"struct {kind}", count)
    size = kernel.btf.sizeof(f"struct {kind}")
    for i in range(count):
        kernel.put(array + i * size, kind, "dev", dev)
    return array


def alloc_netdev_mqs(kernel: Kernel, sizeof_priv: int, name: int, name_assign_type: int,
                     setup: int, txqs: int, rxqs: int):
    """A zeroed net_device followed by the 32-byte aligned private area; setup() runs as
    guest code, then the defaults it left unset are filled in, as the kernel does."""
    sizeof_priv, txqs, rxqs = (v & 0xFFFFFFFF for v in (sizeof_priv, txqs, rxqs))
    if not txqs or not rxqs:
        log(kernel, 3, "alloc_netdev: Unable to allocate device with zero queues.")
        return 0
    size = kernel.btf.sizeof("struct net_device")
    if sizeof_priv:
        size = -(-size // NETDEV_ALIGN) * NETDEV_ALIGN + sizeof_priv
    dev = kernel.heap.alloc(size, align=NETDEV_ALIGN)
    kernel.write(dev, bytes(size))
    for member in LISTS:
        init_list_head(kernel, dev + kernel.offset("net_device", member))
    kernel.put(dev, "net_device", "pcpu_refcnt", kernel.heap.alloc(4))
    kernel.put(dev, "net_device", "gso_max_size", GSO_LEGACY_MAX_SIZE)
    kernel.put(dev, "net_device", "gso_max_segs", GSO_MAX_SEGS)
    kernel.put(dev, "net_device", "upper_level", 1)
    kernel.put(dev, "net_device", "lower_level", 1)
    kernel.put(dev, "net_device", "priv_flags",
               IFF_XMIT_DST_RELEASE | IFF_XMIT_DST_RELEASE_PERM)
    yield GuestCall(setup, (dev,))
    if not kernel.get(dev, "net_device", "tx_queue_len"):
        kernel.put(dev, "net_device", "priv_flags",
                   kernel.get(dev, "net_device", "priv_flags") | IFF_NO_QUEUE)
        kernel.put(dev, "net_device", "tx_queue_len", DEFAULT_TX_QUEUE_LEN)
    for kind, queue, count in (("netdev_queue", "tx", txqs), ("netdev_rx_queue", "rx", rxqs)):
        kernel.put(dev, "net_device", f"_{queue}", _queues(kernel, dev, kind, count))
        kernel.put(dev, "net_device", f"num_{queue}_queues", count)
        kernel.put(dev, "net_device", f"real_num_{queue}_queues", count)
    kernel.write(dev + kernel.offset("net_device", "name"), kernel.cstring(name, 15) + b"\0")
    kernel.put(dev, "net_device", "name_assign_type", name_assign_type)
    kernel.netdevs[dev] = "allocated"
    return dev


def netif_napi_add_weight(kernel: Kernel, dev: int, napi: int, poll: int, weight: int) -> None:
    """List the NAPI context on the device, scheduled-and-disabled until napi_enable (the
    SCHED and NPSVC bits), as the kernel leaves a new context."""
    state = kernel.get(napi, "napi_struct", "state")
    if state & NAPI_STATE_LISTED:
        log(kernel, 4, f"WARNING: NAPI context 0x{napi:x} added twice")
        return
    weight &= 0xFFFFFFFF
    if weight > NAPI_POLL_WEIGHT:
        log(kernel, 3, f"netif_napi_add_weight() called with weight {weight}")
    for member in ("poll_list", "rx_list"):
        init_list_head(kernel, napi + kernel.offset("napi_struct", member))
    kernel.put(napi, "napi_struct", "poll", poll)
    kernel.put(napi, "napi_struct", "weight", weight)
    kernel.put(napi, "napi_struct", "dev", dev)
    kernel.put(napi, "napi_struct", "poll_owner", -1)
    kernel.put(napi, "napi_struct", "state",
               state | NAPI_STATE_SCHED | NAPI_STATE_NPSVC | NAPI_STATE_LISTED)
    list_add(kernel, napi + kernel.offset("napi_struct", "dev_list"),
              dev + kernel.offset("net_device", "napi_list"))


def __netif_napi_del(kernel: Kernel, napi: int) -> None:
    state = kernel.get(napi, "napi_struct", "state")
    if not state & NAPI_STATE_LISTED:
        return
    kernel.put(napi, "napi_struct", "state", state & ~NAPI_STATE_LISTED)
    list_del(kernel, napi + kernel.offset("napi_struct", "dev_list"))


def _bits(kernel: Kernel, dev: int, member: str, set_: int = 0, clear: int = 0) -> int:
    """Old value of the flag word ``member``; sets then clears the given bits."""
    old = kernel.get(dev, "net_device", member)
    kernel.put(dev, "net_device", member, (old | set_) & ~clear)
    return old


def netif_carrier_off(kernel: Kernel, dev: int) -> None:
    if _bits(kernel, dev, "state", set_=LINK_STATE_NOCARRIER) & LINK_STATE_NOCARRIER:
        return
    if kernel.get(dev, "net_device", "reg_state") != NETREG_UNINITIALIZED:
        kernel.put(dev, "net_device", "carrier_down_count",
                   kernel.get(dev, "net_device", "carrier_down_count") + 1)


def _name(kernel: Kernel, dev: int) -> str:
    return kernel.cstring(dev + kernel.offset("net_device", "name"), 16).decode("latin-1")


def register_netdev(kernel: Kernel, dev: int) -> int:
    """Name a "<prefix>%d" device with the first free number (dev_alloc_name), give it an
    ifindex and its sysfs device, and mark it present and registered."""
    if kernel.netdevs.get(dev) != "allocated":
        raise kernel.error(f"register_netdev of 0x{dev:x}, which is not an unregistered "
                           f"net_device")
    name = _name(kernel, dev)
    taken = {_name(kernel, other) for other, state in kernel.netdevs.items()
             if state == "registered"}
    if "%d" in name:
        name = next(name.replace("%d", str(i)) for i in range(len(taken) + 1)
                    if name.replace("%d", str(i)) not in taken)
    elif name in taken:
        return -EEXIST & MASK64
    kernel.write(dev + kernel.offset("net_device", "name"), name.encode() + b"\0")
    kernel.put(dev, "net_device", "ifindex", FIRST_IFINDEX + len(kernel.netdevs_registered))
    kernel.netdevs_registered.append(dev)
    device = dev + kernel.offset("net_device", "dev")  # netdev_register_kobject
    device_initialize(kernel, device)
    kernel.put(device, "device", "kobj.name", kernel.heap_string(name))
    device_add(kernel, device)
    _bits(kernel, dev, "state", set_=LINK_STATE_PRESENT)
    kernel.put(dev, "net_device", "reg_state", NETREG_REGISTERED)
    kernel.netdevs[dev] = "registered"
    kernel.netdev_log.append((kernel.now_ns(), name, f"registered ifindex "
                              f"{kernel.get(dev, 'net_device', 'ifindex')}"))
    return 0


def unregister_netdev(kernel: Kernel, dev: int) -> None:
    if kernel.netdevs.get(dev) != "registered":
        raise kernel.error(f"unregister_netdev of 0x{dev:x}, which is not registered")
    device_del(kernel, dev + kernel.offset("net_device", "dev"))
    _bits(kernel, dev, "state", clear=LINK_STATE_PRESENT)
    kernel.put(dev, "net_device", "reg_state", NETREG_UNREGISTERED)
    kernel.netdevs[dev] = "unregistered"
    kernel.netdev_log.append((kernel.now_ns(), _name(kernel, dev), "unregistered"))


def free_netdev(kernel: Kernel, dev: int) -> None:
    """Delete the device's NAPI contexts, free its queues and the device itself."""
    state = kernel.netdevs.get(dev)
    if state not in ("allocated", "unregistered"):
        raise kernel.error(f"free_netdev of 0x{dev:x}, which is "
                           f"{'registered' if state else 'not a net_device'}")
    del kernel.netdevs[dev]
    head = dev + kernel.offset("net_device", "napi_list")
    while (entry := kernel.get(head, "list_head", "next")) != head:
        __netif_napi_del(kernel, entry - kernel.offset("napi_struct", "dev_list"))
    for queues in ("_tx", "_rx"):
        kernel.heap.free(kernel.get(dev, "net_device", queues))
    kernel.heap.free(kernel.get(dev, "net_device", "pcpu_refcnt"))
    # the last reference: net-sysfs's netdev_release (kernel code) frees the device below
    kernel.device_refs.pop(dev + kernel.offset("net_device", "dev"), None)
    kernel.put(dev, "net_device", "reg_state", NETREG_RELEASED)
    kernel.heap.free(dev)


FUNCTIONS = {"alloc_netdev_mqs": alloc_netdev_mqs,
             "netif_carrier_off": netif_carrier_off,
             "register_netdev": register_netdev,
             "unregister_netdev": unregister_netdev,
             "free_netdev": free_netdev,
             "netif_napi_add_weight": netif_napi_add_weight,
             "__netif_napi_del": __netif_napi_del}
DATA: dict = {}
