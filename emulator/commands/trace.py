"""``hwemu trace``: show, diff, export, import and replay hardware traces."""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from pathlib import Path

from emulator.api import MODES, load
from emulator.errors import GuestError
from emulator.trace import ReplayDevice, Trace, TraceError, export, first_divergence, import_rwmmio
from emulator.trace import load as load_trace


def register(subparsers) -> None:
    p = subparsers.add_parser("trace", help="hardware traces: show, diff, export, import, replay",
                              description=__doc__)
    sub = p.add_subparsers(dest="trace_command", metavar="ACTION", required=True)
    show = sub.add_parser("show", help="print a trace's events (text form) or a summary")
    show.add_argument("trace")
    show.add_argument("--limit", type=int, metavar="N", help="print the first N events only")
    show.add_argument("--json", action="store_true", help="summary as JSON")
    show.set_defaults(func=_show)
    diff = sub.add_parser("diff", help="compare two traces event by event (exit 1 if they differ)")
    diff.add_argument("first")
    diff.add_argument("second")
    diff.add_argument("--json", action="store_true")
    diff.set_defaults(func=_diff)
    exp = sub.add_parser("export", help="MMIO accesses as a DRAMSim3 or Ramulator memory trace")
    exp.add_argument("trace")
    exp.add_argument("--format", choices=("dramsim3", "ramulator"), default="dramsim3")
    exp.add_argument("-o", "--output", required=True, metavar="PATH")
    exp.set_defaults(func=_export)
    imp = sub.add_parser("import-rwmmio",
                         help="read Linux rwmmio ftrace events (text) into a trace")
    imp.add_argument("ftrace")
    imp.add_argument("-o", "--output", required=True, metavar="PATH")
    imp.add_argument("--base", type=lambda v: int(v, 0), metavar="ADDR",
                     help="rebase the device's addresses to ADDR")
    imp.set_defaults(func=_import)
    rep = sub.add_parser("replay", help="run a program with device reads served from a trace "
                                        "and every write checked against it")
    rep.add_argument("trace")
    rep.add_argument("program", metavar="PROGRAM.elf")
    rep.add_argument("--device", required=True, metavar="BASE:SIZE",
                     help="where the traced device is mapped, e.g. 0x48000000:0x1000")
    rep.add_argument("--mode", choices=MODES, default="translate")
    rep.set_defaults(func=_replay)


def parse_region(text: str) -> tuple[int, int]:
    try:
        base, size = (int(part, 0) for part in text.split(":"))
    except ValueError:
        raise GuestError(f"--device {text!r}: expected BASE:SIZE, e.g. 0x48000000:0x1000") \
            from None
    return base, size


def summary(trace: Trace) -> dict:
    kinds = Counter(e.kind for e in trace.events)
    mmio = trace.mmio()
    return {"events": len(trace.events), "mmio": kinds["mmio"], "calls": kinds["call"],
            "irqs": kinds["irq"], "reads": sum(not e.write for e in mmio),
            "writes": sum(e.write for e in mmio),
            "addresses": sorted({f"0x{e.addr:x}" for e in mmio})[:64],
            "phases": sorted({e.phase for e in trace.events if e.phase}), "meta": trace.meta}


def _show(args) -> int:
    trace = load_trace(args.trace)
    if args.json:
        print(json.dumps(summary(trace), indent=1))
        return 0
    for event in trace.events[:args.limit]:
        print(event.line())
    return 0


def _diff(args) -> int:
    a, b = load_trace(args.first), load_trace(args.second)
    divergence = first_divergence(a.events, b.events)
    if args.json:
        print(json.dumps({"identical": divergence is None, "first_divergence": divergence,
                          "events": [len(a.events), len(b.events)]}))
    else:
        print("identical" if divergence is None else divergence)
    return 0 if divergence is None else 1


def _export(args) -> int:
    text = export(load_trace(args.trace), args.format)
    tmp = f"{args.output}.tmp{os.getpid()}"
    Path(tmp).write_text(text)
    os.replace(tmp, args.output)
    return 0


def _import(args) -> int:
    import_rwmmio(args.ftrace, args.base).save(args.output)
    return 0


def _replay(args) -> int:
    trace = load_trace(args.trace)
    base, size = parse_region(args.device)
    machine = load(args.program, args.mode, stdout=sys.stdout.buffer, stderr=sys.stderr.buffer)
    device = ReplayDevice("replay", base, trace)
    machine.map_device(base, size, device)
    result = machine.run()
    left = len(device.expected) - device.position
    if left:
        raise TraceError(f"replay: the guest stopped with {left} recorded accesses not made "
                         f"(next: {device.expected[device.position].line()})")
    print(f"replay: {device.position} accesses matched the trace", file=sys.stderr)
    return result.exit_code
