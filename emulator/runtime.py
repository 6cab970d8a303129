"""Host routines shared by all translated blocks: the dispatcher exit and the jump-cache lookup
for indirect branches (BR/BLR/RET)."""

from __future__ import annotations

from dataclasses import dataclass

from emulator import layout
from emulator.translator.context import RuntimeAddrs
from isa.thumb2.assemble import assemble
from isa.thumb2.disasm import disasm
from isa.timing.cores import CoreModel

# r0/r1 = guest target (low/high word).  Hit: jump to the host block with the guest flags
# restored; miss (or a target outside the 32-bit window): exit with r3 = token.
_SOURCE = """
exit:
    b exit
indirect:
    mrs r4, apsr
    cbnz r1, miss
    movw r2, #{jt_lo}
    movt r2, #{jt_hi}
    ubfx r3, r0, #2, #{bits}
    add.w r2, r2, r3, lsl #3
    ldr r3, [r2]
    cmp r3, r0
    bne miss
    ldr r2, [r2, #4]
    msr apsr_nzcvq, r4
    bx r2
miss:
    msr apsr_nzcvq, r4
    mov r3, pc
    b exit
"""
_HIT_PATH = ("mrs", "cbnz", "movw", "movt", "ubfx", "add", "ldr", "cmp", "bne", "ldr", "msr",
             "bx")


@dataclass(frozen=True)
class Runtime:
    code: bytes
    addrs: RuntimeAddrs
    miss_token: int


def build_runtime(core: CoreModel) -> Runtime:
    text = _SOURCE.format(jt_lo=layout.JUMP_TABLE & 0xFFFF, jt_hi=layout.JUMP_TABLE >> 16,
                          bits=layout.JT_BITS)
    code = assemble(text, layout.RUNTIME)
    insns = disasm(code, layout.RUNTIME)
    indirect = insns[1][0]
    token = next(a for a, _, t in insns if t.startswith("mov r3, pc")) + 4
    cycles = sum(core.thumb_cycles(m) for m in _HIT_PATH) + core.taken_branch_penalty
    addrs = RuntimeAddrs(exit=layout.RUNTIME, indirect=indirect, indirect_cycles=cycles,
                         indirect_insns=len(_HIT_PATH))
    return Runtime(code, addrs, token)
