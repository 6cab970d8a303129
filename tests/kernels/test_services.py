"""Emulated kernel services called through real machines, native and translated: C code built
for AArch64 calls them like a driver (variadic arguments on the stack, a real va_list), and the
tests call each service's trap as guest code would."""

import struct

import pytest

from kernels.btf import prototype
from kernels.errors import BtfError, KernelServiceError, ServiceNotEmulated
from kernels.services import REGISTRY
from kernels.services.kernel import POISON_FREE, ZERO_SIZE_PTR

MASK = (1 << 64) - 1


def neg(value: int) -> int:
    return value & MASK


# --- allocation -------------------------------------------------------------------------------

def test_kzalloc_expansion_and_kmalloc_caches(km):
    caches = km.symbols.data["kmalloc_caches"]
    slots = struct.unpack("<56Q", km.machine.read(caches, 56 * 8))
    assert all(slots) and len(set(slots)) == 56
    obj = km.machine.call("alloc_object")
    assert km.kernel.heap.size(obj) == 100 and km.machine.read(obj, 100) == bytes(100)


def test_allocations_are_distinct_aligned_and_freed_with_poison(km):
    a, b = km.service("__kmalloc", 40, 0xCC0), km.service("__kmalloc", 40, 0xCC0)
    assert a % 64 == 0 and b >= a + 40
    km.machine.write(a, b"x" * 40)
    km.service("kfree", a)
    assert km.machine.read(a, 40) == bytes([POISON_FREE]) * 40
    assert km.service("__kmalloc", 0, 0xCC0) == ZERO_SIZE_PTR
    km.service("kfree", 0)
    km.service("kfree", ZERO_SIZE_PTR)
    with pytest.raises(KernelServiceError, match=f"kfree of 0x{a:x}, which is not a live"):
        km.service("kfree", a)


def test_guest_code_allocates_fills_and_frees(km):
    assert km.machine.call("fill_and_sum", 1000) == 7000
    assert km.machine.call("dup_length", km.string(b"hello world")) == 11
    assert km.kernel.heap.live.keys() <= {km.kernel.heap.size(k) and k
                                           for k in km.kernel.heap.live}


def test_kmemdup_krealloc_kstrdup(km):
    src = km.string(b"abcdef")
    dup = km.service("kmemdup", src, 7, 0xCC0)
    assert dup != src and km.machine.read(dup, 7) == b"abcdef\0"
    bigger = km.service("krealloc", dup, 64, 0xCC0)
    assert km.machine.read(bigger, 7) == b"abcdef\0" and km.kernel.heap.size(dup) is None
    copy = km.service("kstrdup", src, 0xCC0)
    assert km.machine.read(copy, 7) == b"abcdef\0"
    km.service("kfree_const", src)  # not a heap string: nothing happens
    km.service("kfree_const", copy)
    assert km.kernel.heap.size(copy) is None


def test_devm_allocations_are_released_with_their_device(km):
    dev = km.machine.alloc(1024)
    a = km.service("devm_kmalloc", dev, 32, 0xCC0)
    b = km.service("devm_kstrdup", dev, km.string(b"name"), 0xCC0)
    c = km.service("devm_kmalloc", dev, 16, 0xCC0)
    km.service("devm_kfree", dev, c)
    assert km.kernel.heap.size(c) is None
    assert km.kernel.devres_release_all(dev) == ["devm_kmalloc", "devm_kmalloc"]
    assert km.kernel.heap.size(a) is None and km.kernel.heap.size(b) is None
    with pytest.raises(KernelServiceError, match="devm_kfree of .* not a managed allocation"):
        km.service("devm_kfree", dev, a)


# --- strings ----------------------------------------------------------------------------------

def test_memory_and_string_functions(km):
    a, b = km.string(b"abcdef"), km.string(b"abcxef")
    assert km.service("memcmp", a, b, 3) == 0
    assert km.service("memcmp", a, b, 4) == neg(ord("d") - ord("x"))
    assert km.service("strcmp", a, b) == neg(-1) and km.service("strcmp", b, a) == 1
    assert km.service("strcmp", a, a) == 0 and km.service("strncmp", a, b, 3) == 0
    assert km.service("strlen", a) == 6 and km.service("strnlen", a, 4) == 4
    assert km.service("strchr", a, ord("d")) == a + 3 and km.service("strchr", a, ord("z")) == 0
    assert km.service("strrchr", a, 0) == a + 6
    dst = km.machine.alloc(16)
    assert km.service("strscpy", dst, a, 16) == 6 and km.machine.read(dst, 7) == b"abcdef\0"
    assert km.service("strscpy", dst, a, 4) == neg(-7)  # -E2BIG, truncated and terminated
    assert km.machine.read(dst, 4) == b"abc\0"
    assert km.service("memset", dst, 0x41, 5) == dst and km.machine.read(dst, 6) == b"AAAAAf"
    km.service("memmove", dst + 1, dst, 5)  # overlapping
    assert km.machine.read(dst, 6) == b"AAAAAA"


