"""Random A64 instruction generators for the translator's differential tests.

Each instruction class has templates; :func:`instruction` fills one with random registers and
operands.  x20 always points into the data buffer, 16-byte aligned (x21 is a small index), so every
memory access lands inside it and atomics stay naturally aligned; generated instructions never
write x20/x21/x30/sp unless the template says so.
"""

from __future__ import annotations

import random

from emulator.testing import CODE_BASE, DATA_BASE

BASE_REG, INDEX_REG = 20, 21
DATA_REGS = tuple(range(0, 18))
CONDS = ("eq", "ne", "hs", "lo", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt", "gt", "le",
         "al")
SPECIAL = (0, 1, 2, 0x7F, 0x80, 0xFF, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0x100000000,
           0x7FFFFFFFFFFFFFFF, 0x8000000000000000, 0xFFFFFFFFFFFFFFFF, 0xFFFFFFFF00000000)


def random_value(rng: random.Random) -> int:
    kind = rng.random()
    if kind < 0.3:
        return rng.choice(SPECIAL)
    if kind < 0.5:
        return rng.getrandbits(rng.choice((8, 16, 32)))
    return rng.getrandbits(64)


def initial_registers(rng: random.Random) -> list[int]:
    regs = [random_value(rng) for _ in range(31)]
    regs[BASE_REG] = DATA_BASE + 0x800
    regs[INDEX_REG] = rng.randrange(0, 32)
    return regs


# x20's value computed by the code itself: the translator then knows it as a constant
CONSTANT_BASE = (f"movz x20, #{(DATA_BASE + 0x800) & 0xFFFF:#x}",
                 f"movk x20, #{(DATA_BASE + 0x800) >> 16:#x}, lsl #16")


def bitmask_immediate(rng: random.Random, width: int) -> int:
    """A valid logical immediate: a rotated run of ones, replicated."""
    esize = rng.choice([e for e in (2, 4, 8, 16, 32, 64) if e <= width])
    ones = rng.randrange(1, esize)
    rot = rng.randrange(esize)
    elem = (1 << ones) - 1
    elem = ((elem >> rot) | (elem << (esize - rot))) & ((1 << esize) - 1)
    value = 0
    for shift in range(0, width, esize):
        value |= elem << shift
    return value


# --- encoders for what Keystone does not know (ARMv8.1 LSE atomics, PAC/BTI hints) -------------

def lse(op: str, size: int, rs: int, rt: int, rn: int, acquire: bool, release: bool) -> int:
    opcs = {"ldadd": (0, 0), "ldclr": (0, 1), "ldeor": (0, 2), "ldset": (0, 3), "ldsmax": (0, 4),
            "ldsmin": (0, 5), "ldumax": (0, 6), "ldumin": (0, 7), "swp": (1, 0)}
    o3, opc = opcs[op]
    return (0x38200000 | size << 30 | acquire << 23 | release << 22 | rs << 16 | o3 << 15
            | opc << 12 | rn << 5 | rt)


def cas(size: int, rs: int, rt: int, rn: int, acquire: bool, release: bool) -> int:
    return 0x08A07C00 | size << 30 | acquire << 22 | rs << 16 | release << 15 | rn << 5 | rt


# Unicorn 2.1 (QEMU 5.0) compares LDSMAX/LDSMIN on bytes, halfwords and words as unsigned, so
# the native reference is wrong there; tests check those forms against a Python model instead.
NATIVE_SIGNED_MINMAX_BUG = True

HINTS = {"paciasp": 0xD503233F, "autiasp": 0xD50323BF, "bti c": 0xD503245F}


# --- templates ----------------------------------------------------------------------------------

def _x(rng):
    return f"x{rng.choice(DATA_REGS)}"


def _w(rng):
    return f"w{rng.choice(DATA_REGS)}"


def _r(rng, sf):
    return _x(rng) if sf else _w(rng)


