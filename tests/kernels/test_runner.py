"""``hwemu drivers run``: lifecycles in both machines, compared access by access, the JSON
report, exit status and bad input."""

import json
import os
import re
import subprocess
import sys

from kernels.descriptions import DESCRIPTIONS
from kernels.runner import PHASES, first_divergence, report, run_module


def hwemu(*args):
    return subprocess.run([sys.executable, "-m", "emulator.cli", *args], capture_output=True,
                          text=True, env=os.environ)


def test_lifecycle_report(kernel_package, btf):
    native = run_module(kernel_package, "sbsa_gwdt", "native", btf)
    translated = run_module(kernel_package, "sbsa_gwdt", "translate", btf)
    assert native.completed and translated.completed
    assert first_divergence(native, translated) is None
    result = report(native, translated)
    assert result["description"] == "written" and "sbsa_gwdt" in DESCRIPTIONS
    assert result["phases"] == {p: "ok" for p in PHASES}
    assert result["traces_identical"] and result["mmio_accesses"] == 3
    assert result["m4_cycles"] > result["a53_cycles"] > 0
    for key in ("m4", "a53"):
        assert result["latency_us"][key]["suspend"] > 0 and result["energy_uj"][key]["resume"] > 0


def test_divergence_is_reported(kernel_package, btf):
    native = run_module(kernel_package, "meson_gxbb_wdt", "native", btf)
    translated = run_module(kernel_package, "meson_gxbb_wdt", "translate", btf)
    translated.trace = translated.trace[:1] + translated.trace[2:]
    assert first_divergence(native, translated).startswith("access 1: native ")


def test_cli_json_and_exit_status(kernel_package, tmp_path):
    out = tmp_path / "run.json"
    done = hwemu("drivers", "run", "tegra_wdt", "meson-rng", "--json", str(out))
    assert done.returncode == 0, done.stderr
    data = json.loads(out.read_text())
    assert [r["module"] for r in data] == ["tegra_wdt", "meson-rng"]
    assert all(r["traces_identical"] and r["description"] == "derived" for r in data)
    assert "2/2 modules completed every phase" in done.stdout
    partial = hwemu("drivers", "run", "i2c-rk3x", "--mode", "native")
    assert partial.returncode == 1
    assert "probe: kernel service not emulated: of_match_node" in partial.stdout
    bad = hwemu("drivers", "run", "nope", "--json", str(tmp_path / "bad.json"))
    assert bad.returncode == 1 and bad.stderr == \
        "hwemu: error: no module named 'nope' in the kernel package\n"
    assert not (tmp_path / "bad.json").exists()