KSTRTOINT = [  # (text, base, return, value) per lib/kstrtox.c
    (b"42", 10, 0, 42), (b"-42", 10, 0, -42), (b"+7\n", 10, 0, 7), (b"0x1f", 0, 0, 31),
    (b"017", 0, 0, 15), (b"1f", 16, 0, 31), (b"0x1f", 16, 0, 31), (b"2147483647", 10, 0, 2**31 - 1),
    (b"2147483648", 10, -34, None), (b"-2147483648", 10, 0, -2**31), (b"12a", 10, -22, None),
    (b"", 10, -22, None), (b" 1", 10, -22, None), (b"1_0", 10, -22, None), (b"0o7", 0, -22, None),
    (b"42\n\n", 10, -22, None), (b"101", 2, 0, 5),
]


@pytest.mark.parametrize("text,base,ret,value", KSTRTOINT)
def test_kstrtoint(km, text, base, ret, value):
    out = km.machine.alloc(8)
    km.machine.write(out, b"\x55" * 4)
    assert km.service("kstrtoint", km.string(text), base, out) == neg(ret)
    expected = b"\x55" * 4 if value is None else struct.pack("<i", value)
    assert km.machine.read(out, 4) == expected


def test_kstrto_widths_and_bool(km):
    out = km.machine.alloc(8)
    assert km.service("kstrtou8", km.string(b"255"), 10, out) == 0
    assert km.machine.read(out, 1) == b"\xff"
    assert km.service("kstrtou8", km.string(b"256"), 10, out) == neg(-34)
    assert km.service("kstrtoull", km.string(b"18446744073709551615"), 10, out) == 0
    assert km.service("kstrtoull", km.string(b"18446744073709551616"), 10, out) == neg(-34)
    for text, value in ((b"on", 1), (b"off", 0), (b"Y", 1), (b"0", 0)):
        assert km.service("kstrtobool", km.string(text), out) == 0
        assert km.machine.read(out, 1) == bytes([value])
    assert km.service("kstrtobool", km.string(b"maybe"), out) == neg(-22)


def test_guest_parse_through_kstrtoint(km):
    out = km.machine.alloc(8)
    assert km.machine.call("parse", km.string(b"0x7fffffff\n"), out) == 0
    assert km.machine.read(out, 4) == struct.pack("<i", 2**31 - 1)


# --- formatting and printing ------------------------------------------------------------------

def test_snprintf_and_vsnprintf_from_guest_code(km):
    buf = km.machine.alloc(64)
    assert km.machine.call("format_into", buf, 64, neg(-17)) == 26
    assert km.machine.read(buf, 27) == b"v=-17 hex=ffffffef str=abc\0"
    assert km.machine.call("format_into", buf, 8, 5) == 24  # the untruncated length
    assert km.machine.read(buf, 8) == b"v=5 hex\0"
    assert km.machine.call("vformat_many", buf, 64) == 20
    assert km.machine.read(buf, 21) == b"1 2 3 4 5 6 7 -8 end\0"


def test_printk_renders_levels_and_stacked_arguments(km):
    n = km.machine.call("print_many", 1, neg(-2), km.string(b"str"), 255, ord("z"), 0xDEAD,
                        neg(-42))
    record = km.kernel.log[-1]
    assert record.level == 3  # KERN_ERR
    assert record.text == "hello 1 -2 str 0xff z 000000000000dead   -42|-5  |007"
    assert n == len(record.text) + 1  # the newline counts
    assert 0 < record.time_ns <= km.kernel.now_ns()


def build_device(km, btf, name: bytes, driver: bytes) -> int:
    dev = km.machine.alloc(btf.sizeof("struct device"))
    drv = km.machine.alloc(btf.sizeof("struct device_driver"))
    km.machine.write(dev + btf.offsetof("device", "kobj.name"), struct.pack("<Q",
                                                                          km.string(name)))
    km.machine.write(dev + btf.offsetof("device", "driver"), struct.pack("<Q", drv))
    km.machine.write(drv + btf.offsetof("device_driver", "name"), struct.pack("<Q",
                                                                            km.string(driver)))
    return dev


