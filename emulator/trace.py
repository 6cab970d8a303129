"""Hardware traces: MMIO accesses, kernel-service calls and IRQs, with module, phase and core.

Two encodings of the same events:

* text, one event per line (``#`` lines carry metadata)::

      mmio W32 0x48000000 = 0x1 pc=0x1010b00 cycle=110 module=sp805_wdt phase=probe core=cortex-m4
      call _printk pc=0x1010c40 cycle=250 module=sp805_wdt phase=probe core=cortex-m4
      irq 32 pc=0x0 cycle=900 module=sp805_wdt phase=suspend core=cortex-m4

* binary: ``HWTRACE1``, a length-prefixed JSON header (metadata and the string table for names,
  modules, phases and cores), then fixed 40-byte little-endian records.

``import_rwmmio`` reads the Linux kernel's own MMIO trace events (ftrace text of ``rwmmio_write``
and ``rwmmio_post_read``), so a trace taken on real hardware can be replayed here.
"""

from __future__ import annotations

import json
import os
import re
import struct
from dataclasses import dataclass, field, replace
from pathlib import Path

from emulator.errors import GuestError
from emulator.mmio import MmioAccess

MAGIC = b"HWTRACE1"
RECORD = struct.Struct("<BBBBHHQQQQ")  # kind, width, write, pad, name, ctx, pc, cycle, addr, value
KINDS = ("mmio", "call", "irq")


class TraceError(GuestError):
    """A trace file that cannot be read, or a replay that diverged from its trace."""


@dataclass(frozen=True, slots=True)
class Event:
    kind: str  # "mmio", "call" or "irq"
    cycle: int = 0
    pc: int = 0
    addr: int = 0  # mmio address / irq number
    width: int = 0  # bytes (mmio)
    value: int = 0
    write: bool = False
    name: str = ""  # kernel service (call)
    module: str = ""
    phase: str = ""
    core: str = ""

    def key(self) -> tuple:
        """What two runs of the same code must agree on (cycles and cores differ)."""
        return (self.kind, self.pc, self.addr, self.width, self.value, self.write, self.name,
                self.module, self.phase)

    def line(self) -> str:
        where = f"pc=0x{self.pc:x} cycle={self.cycle} module={self.module or '-'} " \
                f"phase={self.phase or '-'} core={self.core or '-'}"
        if self.kind == "mmio":
            rw = "W" if self.write else "R"
            return f"mmio {rw}{8 * self.width} 0x{self.addr:x} = 0x{self.value:x} {where}"
        if self.kind == "call":
            return f"call {self.name} {where}"
        return f"irq {self.addr} {where}"


@dataclass
class Trace:
    events: list[Event] = field(default_factory=list)
    meta: dict = field(default_factory=dict)

    def add_mmio(self, access: MmioAccess, **context) -> None:
        self.events.append(Event("mmio", access.cycle, access.pc, access.addr, access.width,
                                 access.value, access.write, **context))

    def mmio(self) -> list[Event]:
        return [e for e in self.events if e.kind == "mmio"]

    # --- files ------------------------------------------------------------------------------

    def save(self, path: str | Path, binary: bool | None = None) -> None:
        """Write atomically; binary unless the name ends in .txt (or ``binary`` says)."""
        path = Path(path)
        binary = path.suffix != ".txt" if binary is None else binary
        data = self._binary() if binary else self._text().encode()
        tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
        tmp.write_bytes(data)
        os.replace(tmp, path)

    def _text(self) -> str:
        head = [f"# {key}: {json.dumps(value)}" for key, value in self.meta.items()]
        return "\n".join(head + [e.line() for e in self.events]) + "\n"

    def _binary(self) -> bytes:
        strings: dict[str, int] = {"": 0}
        for e in self.events:
            for s in (e.name, e.module, e.phase, e.core):
                strings.setdefault(s, len(strings))
        contexts: dict[tuple, int] = {}
        records = []
        for e in self.events:
            ctx = contexts.setdefault((strings[e.module], strings[e.phase], strings[e.core]),
                                      len(contexts))
            records.append(RECORD.pack(KINDS.index(e.kind), e.width, e.write, 0,
                                       strings[e.name], ctx, e.pc, e.cycle, e.addr, e.value))
        header = json.dumps({"meta": self.meta, "strings": list(strings),
                             "contexts": list(contexts)}).encode()
        return MAGIC + struct.pack("<I", len(header)) + header + b"".join(records)


