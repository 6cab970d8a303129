"""Allocation: the kmalloc family, kfree, kmemdup/kstrdup and device-managed allocations."""

from __future__ import annotations

from kernels.services.kernel import ZERO_SIZE_PTR, Kernel

# kmalloc_caches[NR_KMALLOC_TYPES][KMALLOC_SHIFT_HIGH + 1] (include/linux/slab.h, 6.1): with
# SLUB, 4 KiB pages (KMALLOC_SHIFT_HIGH = PAGE_SHIFT + 1 = 13), ZONE_DMA and MEMCG_KMEM there
# are 4 types (normal, cgroup, reclaim, dma) x 14 sizes of 8-byte pointers.
KMALLOC_TYPES, KMALLOC_SIZES = 4, 14
KMEM_CACHE_BYTES = 256  # a stand-in kmem_cache object per slot; the handlers use the size arg


def _kmalloc(kernel: Kernel, size: int) -> int:
    return kernel.heap.alloc(size)


def __kmalloc(kernel: Kernel, size: int, flags: int) -> int:
    return _kmalloc(kernel, size)


def __kmalloc_node(kernel: Kernel, size: int, flags: int, node: int) -> int:
    return _kmalloc(kernel, size)


def kmalloc_trace(kernel: Kernel, cache: int, flags: int, size: int) -> int:
    return _kmalloc(kernel, size)


def kmalloc_node_trace(kernel: Kernel, cache: int, flags: int, node: int, size: int) -> int:
    return _kmalloc(kernel, size)


def kmalloc_large(kernel: Kernel, size: int, flags: int) -> int:
    return _kmalloc(kernel, size)


def kvmalloc_node(kernel: Kernel, size: int, flags: int, node: int) -> int:
    return _kmalloc(kernel, size)


def kfree(kernel: Kernel, addr: int) -> None:
    if addr > ZERO_SIZE_PTR:  # kfree(NULL) and kfree(ZERO_SIZE_PTR) do nothing
        if kernel.heap.size(addr) is None:
            raise kernel.error(f"kfree of 0x{addr:x}, which is not a live allocation")
        kernel.heap.free(addr)


def kfree_const(kernel: Kernel, addr: int) -> None:
    """Frees only heap strings: kstrdup_const may hand back a pointer into .rodata."""
    if kernel.heap.size(addr) is not None:
        kernel.heap.free(addr)


def krealloc(kernel: Kernel, addr: int, size: int, flags: int) -> int:
    old = kernel.heap.size(addr) if addr > ZERO_SIZE_PTR else 0
    if old is None:
        raise kernel.error(f"krealloc of 0x{addr:x}, which is not a live allocation")
    if size == 0:
        kfree(kernel, addr)
        return ZERO_SIZE_PTR
    new = _kmalloc(kernel, size)
    if old:
        kernel.write(new, kernel.read(addr, min(old, size)))
        kernel.heap.free(addr)
    return new


def kmemdup(kernel: Kernel, src: int, size: int, flags: int) -> int:
    addr = _kmalloc(kernel, size)
    if size:
        kernel.write(addr, kernel.read(src, size))
    return addr


def kstrdup(kernel: Kernel, src: int, flags: int) -> int:
    if src == 0:
        return 0
    text = kernel.cstring(src, 1 << 20) + b"\0"
    addr = _kmalloc(kernel, len(text))
    kernel.write(addr, text)
    return addr


def devm_kmalloc(kernel: Kernel, dev: int, size: int, flags: int) -> int:
    addr = _kmalloc(kernel, size)
    if addr > ZERO_SIZE_PTR:
        kernel.devres_add(dev, "devm_kmalloc", addr, lambda: kernel.heap.free(addr))
    return addr


def devm_kfree(kernel: Kernel, dev: int, addr: int) -> None:
    entry = kernel.devres_remove(dev, "devm_kmalloc", addr)
    if entry is None:
        raise kernel.error(f"devm_kfree of 0x{addr:x}, not a managed allocation of 0x{dev:x}")
    entry.release()


def devm_kmemdup(kernel: Kernel, dev: int, src: int, size: int, flags: int) -> int:
    addr = devm_kmalloc(kernel, dev, size, flags)
    if size:
        kernel.write(addr, kernel.read(src, size))
    return addr


def devm_kstrdup(kernel: Kernel, dev: int, src: int, flags: int) -> int:
    if src == 0:
        return 0
    text = kernel.cstring(src, 1 << 20) + b"\0"
    addr = devm_kmalloc(kernel, dev, len(text), flags)
    kernel.write(addr, text)
    return addr


def init_kmalloc_caches(kernel: Kernel, addr: int) -> None:
    slots = KMALLOC_TYPES * KMALLOC_SIZES
    caches = [kernel.heap.alloc(KMEM_CACHE_BYTES) for _ in range(slots)]
    kernel.write(addr, b"".join(c.to_bytes(8, "little") for c in caches))


FUNCTIONS = {
    "__kmalloc": __kmalloc, "__kmalloc_node": __kmalloc_node, "kmalloc_trace": kmalloc_trace,
    "kmalloc_node_trace": kmalloc_node_trace, "kmalloc_large": kmalloc_large,
    "kvmalloc_node": kvmalloc_node, "kfree": kfree, "kvfree": kfree, "kfree_sensitive": kfree,
    "krealloc": krealloc, "kmemdup": kmemdup, "kstrdup": kstrdup, "kstrdup_const": kstrdup,
    "kfree_const": kfree_const, "devm_kmalloc": devm_kmalloc, "devm_kfree": devm_kfree,
    "devm_kmemdup": devm_kmemdup, "devm_kstrdup": devm_kstrdup,
}
DATA = {"kmalloc_caches": (KMALLOC_TYPES * KMALLOC_SIZES * 8, init_kmalloc_caches)}
