"""Running a driver module through its lifecycle -- init, probe on its described device,
suspend, resume, remove, exit -- in one machine, and comparing the native and translated runs
access by access."""

from __future__ import annotations

from dataclasses import dataclass, field

from emulator.mmio import RegisterDevice
from isa.errors import HwemuError
from kernels.descriptions import DeviceDescription, description_for
from kernels.driver_core import pm_callback, probe, raise_irqs, remove
from kernels.objects import (
    IORESOURCE_MEM,
    DeviceNode,
    build_amba_device,
    build_node,
    build_platform_device,
)
from kernels.services.deferred import run_due
from kernels.session import ModuleSession, start

PHASES = ("init", "probe", "irq", "suspend", "resume", "remove", "exit")


@dataclass
class ModuleRun:
    module: str
    mode: str
    core: str
    mhz: float
    description: str = "derived"
    phases: dict[str, str] = field(default_factory=dict)  # phase -> "ok" or the error
    phase_cycles: dict[str, int] = field(default_factory=dict)
    phase_slept_ns: dict[str, int] = field(default_factory=dict)
    phase_starts: dict[str, tuple[int, int]] = field(default_factory=dict)  # (mmio, call) index
    calls: list = field(default_factory=list)  # (service, caller pc, cycle)
    trace: list = field(default_factory=list)
    guest_insns: int = 0
    cycles: int = 0
    translate_seconds: float = 0.0
    code_cache_bytes: int = 0
    log: list[str] = field(default_factory=list)
    events: list[str] = field(default_factory=list)  # GPIO levels driven, netlink sent, ...
    irqs: list[tuple[int, int]] = field(default_factory=list)  # (cycle, irq) raised

    @property
    def completed(self) -> bool:
        return len(self.phases) == len(PHASES) and all(v == "ok" for v in self.phases.values())

    def latency_us(self, phase: str) -> float:
        """Modeled time of a phase: its cycles at the core's clock plus emulated delays."""
        return self.phase_cycles.get(phase, 0) / self.mhz + \
            self.phase_slept_ns.get(phase, 0) / 1000


def _build_device(session: ModuleSession, driver, desc: DeviceDescription) -> int:
    kernel = session.kernel
    compatible = desc.compatible or (driver.of_match[0].compatible if driver.of_match else None)
    props = {"compatible": [compatible]} if compatible else {}
    props.update(desc.properties)
    mem = [r for r in desc.resources if r.flags & 0x1F00 == IORESOURCE_MEM]
    node = build_node(kernel, DeviceNode(f"{driver.name}@{mem[0].start:x}" if mem
                                         else driver.name, props))
    for res in mem:
        size = res.end - res.start + 1
        model = RegisterDevice(f"{driver.name}@{res.start:x}", size,
                               dict(desc.resets.get(res.start, {})))
        kernel.device_models[res.start] = model
    kernel.clock_rates.update(desc.clock_rates)
    kernel.thermal_trips.update(desc.thermal_trips)
    for phandle, res in desc.syscons.items():
        kernel.syscons[phandle] = (res.start, res.end)
        kernel.device_models[res.start] = RegisterDevice(f"syscon@{res.start:x}",
                                                         res.end - res.start + 1,
                                                         dict(desc.resets.get(res.start, {})))
    dev_name = f"{mem[0].start:x}.{driver.name}" if mem else driver.name
    symbols = session.linked.symbols
    if driver.bus == "amba":
        periphid = desc.periphid if desc.periphid is not None else driver.amba_ids[0].id
        irqs = tuple(r.start for r in desc.resources if r.flags & 0x1F00 == 0x400)
        return build_amba_device(kernel, dev_name, mem[0], periphid, irqs, node,
                                 symbols.resolve("amba_bustype"))
    return build_platform_device(kernel, driver.name, list(desc.resources), node, dev_name,
                                 symbols.resolve("platform_bus_type"))


