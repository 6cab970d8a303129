"""AArch64 -> Thumb-2 translation: one module per A64 instruction class.

Each class module exposes ``KINDS`` (the decoder's ``kind`` values it handles) and
``translate(ctx, insn)``; :data:`TRANSLATORS` maps every kind to its translator.
"""

from emulator.translator import (
    addsub,
    atomic,
    bitfield,
    branch,
    condcmp,
    condsel,
    dataproc1,
    dataproc2,
    exclusive,
    extract,
    loadpair,
    loadstore,
    logical,
    movewide,
    multiply,
    pcrel,
    system,
)

CLASS_MODULES = (addsub, logical, movewide, pcrel, bitfield, extract, condsel, condcmp,
                 dataproc1, dataproc2, multiply, loadstore, loadpair, exclusive, atomic, branch,
                 system)
TRANSLATORS = {kind: module.translate for module in CLASS_MODULES for kind in module.KINDS}