def _addsub(rng):
    sf = rng.random() < 0.6
    r = lambda: _r(rng, sf)  # noqa: E731
    op = rng.choice(("add", "adds", "sub", "subs"))
    form = rng.randrange(6)
    if form == 0:
        return f"{op} {r()}, {r()}, #{rng.randrange(4096)}" + (", lsl #12" if rng.random() < .3
                                                               else "")
    if form == 1:
        shift = rng.choice(("lsl", "lsr", "asr"))
        return f"{op} {r()}, {r()}, {r()}, {shift} #{rng.randrange(64 if sf else 32)}"
    if form == 2:
        ext = rng.choice(("uxtb", "uxth", "uxtw", "sxtb", "sxth", "sxtw"))
        src = _w(rng) if sf else r()
        return f"{op} {r()}, {r()}, {src}, {ext} #{rng.randrange(5)}"
    if form == 3:
        return f"{rng.choice(('cmp', 'cmn'))} {r()}, {r()}"
    if form == 4:
        return f"{rng.choice(('adc', 'adcs', 'sbc', 'sbcs'))} {r()}, {r()}, {r()}"
    return f"{rng.choice(('neg', 'negs', 'ngc', 'ngcs'))} {r()}, {r()}"


def _base(rng):
    """Values derived from the data pointer x20 (which writeback accesses move)."""
    op = rng.choice(("add", "sub", "mov", "add w"))
    if op == "mov":
        return f"mov {_x(rng)}, x20"
    if op == "add w":
        return f"add {_w(rng)}, w20, w21"
    return f"{op} {_x(rng)}, x20, #{rng.randrange(4096)}"


def _pcrel(rng):
    """ADR (a raw word: Keystone misreads its operand) or ADRP near the code (snippets are
    assembled at CODE_BASE)."""
    if rng.random() < 0.5:
        offset = rng.randrange(-0x1000, 0x1000) & 0x1FFFFF
        rd = rng.choice(DATA_REGS)
        return f".inst {(offset & 3) << 29 | 0x10000000 | (offset >> 2) << 5 | rd:#x}"
    return f"adrp {_x(rng)}, #{(CODE_BASE & ~0xFFF) + (rng.randrange(-16, 16) << 12):#x}"


def _logical(rng):
    sf = rng.random() < 0.6
    r = lambda: _r(rng, sf)  # noqa: E731
    if rng.random() < 0.4:
        op = rng.choice(("and", "orr", "eor", "ands"))
        imm = bitmask_immediate(rng, 64 if sf else 32)
        if rng.random() < 0.2:
            return f"tst {r()}, #{imm:#x}"
        return f"{op} {r()}, {r()}, #{imm:#x}"
    op = rng.choice(("and", "bic", "orr", "orn", "eor", "eon", "ands", "bics"))
    shift = rng.choice(("lsl", "lsr", "asr", "ror"))
    if rng.random() < 0.15:
        return f"{rng.choice(('mov', 'mvn'))} {r()}, {r()}"
    return f"{op} {r()}, {r()}, {r()}, {shift} #{rng.randrange(64 if sf else 32)}"


def _movewide(rng):
    sf = rng.random() < 0.6
    hw = rng.randrange(4 if sf else 2) * 16
    return f"{rng.choice(('movz', 'movn', 'movk'))} {_r(rng, sf)}, #{rng.randrange(65536)}, " \
           f"lsl #{hw}"


def _bitfield(rng):
    sf = rng.random() < 0.6
    size = 64 if sf else 32
    r = lambda: _r(rng, sf)  # noqa: E731
    lsb = rng.randrange(size)
    width = rng.randrange(1, size - lsb + 1)
    op = rng.choice(("ubfx", "sbfx", "ubfiz", "sbfiz", "bfi", "bfxil", "lsl", "lsr", "asr",
                     "ext"))
    if op in ("lsl", "lsr", "asr"):
        return f"{op} {r()}, {r()}, #{rng.randrange(size)}"
    if op == "ext":
        ext = rng.choice(("sxtb", "sxth", "uxtb", "uxth") + (("sxtw",) if sf else ()))
        return f"{ext} {r()}, {_w(rng)}"
    return f"{op} {r()}, {r()}, #{lsb}, #{width}"


def _extract(rng):
    sf = rng.random() < 0.6
    size = 64 if sf else 32
    r = lambda: _r(rng, sf)  # noqa: E731
    if rng.random() < 0.3:
        return f"ror {r()}, {r()}, #{rng.randrange(size)}"
    return f"extr {r()}, {r()}, {r()}, #{rng.randrange(size)}"


