"""``hwemu trace``: show, diff, export, import and replay hardware traces."""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from pathlib import Path

from emulator.api import MODES, load
from emulator.errors import GuestError
from emulator.trace import (
    ReplayCursor,
    ReplayDevice,
    Trace,
    TraceError,
    export,
    first_divergence,
    import_rwmmio,
)
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
    rep = sub.add_parser("replay", help="run a driver (or a program) with device reads served "
                                        "from a trace and every write checked against it")
    rep.add_argument("trace")
    rep.add_argument("program", metavar="PROGRAM.elf", nargs="?",
                     help="a program to run instead of the trace's driver module")
    rep.add_argument("--device", metavar="BASE:SIZE",
                     help="with PROGRAM: where the traced device is mapped, e.g. "
                          "0x48000000:0x1000")
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
    cursor = ReplayCursor(trace)
    if args.program is None:
        status = _replay_driver(trace, cursor, args.mode)
    else:
        if not args.device:
            raise GuestError("replaying a program needs --device BASE:SIZE")
        base, size = parse_region(args.device)
        machine = load(args.program, args.mode, stdout=sys.stdout.buffer,
                       stderr=sys.stderr.buffer)
        machine.map_device(base, size, ReplayDevice("replay", base, cursor, size))
        status = machine.run().exit_code
    if cursor.remaining:
        raise TraceError(f"replay: the guest stopped with {cursor.remaining} recorded accesses "
                         f"not made (next: {cursor.expected[cursor.position].line()})")
    print(f"replay: {cursor.position} accesses matched the trace", file=sys.stderr)
    return status


def _replay_driver(trace: Trace, cursor: ReplayCursor, mode: str) -> int:
    """Run the trace's module through its lifecycle with every device replaying the trace."""
    from kernels.cache import load_package
    from kernels.runner import run_module

    module = trace.meta.get("module")
    if not module:
        raise TraceError("the trace names no driver module: give PROGRAM.elf and --device")
    run = run_module(load_package(), module, mode, replay=cursor)
    failed = {p: r for p, r in run.phases.items() if r != "ok"}
    if failed:
        phase, reason = next(iter(failed.items()))
        raise TraceError(f"replay of {module}: {phase} failed: {reason}")
    return 0
