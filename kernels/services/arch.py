"""arm64 support the modules link against: the alternatives NOP callback, the stack protector's
failure path, static keys the inline IRQ-flag helpers test, and module-parameter operations."""

from __future__ import annotations

import struct

from kernels.services.kernel import Kernel

NOP = 0xD503201F  # aarch64_insn_gen_nop()


def alt_cb_patch_nops(kernel: Kernel, alt: int, origptr: int, updptr: int, nr_inst: int) -> None:
    """arch/arm64/kernel/alternative.c: replace the alternative's instructions by NOPs."""
    kernel.write(updptr, struct.pack(f"<{nr_inst}I", *[NOP] * nr_inst))


def __stack_chk_fail(kernel: Kernel) -> None:
    raise kernel.error("stack-protector: kernel stack is corrupted")


FUNCTIONS = {"alt_cb_patch_nops": alt_cb_patch_nops, "__stack_chk_fail": __stack_chk_fail}

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
