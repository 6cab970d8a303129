"""Host routines shared by all translated blocks: the dispatcher exit, the jump-cache lookup for
indirect branches (BR/BLR/RET) and 64-bit division (which Thumb-2 lacks)."""

from __future__ import annotations

from dataclasses import dataclass

from emulator import layout
from emulator.translator.context import RuntimeAddrs
from isa.thumb2.assemble import assemble
from isa.thumb2.disasm import disasm
from isa.thumb2.encode import divide
from isa.timing.cores import CoreModel

# r0/r1 = guest target (low/high word).  Hit: jump to the host block; miss (or a target outside
# the 32-bit window): exit with r3 = token.  The jump cache is r11 (the state block) + JT_OFFSET,
# and no instruction on either path sets flags, so the guest's NZCV stays in APSR untouched.
_SOURCE = """
exit:
    b exit
indirect:
    cbnz r1, miss
    ubfx r3, r0, #2, #{bits}
    add.w r2, r11, r3, lsl #3
    ldr.w r3, [r2, #{tag}]
    eor.w r3, r3, r0
    cbnz r3, miss
    ldr.w r2, [r2, #{host}]
    bx r2
miss:
    mov r3, pc
    b exit
"""
_HIT_PATH = ("cbnz", "ubfx", "add", "ldr", "eor", "cbnz", "ldr", "bx")



def _udiv(rd: int, rn: int, rm: int) -> str:
    return ".hword " + ", ".join(f"{h:#06x}" for h in divide(False, rd, rn, rm))


# 64-bit UDIV/SDIV: r0:r1 = dividend, r2:r3 = divisor (low, high) -> r0:r1 = quotient, 0 for a
# zero divisor.  r9 = the caller's `mov r9, pc` (its address + 4, then a 4-byte b.w here): the
# routine returns to r9 + 2 and keeps the quotient's sign in r9's bit 0.  It may change r0-r9
# (the call site saves them) and leaves r10-r12, lr and sp alone, so the inline counters stay
# valid wherever the watchdog stops it.  Each block (a branch ends one) adds its instruction
# count to r10.
_DIVIDE = (
    ("sdiv64", ("eor.w r4, r1, r3", "orr.w r9, r9, r4, lsr #31", "cmp r1, #0", "bge .Ldiv_m")),
    ("", ("rsbs r0, r0, #0", "mvn.w r1, r1", "adc r1, r1, #0")),  # |dividend|
    (".Ldiv_m", ("cmp r3, #0", "bge .Ldiv_core")),
    ("", ("rsbs r2, r2, #0", "mvn.w r3, r3", "adc r3, r3, #0", "b .Ldiv_core")),  # |divisor|
    ("udiv64", ("bic r9, r9, #1",)),
    (".Ldiv_core", ("cmp r3, #0", "bne .Ldiv_long")),
    ("", ("cmp r2, #0x10000", "bhs .Ldiv_long")),
    ("", ("cmp r2, #0", "beq .Ldiv_zero")),
    # divisor below 2^16: three hardware divides of 32-bit numerators, 16 quotient bits apiece
    ("", (_udiv(4, 1, 2), "mls r1, r4, r2, r1", "lsl.w r1, r1, #16",
          "orr.w r1, r1, r0, lsr #16", _udiv(5, 1, 2), "mls r1, r5, r2, r1",
          "lsl.w r1, r1, #16", "uxth r6, r0", "orr.w r1, r1, r6", _udiv(6, 1, 2),
          "orr.w r0, r6, r5, lsl #16", "mov r1, r4", "b .Ldiv_sign")),
    # otherwise shift and subtract, from the divisor aligned under the dividend's top bit
    (".Ldiv_long", ("subs r4, r0, r2", "sbcs r4, r1, r3", "blo .Ldiv_zero")),
    ("", ("clz r4, r3", "cmp r3, #0", "itt eq", "clzeq r4, r2", "addeq r4, r4, #32",
          "clz r5, r1", "cmp r1, #0", "itt eq", "clzeq r5, r0", "addeq r5, r5, #32",
          "sub.w r8, r4, r5", "lsl.w r3, r3, r8", "rsb.w r4, r8, #32", "lsr.w r4, r2, r4",
          "orr.w r3, r3, r4", "sub.w r4, r8, #32", "lsl.w r4, r2, r4", "orr.w r3, r3, r4",
          "lsl.w r2, r2, r8", "mov.w r6, #0", "mov.w r7, #0")),
    (".Ldiv_loop", ("adds r6, r6, r6", "adc.w r7, r7, r7", "subs r4, r0, r2", "sbcs r5, r1, r3",
                    "ittt hs", "movhs r0, r4", "movhs r1, r5", "orrhs r6, r6, #1",
                    "lsrs r3, r3, #1", "rrx r2, r2", "subs r8, r8, #1", "bpl .Ldiv_loop")),
    ("", ("mov r0, r6", "mov r1, r7", "b .Ldiv_sign")),
    (".Ldiv_zero", ("mov.w r0, #0", "mov.w r1, #0")),
    (".Ldiv_sign", ("tst r9, #1", "beq .Ldiv_return")),
    ("", ("rsbs r0, r0, #0", "mvn.w r1, r1", "adc r1, r1, #0")),
    (".Ldiv_return", ("orr.w r9, r9, #1", "add.w r9, r9, #2", "bx r9")),
)


def _counted(blocks) -> str:
    """Routine text whose every block first adds its instruction count to r10 (host insns)."""
    text = []
    for label, insns in blocks:
        if label:
            text.append(f"{label}:")
        text += [f"add.w r10, r10, #{len(insns) + 1}", *insns]
    return "\n".join(text)


@dataclass(frozen=True)
class Runtime:
    code: bytes
    addrs: RuntimeAddrs
    miss_token: int


def build_runtime(core: CoreModel) -> Runtime:
    text = _SOURCE.format(bits=layout.JT_BITS, tag=layout.JT_OFFSET, host=layout.JT_OFFSET + 4)
    code = assemble(text + _counted(_DIVIDE), layout.RUNTIME)
    insns = disasm(code, layout.RUNTIME)
    indirect = insns[1][0]
    token = next(a for a, _, t in insns if t.startswith("mov r3, pc")) + 4
    cycles = sum(core.thumb_cycles(m) for m in _HIT_PATH) + core.taken_branch_penalty
    at = {label: k for k, (label, _) in enumerate(_DIVIDE)}
    starts = [a for a, _, t in insns if t.startswith("add.w sl, sl")]  # r10 += block size
    addrs = RuntimeAddrs(exit=layout.RUNTIME, indirect=indirect, indirect_cycles=cycles,
                         indirect_insns=len(_HIT_PATH), udiv64=starts[at["udiv64"]],
                         sdiv64=starts[at["sdiv64"]])
    return Runtime(code, addrs, token)
