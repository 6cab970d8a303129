"""``hwemu disasm``: each guest block next to the Thumb-2 emitted for it and its static cycle
cost (like qemu's -d in_asm,out_asm)."""

from __future__ import annotations

import json
import sys

from emulator.api import load
from emulator.errors import LoaderError
from emulator.translator.exits import ExitKind
from isa.a64.disasm import disasm_one
from isa.thumb2.disasm import disasm


def register(subparsers) -> None:
    p = subparsers.add_parser("disasm", help="show guest blocks and their Thumb-2 translation",
                              description=__doc__)
    p.add_argument("program", metavar="PROGRAM.elf")
    p.add_argument("--function", metavar="NAME", help="start at this symbol (default: entry)")
    p.add_argument("--max-blocks", type=int, default=200, metavar="N",
                   help="stop after N blocks (default 200)")
    p.add_argument("--core", default="cortex-m4", help="M core whose cycle table is used")
    p.add_argument("--json", action="store_true", help="print the blocks as JSON")
    p.set_defaults(func=run)


def blocks_of(machine, start: int, end: int | None, limit: int) -> list:
    """Blocks reachable by direct branches from ``start`` (within [start, end) if given)."""
    seen, order, todo = set(), [], [start]
    while todo and len(order) < limit:
        pc = todo.pop(0)
        if pc in seen or (end is not None and not start <= pc < end):
            continue
        seen.add(pc)
        block = machine.translate_at(pc)
        order.append(block)
        todo += [e.guest_pc for e in block.exits if e.kind is ExitKind.CHAIN]
    return sorted(order, key=lambda b: b.guest_pc)


def run(args) -> int:
    machine = load(args.program, "translate", args.core)
    image = machine.image
    if args.function:
        sym = image.symbol(args.function)
        start, end = sym.addr, sym.addr + sym.size if sym.size else None
    else:
        start, end = image.entry, None
    if image.machine != "aarch64":
        raise LoaderError(f"{args.program}: disasm shows AArch64 translations")
    blocks = blocks_of(machine, start, end, args.max_blocks)
    if args.json:
        json.dump([_as_dict(machine, b) for b in blocks], sys.stdout, indent=1)
        print()
        return 0
    for block in blocks:
        where = image.symbol_at(block.guest_pc) or ""
        print(f"IN: {where}  [{block.guest_insns} guest instructions]")
        for addr, word in block.guests:
            print(f"  0x{addr:08x}:  {disasm_one(word, addr)}")
        print(f"OUT: [host 0x{block.host_addr:08x}, {block.size} bytes, {block.host_insns} "
              f"instructions on the main path, {block.cycles} cycles]")
        for addr, _, text in disasm(machine.read_host(block), block.host_addr):
            print(f"  0x{addr:08x}:  {text}")
        print()
    return 0


def _as_dict(machine, block) -> dict:
    return {
        "guest_pc": block.guest_pc,
        "symbol": machine.image.symbol_at(block.guest_pc),
        "guest": [disasm_one(w, a) for a, w in block.guests],
        "host": [t for _, _, t in disasm(machine.read_host(block), block.host_addr)],
        "host_bytes": block.size,
        "host_insns": block.host_insns,
        "cycles": block.cycles,
    }
