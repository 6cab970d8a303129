"""``hwemu run``: run a static AArch64 program translated on the M core (or natively)."""

from __future__ import annotations

import argparse
import json
import sys

from emulator.api import MODES, load
from emulator.commands.trace import parse_region
from emulator.errors import GuestError
from emulator.memtrace import FORMATS, MemoryTraceWriter
from emulator.mmio import RegisterDevice
from emulator.trace import Trace
from isa.timing.cores import CORES


def register(subparsers) -> None:
    p = subparsers.add_parser("run", help="run a static AArch64 (or M-core Thumb-2) program",
                              description=__doc__)
    p.add_argument("--mode", choices=MODES, default="translate",
                   help="translate (AArch64 -> Thumb-2 on the M core, default) or native "
                        "(Unicorn AArch64 reference)")
    p.add_argument("--core", choices=sorted(CORES), help="core model (default: cortex-m4 for "
                   "translate, cortex-a53 for native)")
    p.add_argument("--stats-json", metavar="PATH", help="write the run's statistics as JSON")
    p.add_argument("--max-insns", type=int, metavar="N", help="stop after N guest instructions")
    p.add_argument("--code-cache-kb", type=int, default=64, metavar="N",
                   help="code cache size in KiB (default 64, the M core's SRAM)")
    p.add_argument("--no-chain", action="store_true", help="disable block chaining")
    p.add_argument("--mhz", type=float, help="core clock for modelled time")
    p.add_argument("--mem-trace", metavar="PATH",
                   help="write the guest's memory accesses as a memory-simulator trace")
    p.add_argument("--mem-trace-format", choices=FORMATS, default="dramsim3",
                   help="dramsim3 (0xADDR READ|WRITE CYCLE, default) or ramulator (LD|ST ADDR)")
    p.add_argument("--device", metavar="BASE:SIZE",
                   help="map a register-file device there (reads return what was written)")
    p.add_argument("--trace", metavar="PATH", help="record the device's accesses as a hardware "
                   "trace (binary; text if PATH ends in .txt)")
    p.add_argument("program", metavar="PROGRAM.elf")
    p.add_argument("args", nargs=argparse.REMAINDER, metavar="ARGS")
    p.set_defaults(func=run)


def run(args) -> int:
    if args.max_insns is not None and args.max_insns <= 0:
        raise GuestError("--max-insns must be positive")
    options = dict(argv=tuple(args.args), stdin=None, stdout=sys.stdout.buffer,
                   stderr=sys.stderr.buffer, max_insns=args.max_insns, mhz=args.mhz)
    if args.mode == "translate":
        options.update(code_cache_kb=args.code_cache_kb, chain=not args.no_chain)
    machine = load(args.program, args.mode, args.core, **options)
    trace = MemoryTraceWriter(machine, args.mem_trace, args.mem_trace_format) \
        if args.mem_trace else None
    if args.trace and not args.device:
        raise GuestError("--trace records a device's accesses: give --device BASE:SIZE too")
    if args.device:
        base, size = parse_region(args.device)
        machine.map_device(base, size, RegisterDevice("device", size))
    try:
        result = machine.run()
    except BaseException:
        if trace:
            trace.discard()
        raise
    finally:
        sys.stdout.flush()
        if args.stats_json:
            write_json(args.stats_json, machine.stats.as_dict())
    if trace:
        trace.commit()
    if args.trace:
        hw = Trace(meta={"program": args.program, "mode": args.mode, "core": machine.core.name})
        for access in machine.mmio_trace:
            hw.add_mmio(access, core=machine.core.name)
        hw.save(args.trace)
    return result.exit_code


def write_json(path: str, data) -> None:
    """Write ``data`` as JSON atomically (temp file + rename)."""
    import os

    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w") as fh:
        json.dump(data, fh, indent=2)
        fh.write("\n")
    os.replace(tmp, path)