def _exit(session: ModuleSession) -> None:
    """cleanup_module is void: its x0 means nothing."""
    if session.has("cleanup_module"):
        session.call("cleanup_module")


def run_module(package, name: str, mode: str, btf=None, replay=None,
               **machine_options) -> ModuleRun:
    """The lifecycle in a ``mode`` machine; stops at the first failing phase.  ``replay``
    (an emulator.trace.ReplayCursor): every mapped device serves reads from that recording and
    checks writes against it, instead of the described device models."""
    session = start(package, name, mode, btf, **machine_options)
    machine, kernel = session.machine, session.kernel
    kernel.replay = replay
    run = ModuleRun(name, mode, machine.stats.core, machine.mhz)
    state: dict = {}

    def phase(label: str, action) -> bool:
        cycles, slept = machine.stats.cycles, kernel.slept_ns
        run.phase_starts[label] = (len(machine.mmio_trace), len(kernel.calls))
        try:
            result = action()
            run.phases[label] = "ok" if not result else f"returned {result}"
        except HwemuError as exc:
            run.phases[label] = str(exc)
        run.phase_cycles[label] = machine.stats.cycles - cycles
        run.phase_slept_ns[label] = kernel.slept_ns - slept
        return run.phases[label] == "ok"

    def init() -> int:
        result = session.call("init_module") & 0xFFFFFFFF
        if result == 0 and len(kernel.drivers) != 1:
            raise HwemuError(f"init registered {len(kernel.drivers)} drivers, expected one")
        return result - (1 << 32) if result >> 31 else result

    def do_probe() -> int:
        driver = kernel.drivers[0]
        desc = description_for(name, driver)
        run.description = desc.origin
        state["bound"], result = probe(session, driver, _build_device(session, driver, desc))
        return result

    def settled(result: int | None) -> int:
        """After a phase, expired timers and queued work run, as the kernel would soon."""
        if not result:
            run_due(kernel)
        return result or 0

    steps = [("init", init), ("probe", lambda: settled(do_probe())),
             ("irq", lambda: settled(raise_irqs(session))),
             ("suspend", lambda: settled(pm_callback(session, state["bound"], "suspend"))),
             ("resume", lambda: settled(pm_callback(session, state["bound"], "resume"))),
             ("remove", lambda: remove(session, state["bound"])),
             ("exit", lambda: _exit(session))]
    for label, action in steps:
        if not phase(label, action):
            break
    run.trace = list(machine.mmio_trace)
    run.calls = list(kernel.calls)
    stats = machine.stats
    run.guest_insns, run.cycles = stats.guest_insns, stats.cycles
    run.translate_seconds, run.code_cache_bytes = stats.translate_seconds, stats.code_cache_bytes
    run.log = [record.text for record in kernel.log]
    run.events = [f"gpio {line[0]}:{line[1]} = {level}" for _, line, level in kernel.gpio_log]
    run.events += [f"extcon cable {cable} = {int(state)}" for _, cable, state in kernel.extcon_log]
    run.events += [f"pwm {line[0]}:{line[1]} period={period} duty={duty} enabled={enabled}"
                   for _, line, period, duty, enabled in kernel.pwm_log]
    run.events += [f"thermal zone {zone} = {temp} mC" for _, zone, temp in kernel.thermal_log]
    run.events += [f"netlink {idx}.{val} {payload.hex()}" for idx, val, payload in
                   kernel.netlink_log]
    run.events += [f"netdev {name} {event}" for _, name, event in kernel.netdev_log]
    run.events += [f"irq {irq}: {outcome}" for _, irq, outcome in kernel.irq_log]
    run.irqs = [(cycle, irq) for cycle, irq, _ in kernel.irq_log]
    return run