def test_trace_dir_writes_phase_tagged_hardware_traces(kernel_package, tmp_path):
    """--trace-dir: each run's MMIO accesses and kernel-service calls, tagged with module,
    phase and core; the translated and native traces are identical event by event."""
    from emulator.trace import first_divergence as trace_divergence
    from emulator.trace import load

    proc = subprocess.run([sys.executable, "-m", "emulator.cli", "drivers", "run", "omap-rng",
                           "--mode", "both", "--trace-dir", str(tmp_path)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    translated = load(tmp_path / "omap-rng.translate.trace")
    native = load(tmp_path / "omap-rng.native.trace")
    assert trace_divergence(translated.events, native.events) is None
    phases = {e.phase for e in translated.events}
    assert {"init", "probe", "remove"} <= phases
    calls = [e.name for e in translated.events if e.kind == "call"]
    assert "__platform_driver_register" in calls and "devm_platform_ioremap_resource" in calls
    assert any(e.kind == "mmio" and e.phase == "probe" for e in translated.events)
    assert {e.core for e in translated.events} == {"cortex-m4"}
    assert {e.core for e in native.events} == {"cortex-a53"}


def test_driver_replays_its_recorded_trace(kernel_package, tmp_path):
    """hwemu trace replay TRACE: the module named in the trace runs its lifecycle with every
    device read served from the recording and every write checked against it."""
    from dataclasses import replace

    from emulator.trace import load

    cli = [sys.executable, "-m", "emulator.cli"]
    subprocess.run(cli + ["drivers", "run", "omap-rng", "--mode", "native", "--trace-dir",
                          str(tmp_path)], check=True, capture_output=True, timeout=300)
    recorded = tmp_path / "omap-rng.native.trace"
    proc = subprocess.run(cli + ["trace", "replay", str(recorded), "--mode", "translate"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "accesses matched the trace" in proc.stderr
    trace = load(recorded)
    first_write = next(k for k, e in enumerate(trace.events) if e.kind == "mmio" and e.write)
    trace.events[first_write] = replace(trace.events[first_write],
                                        value=trace.events[first_write].value ^ 1)
    trace.save(tmp_path / "tampered.trace")
    proc = subprocess.run(cli + ["trace", "replay", str(tmp_path / "tampered.trace")],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1 and proc.stderr.count("\n") == 1
    assert "replay" in proc.stderr and "diverged" in proc.stderr


def test_pwm_fan_drives_its_pwm_through_the_lifecycle(kernel_package, btf):
    runs = [run_module(kernel_package, "pwm-fan", mode, btf) for mode in ("native", "translate")]
    for run in runs:
        assert run.completed and run.description == "written"
    assert runs[0].events == runs[1].events
    enabled = [e.endswith("enabled=1") for e in runs[1].events]
    assert enabled.count(True) == 2 and not enabled[-1]  # probe and resume on, then off


def test_gpio_vibra_completes_with_its_force_feedback_device(kernel_package, btf):
    """gpio-vibra calls ff-memless (another module, bound through its __ksymtab), which calls
    the input core: every phase completes and both machines drive the same GPIO levels."""
    runs = [run_module(kernel_package, "gpio-vibra", mode, btf) for mode in ("native",
                                                                             "translate")]
    assert all(run.completed for run in runs)
    assert runs[0].events == runs[1].events and runs[0].trace == [] == runs[1].trace


def test_phy_zynqmp_saves_and_restores_its_registers_identically(kernel_package, btf):
    """The SerDes PHY's suspend saves and resume restores lane registers: dozens of MMIO
    accesses, identical access by access in both machines."""
    native, translated = (run_module(kernel_package, "phy-zynqmp", mode, btf)
                          for mode in ("native", "translate"))
    assert native.completed and translated.completed
    assert first_divergence(native, translated) is None
    assert len(translated.trace) > 40


def test_hisi_thermal_reads_its_sensor_through_the_thermal_core(kernel_package, btf):
    """Zone enable makes the thermal core call the driver's get_temp (guest code), which reads
    the sensor registers: identical MMIO traces and temperatures in both machines."""
    native, translated = (run_module(kernel_package, "hisi_thermal", mode, btf)
                          for mode in ("native", "translate"))
    assert native.completed and translated.completed
    assert first_divergence(native, translated) is None
    assert any(e.startswith("thermal zone 0 = ") for e in translated.events)
    assert len(translated.trace) > 10


def test_w1_gpio_registers_a_bus_master_through_wire(kernel_package, btf):
    """w1-gpio's probe hands its bus master to wire (a second real module): a named device,
    a kernel thread, and netlink events W1_MASTER_ADD then W1_MASTER_REMOVE (connector 3.1),
    identical in both machines; remove releases the master through its release()."""
    native, translated = (run_module(kernel_package, "w1-gpio", mode, btf)
                          for mode in ("native", "translate"))
    assert native.completed and translated.completed
    assert first_divergence(native, translated) is None
    netlink = [e for e in translated.events if e.startswith("netlink 3.1 ")]
    assert [bytes.fromhex(e.split()[-1])[0] for e in netlink] == [2, 3]
    assert netlink == [e for e in native.events if e.startswith("netlink ")]


def test_m_can_registers_can0_through_can_dev(kernel_package, btf):
    """m_can_platform -> m_can -> can_dev: the core's release register (3.2.1 -> version 32),
    the INIT/CCE handshake on CCCR, a NAPI context and can0 registered then unregistered,
    identical in both machines."""
    native, translated = (run_module(kernel_package, "m_can_platform", mode, btf)
                          for mode in ("native", "translate"))
    assert native.completed and translated.completed
    assert first_divergence(native, translated) is None
    assert translated.events == native.events == ["netdev can0 registered ifindex 2",
                                                  "netdev can0 unregistered"]
    assert any("m_can device registered (irq=40, version=32)" in line
               for line in translated.log)


def test_irq_phase_runs_handlers_and_threads_identically(kernel_package, btf, tmp_path):
    """hisi_thermal's alarm IRQ has no primary handler: the thread runs, reads the sensor
    (-60 C from a zero register) and updates the zone; the trace holds the IRQ event."""
    from emulator.trace import load

    native, translated = (run_module(kernel_package, "hisi_thermal", mode, btf)
                          for mode in ("native", "translate"))
    assert first_divergence(native, translated) is None
    assert translated.phases["irq"] == "ok"
    assert "irq 40: woke its thread, thread handled" in translated.events
    assert "thermal zone 0 = -60000 mC" in translated.events
    done = hwemu("drivers", "run", "extcon-usb-gpio", "--trace-dir", str(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr
    events = load(tmp_path / "extcon-usb-gpio.translate.trace").events
    irq = next(i for i, e in enumerate(events) if e.kind == "irq")
    assert events[irq].addr == 205 and events[irq].phase == "irq"
    assert events[irq + 1].name == "queue_delayed_work_on"


def test_inconsistent_description_and_guest_fault_are_clean_errors(kernel_package, btf,
                                                                   monkeypatch):
    """A description the driver does not match stops probe with a one-line reason; a guest
    fault inside module code names the address, the module function and the instruction, the
    same in both machines."""
    from emulator.errors import GuestFault
    from kernels.descriptions import PHYS_BASE, DeviceDescription
    from kernels.objects import Resource
    from kernels.session import start

    monkeypatch.setitem(DESCRIPTIONS, "sbsa_gwdt", DeviceDescription(
        (Resource.mem(PHYS_BASE, 0x1000),), compatible="acme,not-a-watchdog"))
    run = run_module(kernel_package, "sbsa_gwdt", "translate", btf)
    assert run.phases == {"init": "ok", "probe": "sbsa-gwdt: the device's compatible matches "
                                                 "none of the driver's OF table"}
    messages = set()
    for mode in ("native", "translate"):
        session = start(kernel_package, "w1-gpio", mode, btf)
        try:
            session.call("wire:w1_calc_crc8", 0xDEAD0000, 8)
        except GuestFault as fault:
            messages.add(str(fault))
    assert len(messages) == 1  # identical in both machines
    assert re.fullmatch(r"guest fault: read of 1 bytes at 0xdead0000 \(unmapped\) at pc "
                        r"0x[0-9a-f]+ \(wire:w1_calc_crc8\+0x[0-9a-f]+\): ldrb .*",
                        messages.pop())
