"""arm64 support the modules link against: the alternatives NOP callback, the stack protector's
and FORTIFY_SOURCE's failure paths, refcount saturation, static keys the inline IRQ-flag helpers
test, and module-parameter operations."""

from __future__ import annotations

import struct

from kernels.services.kernel import Kernel
from kernels.services.printk import LOGLEVEL, log

NOP = 0xD503201F  # aarch64_insn_gen_nop()


def alt_cb_patch_nops(kernel: Kernel, alt: int, origptr: int, updptr: int, nr_inst: int) -> None:
    """arch/arm64/kernel/alternative.c: replace the alternative's instructions by NOPs."""
    kernel.write(updptr, struct.pack(f"<{nr_inst}I", *[NOP] * nr_inst))


def __stack_chk_fail(kernel: Kernel) -> None:
    raise kernel.error("stack-protector: kernel stack is corrupted")


def fortify_panic(kernel: Kernel, name: int) -> None:
    """CONFIG_FORTIFY_SOURCE caught a string/memory function overrunning its buffer: BUG()."""
    raise kernel.error(f"detected buffer overflow in {kernel.cstring(name).decode('latin-1')}")


# enum refcount_saturation_type -> lib/refcount.c's warning
REFCOUNT_WARNINGS = ("saturated; leaking memory", "saturated; leaking memory",
                     "addition on 0; use-after-free", "underflow; use-after-free",
                     "decrement hit 0; leaking memory")
REFCOUNT_SATURATED = 0xC0000000  # INT_MIN / 2


def refcount_warn_saturate(kernel: Kernel, ref: int, kind: int) -> None:
    """Saturate the refcount_t and warn, as the kernel does instead of wrapping."""
    kernel.write(ref, struct.pack("<I", REFCOUNT_SATURATED))
    text = REFCOUNT_WARNINGS[kind] if kind < len(REFCOUNT_WARNINGS) else f"type {kind}"
    log(kernel, LOGLEVEL["warn"], f"refcount_t: {text}.")


FUNCTIONS = {"alt_cb_patch_nops": alt_cb_patch_nops, "__stack_chk_fail": __stack_chk_fail,
             "fortify_panic": fortify_panic, "refcount_warn_saturate": refcount_warn_saturate}

# Module parameters' operations (kernel/params.c) are only pointed to from a module's __param
# section; parsing parameters is not emulated, so they are zeroed objects of the kernel's size.
PARAM_OPS = ("param_ops_bool", "param_ops_int", "param_ops_uint", "param_ops_long",
             "param_ops_ulong", "param_ops_ullong", "param_ops_short", "param_ops_ushort",
             "param_ops_byte", "param_ops_charp", "param_ops_hexint", "param_ops_bint",
             "param_ops_invbool", "param_array_ops", "param_ops_string")
DATA = {
    **{name: ("struct kernel_param_ops", None) for name in PARAM_OPS},
    # DEFINE_STATIC_KEY_FALSE in drivers/irqchip/irq-gic-v3.c: disabled (zeroed)
    "gic_nonsecure_priorities": ("struct static_key_false", None),
}