def _condsel(rng):
    sf = rng.random() < 0.6
    r = lambda: _r(rng, sf)  # noqa: E731
    cond = rng.choice(CONDS[:-1])
    kind = rng.randrange(3)
    if kind == 0:
        return f"{rng.choice(('csel', 'csinc', 'csinv', 'csneg'))} {r()}, {r()}, {r()}, " \
               f"{rng.choice(CONDS)}"
    if kind == 1:
        return f"{rng.choice(('cset', 'csetm'))} {r()}, {cond}"
    return f"{rng.choice(('cinc', 'cinv', 'cneg'))} {r()}, {r()}, {cond}"


def _condcmp(rng):
    sf = rng.random() < 0.6
    r = lambda: _r(rng, sf)  # noqa: E731
    second = f"#{rng.randrange(32)}" if rng.random() < 0.5 else r()
    return f"{rng.choice(('ccmp', 'ccmn'))} {r()}, {second}, #{rng.randrange(16)}, " \
           f"{rng.choice(CONDS)}"


def _dp1(rng):
    sf = rng.random() < 0.6
    ops = ("rbit", "rev16", "rev", "clz", "cls") + (("rev32",) if sf else ())
    return f"{rng.choice(ops)} {_r(rng, sf)}, {_r(rng, sf)}"


def _dp2(rng):
    sf = rng.random() < 0.6
    op = rng.choice(("udiv", "sdiv", "lsl", "lsr", "asr", "ror"))
    return f"{op} {_r(rng, sf)}, {_r(rng, sf)}, {_r(rng, sf)}"


def _dp3(rng):
    kind = rng.randrange(4)
    if kind == 0:
        sf = rng.random() < 0.6
        r = lambda: _r(rng, sf)  # noqa: E731
        return f"{rng.choice(('madd', 'msub'))} {r()}, {r()}, {r()}, {r()}"
    if kind == 1:
        return f"{rng.choice(('smaddl', 'smsubl', 'umaddl', 'umsubl'))} {_x(rng)}, {_w(rng)}, " \
               f"{_w(rng)}, {_x(rng)}"
    if kind == 2:
        return f"{rng.choice(('smulh', 'umulh'))} {_x(rng)}, {_x(rng)}, {_x(rng)}"
    sf = rng.random() < 0.6
    return f"{rng.choice(('mul', 'mneg'))} {_r(rng, sf)}, {_r(rng, sf)}, {_r(rng, sf)}"


_SIZES = {"ldrb": 1, "ldrh": 2, "ldrsb": 1, "ldrsh": 2, "ldrsw": 4, "strb": 1, "strh": 2}


def _loadstore(rng):
    op = rng.choice(("ldr", "str", "ldrb", "ldrh", "ldrsb", "ldrsh", "ldrsw", "strb", "strh"))
    sf = rng.random() < 0.5 if op in ("ldrsb", "ldrsh") else op in ("ldrsw",) or (
        op in ("ldr", "str") and rng.random() < 0.6)
    if op in ("ldrb", "ldrh", "strb", "strh"):
        sf = False
    size = _SIZES.get(op, 8 if sf else 4)
    rt = _r(rng, sf)
    form = rng.randrange(5)
    if form == 0:
        return f"{op} {rt}, [x20, #{size * rng.randrange(0, 64)}]"
    if form == 1:
        return f"{op.replace('ldr', 'ldur').replace('str', 'stur')} {rt}, " \
               f"[x20, #{rng.randrange(-256, 256)}]"
    if form == 2:  # writeback offsets keep x20 aligned for the atomics that follow
        return f"{op} {rt}, [x20, #{16 * rng.randrange(-4, 4)}]!"
    if form == 3:
        return f"{op} {rt}, [x20], #{16 * rng.randrange(-4, 4)}"
    shift = {1: 0, 2: 1, 4: 2, 8: 3}[size]
    index = rng.choice(("x21", "w21, uxtw", "w21, sxtw", "x21, lsl"))
    amount = f" #{shift}" if rng.random() < 0.5 or index == "x21, lsl" else ""
    if index == "x21":
        return f"{op} {rt}, [x20, x21]"
    return f"{op} {rt}, [x20, {index}{amount}]"


