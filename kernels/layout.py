"""Where the kernel side places things in the guest's 32-bit window (both machines).

Modules and the trap stubs of kernel services must lie within +-128 MiB of each other, the
reach of BL/B (CALL26/JUMP26, AAELF64), as the kernel's own module area does without PLTs.
"""

from dataclasses import dataclass

from kernels.errors import KernelsError


@dataclass(frozen=True)
class KernelLayout:
    module_base: int = 0x01000000  # first module; later ones follow, page-aligned
    module_limit: int = 0x06000000
    trampoline: int = 0x06FFF000  # `blr x16` then a trap: services calling guest code
    trap_base: int = 0x07000000  # one 4-byte ``ret`` stub per undefined symbol
    trap_limit: int = 0x07100000
    data_base: int = 0x07100000  # kernel variables modules reference (jiffies, ...)
    data_limit: int = 0x07800000
    heap_base: int = 0x08000000  # kmalloc and friends
    heap_limit: int = 0x10000000
    ioremap_base: int = 0xA0000000  # virtual addresses ioremap hands out for MMIO regions
    ioremap_limit: int = 0xB0000000

    def trap(self, index: int) -> int:
        addr = self.trap_base + 4 * index
        if addr >= self.trap_limit:
            raise KernelsError(f"more than {(self.trap_limit - self.trap_base) // 4} kernel "
                             f"symbols to bind")
        return addr


DEFAULT_LAYOUT = KernelLayout()