def test_dev_printing_names_driver_and_device(km, btf):
    dev = build_device(km, btf, b"fe000000.watchdog", b"sp805-wdt")
    km.service("_dev_info", dev, km.string(b"rate %lu Hz%s\n"), 24000000, km.string(b"!"))
    assert km.kernel.log[-1].level == 6
    assert km.kernel.log[-1].text == "sp805-wdt fe000000.watchdog: rate 24000000 Hz!"
    ret = km.service("dev_err_probe", dev, neg(-22), km.string(b"no clock %d\n"), 3)
    assert ret == neg(-22)
    assert km.kernel.log[-1].text == "sp805-wdt fe000000.watchdog: error -EINVAL: no clock 3"
    assert km.kernel.log[-1].level == 3
    km.service("dev_err_probe", dev, neg(-517), km.string(b"later\n"))
    assert km.kernel.log[-1].level == 7 and "error -EPROBE_DEFER: later" in km.kernel.log[-1].text


def test_pointer_extensions(km, btf):
    res = km.machine.alloc(btf.sizeof("struct resource"))
    km.machine.write(res, struct.pack("<QQ", 0xFE000000, 0xFE000FFF))
    km.machine.write(res + btf.offsetof("resource", "flags"), struct.pack("<Q", 0x200))
    phys = km.machine.alloc(8)
    km.machine.write(phys, struct.pack("<Q", 0x1234))
    data = km.string(b"\x01\xab\x10")
    buf = km.machine.alloc(256)
    trap = km.symbols.traps["kfree"]

    def snprintf(fmt: bytes, *args: int) -> str:
        n = km.service("snprintf", buf, 256, km.string(fmt), *args)
        return km.machine.read(buf, n).decode()

    assert snprintf(b"%pR|%pe|%pe|%*phC", res, neg(-110), neg(-4000), 3, data) == \
        "[mem 0xfe000000-0xfe000fff]|-ETIMEDOUT|-4000|01:ab:10"
    assert snprintf(b"%pa|%pr|%pe", phys, res, 5) == \
        "0x0000000000001234|[mem 0xfe000000-0xfe000fff flags 0x200]|(____ptrval____)"
    assert snprintf(b"%ps|%pS|%p|%pK|%px", trap, trap, trap, trap, trap) == \
        f"kfree|kfree+0x0/0x4|(____ptrval____)|(____ptrval____)|{trap:016x}"
    assert snprintf(b"%s|%.2s|%5s|%-5s|%s", 0, km.string(b"abc"), km.string(b"ab"),
                    km.string(b"ab"), 0xDEAD0000) == "(null)|ab|   ab|ab   |(efault)"


# --- binding and the registry -----------------------------------------------------------------

def test_unemulated_service_stops_the_run(km):
    with pytest.raises(ServiceNotEmulated,
                       match="kernel service not emulated: not_emulated_anywhere called from"):
        km.machine.call("call_missing")


def test_handlers_match_the_kernel_prototypes(btf):
    """Every service's argument count and variadic-ness equal its vmlinux BTF prototype
    (assembly routines such as memcpy have only `void f(void)` in BTF and are skipped)."""
    checked = 0
    for name, service in REGISTRY.functions.items():
        try:
            proto = prototype(btf, name)
        except BtfError:
            continue
        if not proto.params and not proto.variadic and proto.returns == "void":
            continue
        assert (len(proto.params), proto.variadic) == (service.nargs, service.variadic), proto
        checked += 1
    assert checked >= 40


def test_registry_rejects_bad_tables(tmp_path, monkeypatch):
    from kernels.errors import ServiceError
    from kernels.services.registry import build

    pkg = tmp_path / "fake_services"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "bad_signature.py").write_text(
        "def handler(x, size):\n    return 0\nFUNCTIONS = {'kmalloc': handler}\n")
    (pkg / "misspelled.py").write_text(
        "def kmalloc(kernel, size):\n    return 0\nFUNCTIONS = {'kmalloc': kmaloc}\n")
    (pkg / "one.py").write_text("def f(kernel):\n    return 0\nFUNCTIONS = {'f': f}\n")
    (pkg / "two.py").write_text("def g(kernel):\n    return 0\nFUNCTIONS = {'f': g}\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ServiceError, match="handler handler must take `kernel` first"):
        build(("bad_signature",), "fake_services")
    with pytest.raises(NameError, match="kmaloc"):
        build(("misspelled",), "fake_services")
    with pytest.raises(ServiceError, match="'f' claimed by both one and two"):
        build(("one", "two"), "fake_services")