def first_divergence(native: ModuleRun, translated: ModuleRun) -> str | None:
    """None if both MMIO traces are identical access by access and both kernels logged and
    did the same (messages, GPIO levels, cable states), else the first difference."""
    for i, (a, b) in enumerate(zip(native.trace, translated.trace)):
        if a.key() != b.key():
            return f"access {i}: native {a.line().strip()} / translated {b.line().strip()}"
    if len(native.trace) != len(translated.trace):
        n = min(len(native.trace), len(translated.trace))
        return (f"access {n}: native has {len(native.trace)} accesses, translated "
                f"{len(translated.trace)}")
    for what in ("log", "events"):
        ours, theirs = getattr(native, what), getattr(translated, what)
        if ours != theirs:
            i = next((k for k, (a, b) in enumerate(zip(ours, theirs)) if a != b),
                     min(len(ours), len(theirs)))
            return (f"kernel {what} entry {i}: native {ours[i] if i < len(ours) else '(none)'!r}"
                    f" / translated {theirs[i] if i < len(theirs) else '(none)'!r}")
    return None


def energy_uj(run: ModuleRun, phase: str, active_mw: float, idle_mw: float) -> float:
    """Energy of a phase: busy time at active + idle power (the core's dynamic power on top of
    its floor), emulated delays at idle power.  mW x us = nJ."""
    busy_us = run.phase_cycles.get(phase, 0) / run.mhz
    slept_us = run.phase_slept_ns.get(phase, 0) / 1000
    return (busy_us * (active_mw + idle_mw) + slept_us * idle_mw) / 1000


def report(native: ModuleRun | None, translated: ModuleRun | None) -> dict:
    """The per-module JSON object of ``hwemu drivers run``."""
    from isa.timing.cores import core

    runs = [r for r in (translated, native) if r is not None]
    main = runs[0]
    phases = {p: main.phases.get(p, "not run") for p in PHASES}
    if native and translated:
        for p in PHASES:  # a phase is ok only if it is ok in both machines
            if native.phases.get(p) != "ok" and translated.phases.get(p) == "ok":
                phases[p] = f"native: {native.phases.get(p, 'not run')}"
    both = native is not None and translated is not None
    divergence = first_divergence(native, translated) if both else None
    latency, energy = {}, {}
    for key, run in (("m4", translated), ("a53", native)):
        if run is None:
            continue
        model = core(run.core)
        latency[key] = {p: round(run.latency_us(p), 4) for p in ("suspend", "resume")}
        energy[key] = {p: round(energy_uj(run, p, model.active_mw, model.idle_mw), 6)
                       for p in ("suspend", "resume")}
    return {"module": main.module, "description": main.description, "phases": phases,
            "traces_identical": both and divergence is None, "first_divergence": divergence,
            "mmio_accesses": len(main.trace), "guest_insns": main.guest_insns,
            "m4_cycles": translated.cycles if translated else None,
            "a53_cycles": native.cycles if native else None,
            "latency_us": latency, "energy_uj": energy,
            "completed": all(r.completed for r in runs)}


def hardware_trace(run: ModuleRun):
    """The run's MMIO accesses and kernel-service calls, each tagged with module, phase and
    core, in the emulator's hardware-trace format (in order of time)."""
    from emulator.trace import Event, Trace

    bounds = sorted(run.phase_starts.items(), key=lambda kv: kv[1])

    def phase_of(index: int, which: int) -> str:
        label = ""
        for name, starts in bounds:
            if starts[which] <= index:
                label = name
        return label

    context = dict(module=run.module, core=run.core)
    events = [Event("mmio", a.cycle, a.pc, a.addr, a.width, a.value, a.write,
                    phase=phase_of(k, 0), **context) for k, a in enumerate(run.trace)]
    events += [Event("call", cycle, pc, name=service, phase=phase_of(k, 1), **context)
               for k, (service, pc, cycle) in enumerate(run.calls)]
    events += [Event("irq", cycle, 0, addr=irq, phase="irq", **context)
               for cycle, irq in run.irqs]
    events.sort(key=lambda e: e.cycle)
    return Trace(events, {"module": run.module, "mode": run.mode, "core": run.core})