def load(path: str | Path) -> Trace:
    """Read a trace in either encoding."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TraceError(f"cannot read trace {path}: {exc.strerror}") from None
    if data.startswith(MAGIC):
        return _from_binary(path, data)
    return _from_text(path, data.decode(errors="replace"))


def _from_binary(path: Path, data: bytes) -> Trace:
    try:
        (size,) = struct.unpack_from("<I", data, len(MAGIC))
        start = len(MAGIC) + 4
        header = json.loads(data[start:start + size])
        strings, contexts = header["strings"], header["contexts"]
        body = data[start + size:]
        if len(body) % RECORD.size:
            raise ValueError(f"{len(body) % RECORD.size} stray bytes at the end")
        events = []
        for fields in RECORD.iter_unpack(body):
            kind, width, write, _, name, ctx, pc, cycle, addr, value = fields
            module, phase, core = (strings[i] for i in contexts[ctx])
            events.append(Event(KINDS[kind], cycle, pc, addr, width, value, bool(write),
                                strings[name], module, phase, core))
    except (ValueError, KeyError, IndexError, struct.error) as exc:
        raise TraceError(f"{path}: corrupted binary trace ({exc})") from None
    return Trace(events, header.get("meta", {}))


_TEXT = re.compile(r"^(?P<kind>mmio|call|irq) (?P<body>.*?) pc=0x(?P<pc>[0-9a-f]+) "
                   r"cycle=(?P<cycle>\d+) module=(?P<module>\S+) phase=(?P<phase>\S+) "
                   r"core=(?P<core>\S+)$")
_MMIO = re.compile(r"^(?P<rw>[RW])(?P<bits>\d+) 0x(?P<addr>[0-9a-f]+) = 0x(?P<value>[0-9a-f]+)$")


def _from_text(path: Path, text: str) -> Trace:
    trace = Trace()
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        if line.startswith("# "):
            key, _, value = line[2:].partition(": ")
            trace.meta[key] = json.loads(value) if value else None
            continue
        match = _TEXT.match(line)
        if not match:
            raise TraceError(f"{path}:{number}: not a trace event: {line[:60]!r}")
        ctx = {k: (match[k] if match[k] != "-" else "") for k in ("module", "phase", "core")}
        pc, cycle, body = int(match["pc"], 16), int(match["cycle"]), match["body"]
        if match["kind"] == "mmio":
            m = _MMIO.match(body)
            if not m:
                raise TraceError(f"{path}:{number}: bad mmio access {body!r}")
            trace.events.append(Event("mmio", cycle, pc, int(m["addr"], 16),
                                      int(m["bits"]) // 8, int(m["value"], 16),
                                      m["rw"] == "W", **ctx))
        elif match["kind"] == "call":
            trace.events.append(Event("call", cycle, pc, name=body, **ctx))
        else:
            trace.events.append(Event("irq", cycle, pc, addr=int(body), **ctx))
    return trace


# --- comparison, import, export ----------------------------------------------------------------

def first_divergence(a: list[Event], b: list[Event]) -> str | None:
    """None if the traces agree event by event, else a one-line description."""
    for k, (x, y) in enumerate(zip(a, b)):
        if x.key() != y.key():
            return f"event {k}: {x.line()}  !=  {y.line()}"
    if len(a) != len(b):
        shared = min(len(a), len(b))
        side, extra = ("first", a[shared]) if len(a) > len(b) else ("second", b[shared])
        return f"event {shared}: only the {side} trace has {extra.line()}"
    return None


_RWMMIO = re.compile(r"(?P<event>rwmmio_write|rwmmio_post_read):.*?width=(?P<width>\d+)\s+"
                     r"val=(?P<val>0x[0-9a-fA-F]+|0)\s+addr=(?P<addr>0x[0-9a-fA-F]+)")
_STAMP = re.compile(r"\s(?P<sec>\d+)\.(?P<usec>\d+):")


def import_rwmmio(path: str | Path, base: int | None = None) -> Trace:
    """The MMIO accesses of a Linux ftrace text dump (``rwmmio_write``/``rwmmio_post_read``
    events).  ``base``, if given, rebases addresses so the lowest page maps there."""
    path = Path(path)
    try:
        text = path.read_text(errors="replace")
    except OSError as exc:
        raise TraceError(f"cannot read {path}: {exc.strerror}") from None
    events = []
    for line in text.splitlines():
        match = _RWMMIO.search(line)
        if not match:
            continue
        stamp = _STAMP.search(line)
        micros = int(stamp["sec"]) * 1_000_000 + int(stamp["usec"]) if stamp else 0
        events.append(Event("mmio", micros, 0, int(match["addr"], 16),
                            int(match["width"]) // 8, int(match["val"], 16),
                            match["event"] == "rwmmio_write"))
    if not events:
        raise TraceError(f"{path}: no rwmmio_write/rwmmio_post_read events found")
    if base is not None:
        low = min(e.addr for e in events) & ~0xFFF
        events = [replace(e, addr=e.addr - low + base) for e in events]
    return Trace(events, {"source": f"rwmmio:{path.name}", "cycle_unit": "microseconds"})


def export(trace: Trace, fmt: str) -> str:
    """The MMIO accesses as a DRAMSim3 (``0xADDR READ|WRITE CYCLE``) or Ramulator
    (``LD|ST 0xADDR``) memory trace."""
    if fmt == "dramsim3":
        return "".join(f"0x{e.addr:x} {'WRITE' if e.write else 'READ'} {e.cycle}\n"
                       for e in trace.mmio())
    if fmt == "ramulator":
        return "".join(f"{'ST' if e.write else 'LD'} 0x{e.addr:x}\n" for e in trace.mmio())
    raise TraceError(f"unknown export format {fmt!r} (dramsim3 or ramulator)")


class ReplayCursor:
    """The recorded MMIO accesses a replay consumes, in order, shared by every device of the
    run.  An access the M core splits into words consumes one recorded wide access piece by
    piece."""

    def __init__(self, trace: Trace) -> None:
        self.expected = trace.mmio()
        self.position = 0
        self.partial: tuple[Event, int] | None = None  # (wide event, bytes consumed so far)

    @property
    def remaining(self) -> int:
        return len(self.expected) - self.position

    def _diverged(self, addr: int, width: int, write: bool, value: int | None,
                  event: Event | None) -> TraceError:
        got = f"{'W' if write else 'R'}{8 * width} 0x{addr:x}" + (
            f" = 0x{value:x}" if write else "")
        if event is None:
            return TraceError(f"replay: the trace ended, but the guest did {got}")
        return TraceError(f"replay diverged at access {self.position - 1}: guest did {got}, "
                          f"trace has {event.line()}")

    def take(self, addr: int, width: int, write: bool, value: int | None) -> int:
        """The recorded value for this access (checked against the recording)."""
        if self.partial is None:
            if self.position >= len(self.expected):
                raise self._diverged(addr, width, write, value, None)
            event, done = self.expected[self.position], 0
            self.position += 1
        else:
            event, done = self.partial
        piece = (event.value >> (8 * done)) & ((1 << (8 * width)) - 1)
        if (event.write != write or addr != event.addr + done or done + width > event.width
                or (write and value != piece)):
            raise self._diverged(addr, width, write, value, event)
        done += width
        self.partial = (event, done) if done < event.width else None
        return piece


class ReplayDevice:
    """A device at ``base`` whose reads come from a recording and whose writes must match it:
    the run stops at the first access that differs."""

    def __init__(self, name: str, base: int, cursor: ReplayCursor, size: int = 0) -> None:
        self.name, self.base, self.cursor, self.size = name, base, cursor, size

    def read(self, offset: int, width: int) -> int:
        return self.cursor.take(self.base + offset, width, False, None)

    def write(self, offset: int, width: int, value: int) -> None:
        self.cursor.take(self.base + offset, width, True, value)
