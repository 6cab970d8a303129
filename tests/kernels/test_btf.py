"""The BTF reader on the package's real vmlinux and module BTF: known, stable layouts, and
invariants checked over every struct the kernel has."""

import pickle
import struct

import pytest

from kernels.btf import KIND, Btf, find_header, module_btf
from kernels.errors import BtfError
from kernels.modules import find_module, module_paths


@pytest.fixture(scope="module")
def vmlinux(kernel_package):
    return Btf.vmlinux(kernel_package)


def test_known_stable_layouts(vmlinux):
    assert vmlinux.sizeof("struct list_head") == 16
    assert [(m.name, m.bit_offset) for m in vmlinux.members("list_head")] == [("next", 0),
                                                                             ("prev", 64)]
    # struct resource { start, end, name, flags, desc, parent, sibling, child }
    assert [vmlinux.offsetof("resource", f) for f in ("start", "end", "name", "flags")] == \
        [0, 8, 16, 24]
    assert vmlinux.sizeof("struct resource") == 64
    # struct platform_device { const char *name; int id; bool id_auto; struct device dev; ...}
    assert vmlinux.offsetof("platform_device", "name") == 0
    assert vmlinux.offsetof("platform_device", "id") == 8
    assert vmlinux.offsetof("platform_device", "dev") == 16
    assert vmlinux.sizeof("u32") == 4 and vmlinux.sizeof("phys_addr_t") == 8


def test_dotted_paths_add_up(vmlinux):
    device_of_node = vmlinux.offsetof("struct device", "of_node")
    assert vmlinux.offsetof("platform_device", "dev.of_node") == 16 + device_of_node
    assert vmlinux.offsetof("platform_device", "dev.kobj.name") == \
        16 + vmlinux.offsetof("device", "kobj") + vmlinux.offsetof("kobject", "name")
    comm = vmlinux.field("task_struct", "comm")
    assert comm.size == 16 and vmlinux.offsetof("task_struct", "comm[3]") == comm.offset + 3


def test_anonymous_members_are_looked_through(vmlinux):
    """struct page keeps lru inside an anonymous union of anonymous structs, right after
    flags."""
    assert vmlinux.offsetof("struct page", "lru") == 8
    assert vmlinux.field("struct page", "lru").size == 16


def test_bitfields(vmlinux):
    field = vmlinux.field("struct sk_buff", "pkt_type")
    assert field.bitfield_size == 3
    with pytest.raises(BtfError, match="pkt_type is a bitfield"):
        _ = field.offset


def test_every_struct_is_consistent(vmlinux):
    """Over all structs: members lie inside the struct, in increasing order; unions start at 0."""
    checked = 0
    for type_id in range(1, vmlinux.count):
        kind = vmlinux.kind(type_id)
        if kind not in ("struct", "union"):
            continue
        size = vmlinux.sizeof(type_id)
        previous = 0
        for member in vmlinux.members(type_id):
            bits = member.bitfield_size or 8 * vmlinux._size_or_zero(member.type_id)
            assert member.bit_offset + bits <= 8 * size, (vmlinux.name(type_id), member)
            if kind == "union":
                assert member.bit_offset == 0
            else:
                assert member.bit_offset >= previous
                previous = member.bit_offset
        checked += 1
    assert checked > 5000


def test_module_split_btf_continues_the_base(kernel_package, vmlinux):
    path = find_module(module_paths(kernel_package), "sp805_wdt")
    btf = module_btf(kernel_package, path)
    own = btf.find("struct sp805_wdt")
    assert btf.first_id == vmlinux.count and own >= vmlinux.count
    names = [m.name for m in btf.members(own)]
    assert names[:3] == ["wdd", "lock", "base"]
    # members refer to base types: wdd is a struct watchdog_device of vmlinux
    wdd = btf.field(own, "wdd")
    assert wdd.type_id < vmlinux.count and btf.name(wdd.type_id) == "watchdog_device"
    assert btf.offsetof(own, "lock") == vmlinux.sizeof("struct watchdog_device")
    assert btf.offsetof(own, "wdd.timeout") == vmlinux.offsetof("watchdog_device", "timeout")


def test_vmlinux_btf_is_found_in_the_image_and_cached(kernel_package, vmlinux):
    image = kernel_package.image.read_bytes()
    at = find_header(image)
    assert at > 0 and image[at:at + 2] == b"\x9f\xeb"
    fresh = Btf.from_image(image)
    assert fresh.count == vmlinux.count > 50_000
    assert pickle.loads(pickle.dumps(fresh)).sizeof("platform_device") == \
        vmlinux.sizeof("platform_device")
    assert vmlinux.kind(vmlinux.find("platform_device")) == "struct"
    assert KIND["struct"] == 4


def test_errors_name_what(vmlinux):
    with pytest.raises(BtfError, match="no type named 'no_such_struct'"):
        vmlinux.sizeof("struct no_such_struct")
    with pytest.raises(BtfError, match=r"device has no member 'nope' \(in 'dev.nope'\)"):
        vmlinux.field("platform_device", "dev.nope")
    with pytest.raises(BtfError, match="not a struct or union"):
        vmlinux.members("u32")
    with pytest.raises(BtfError, match="no valid BTF header"):
        find_header(b"\x9f\xeb\x01\x00" + bytes(40))
    header = struct.pack("<HBBIIIII", 0xEB9F, 1, 0, 24, 0, 12, 12, 1)
    with pytest.raises(BtfError, match="bad: unknown BTF kind 0 at type offset 0"):
        Btf.parse(header + bytes(12) + b"\0", origin="bad")
    with pytest.raises(BtfError, match="run past the end"):
        Btf.parse(header + bytes(5), origin="bad")