def _loadpair(rng):
    op = rng.choice(("ldp", "stp", "ldpsw", "ldnp", "stnp"))
    sf = op == "ldpsw" or rng.random() < 0.6
    a, b = rng.sample(DATA_REGS, 2)
    prefix = "x" if sf else "w"
    off = 16 * rng.randrange(-4, 4)
    regs = f"{prefix}{a}, {prefix}{b}"
    if op in ("ldnp", "stnp"):
        return f"{op} {regs}, [x20, #{off}]"
    base = "sp" if rng.random() < 0.3 else "x20"
    if base == "sp":
        off = 16 * rng.randrange(-4, 1)
    form = rng.randrange(3)
    if form == 0:
        return f"{op} {regs}, [{base}, #{off}]"
    if form == 1:
        return f"{op} {regs}, [{base}, #{off}]!"
    return f"{op} {regs}, [{base}], #{off}"


def _exclusive(rng):
    kind = rng.randrange(4)
    size = rng.choice(("b", "h", "", "x"))
    load = {"b": "ldxrb", "h": "ldxrh", "": "ldxr", "x": "ldxr"}[size]
    store = load.replace("ld", "st")
    rt = _x(rng) if size == "x" else _w(rng)
    status = f"w{rng.choice(DATA_REGS)}"
    if kind == 0:
        return f"{load.replace('ldx', 'ldax') if rng.random() < .5 else load} {rt}, [x20]"
    if kind == 1:
        value = _x(rng) if size == "x" else _w(rng)
        while value[1:] == status[1:]:
            value = _x(rng) if size == "x" else _w(rng)
        return f"{store.replace('stx', 'stlx') if rng.random() < .5 else store} {status}, " \
               f"{value}, [x20]"
    if kind == 2:
        return f"{'ldar' + size.strip('x')} {rt}, [x20]"
    return f"{'stlr' + size.strip('x')} {rt}, [x20]"


def _atomic(rng):
    size = rng.randrange(4)
    rs, rt = rng.choice(DATA_REGS), rng.choice(DATA_REGS)
    acq, rel = rng.random() < 0.5, rng.random() < 0.5
    if rng.random() < 0.2:
        return f".inst {cas(size, rs, rt, BASE_REG, acq, rel):#x}"
    ops = ["ldadd", "ldclr", "ldeor", "ldset", "ldumax", "ldumin", "swp"]
    if size == 3:  # sub-word signed min/max: see NATIVE_SIGNED_MINMAX_BUG
        ops += ["ldsmax", "ldsmin"]
    op = rng.choice(ops)
    if rng.random() < 0.15:
        rt = 31  # ST<op> alias: the old value is discarded
    return f".inst {lse(op, size, rs, rt, BASE_REG, acq, rel):#x}"


def _system(rng):
    kind = rng.randrange(5)
    if kind == 0:
        return f"mrs {_x(rng)}, nzcv"
    if kind == 1:
        return f"msr nzcv, {_x(rng)}"
    if kind == 2:
        return rng.choice(("nop", "dmb ish", "dsb sy", "isb", "clrex"))
    if kind == 3:
        return f".inst {rng.choice(list(HINTS.values())):#x}"
    if rng.random() < 0.5:
        return f"mrs {_x(rng)}, tpidr_el0"
    return f"msr tpidr_el0, {_x(rng)}"


CLASSES = {
    "addsub": _addsub, "base": _base, "pcrel": _pcrel, "logical": _logical, "movewide": _movewide,
    "bitfield": _bitfield, "extract": _extract, "condsel": _condsel, "condcmp": _condcmp,
    "dataproc1": _dp1, "dataproc2": _dp2, "multiply": _dp3, "loadstore": _loadstore,
    "loadpair": _loadpair, "exclusive": _exclusive, "atomic": _atomic, "system": _system,
}


def instruction(rng: random.Random, cls: str | None = None) -> str:
    """One random instruction of class ``cls`` (any class if None)."""
    return CLASSES[cls or rng.choice(sorted(CLASSES))](rng)
