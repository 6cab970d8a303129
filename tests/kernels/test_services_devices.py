"""Clocks, IRQs, device-managed actions, wakeup, and the watchdog and hwrng cores, through real
machines (native and translated), including services that call back into guest code."""

import struct

import pytest

from kernels.errors import KernelServiceError
from kernels.objects import DeviceNode, build_node
from kernels.services.clk import DEFAULT_RATE_HZ

MASK = (1 << 64) - 1


def neg(code: int) -> int:
    return -code & MASK


@pytest.fixture
def dev(km, btf):
    return km.machine.alloc(btf.sizeof("struct device"))


def test_clock_counts_rates_and_release(km, dev):
    km.kernel.clock_rates["core"] = 100_000_000
    core = km.service("devm_clk_get", dev, km.string(b"core"))
    other = km.service("devm_clk_get_optional", dev, 0)
    assert km.service("clk_get_rate", core) == 100_000_000
    assert km.service("clk_get_rate", other) == DEFAULT_RATE_HZ
    assert km.service("clk_enable", core) == neg(108)  # not prepared: -ESHUTDOWN
    assert km.service("clk_prepare", core) == 0 and km.service("clk_enable", core) == 0
    state = km.kernel.clocks[core]
    assert (state.prepare_count, state.enable_count) == (1, 1)
    km.service("clk_disable", core)
    km.service("clk_disable", core)  # unbalanced: a warning, counts stay at 0
    assert state.enable_count == 0 and "already disabled" in km.kernel.log[-1].text
    assert km.service("clk_set_rate", core, 50_000_000) == 0
    assert km.service("clk_get_rate", core) == 50_000_000
    assert km.service("clk_get_rate", 0) == 0 and km.service("clk_prepare", 0) == 0
    enabled = km.service("devm_clk_get_enabled", dev, km.string(b"bus"))
    assert km.kernel.clocks[enabled].enable_count == 1
    km.kernel.devres_release_all(dev)
    assert km.kernel.clocks == {}
    with pytest.raises(KernelServiceError, match="is not a clock"):
        km.service("clk_enable", 0x1234)


def test_irq_requests(km, dev):
    handler, name = 0x01000100, km.string(b"wdt-irq")
    assert km.service("devm_request_threaded_irq", dev, 37, handler, 0, 0, name, 0xD00D) == 0
    assert km.service("devm_request_threaded_irq", dev, 37, handler, 0, 0, name, 1) == neg(16)
    action = km.kernel.irqs[37]
    assert (action.handler, action.name, action.dev_id, action.depth) == (handler, "wdt-irq",
                                                                          0xD00D, 0)
    km.service("disable_irq", 37)
    km.service("disable_irq_nosync", 37)
    km.service("enable_irq", 37)
    assert action.depth == 1
    assert km.service("irq_set_irq_wake", 37, 1) == 0 and action.wake
    assert km.service("devm_request_any_context_irq", dev, 38, handler, 0x80000, name, 0) == 0
    assert km.kernel.irqs[38].depth == 1  # IRQF_NO_AUTOEN
    km.service("devm_free_irq", dev, 38, 0)
    assert 38 not in km.kernel.irqs
    km.kernel.devres_release_all(dev)
    assert km.kernel.irqs == {}


def test_devm_action_runs_guest_code_on_release(km, dev):
    counter = km.machine.alloc(8)
    action = km.machine.image.symbol("add_five").addr
    assert km.service("devm_add_action", dev, action, counter) == 0
    assert km.service("devm_add_action", dev, action, counter) == 0
    km.service("devm_remove_action", dev, action, counter)
    km.kernel.devres_release_all(dev)
    assert struct.unpack("<i", km.machine.read(counter, 4))[0] == 5


def test_wakeup_bits(km, dev, btf):
    km.service("device_set_wakeup_capable", dev, 1)
    field = btf.field("device", "power.can_wakeup")
    byte = km.machine.read(dev + field.bit_offset // 8, 1)[0]
    assert byte >> (field.bit_offset % 8) & 1 == 1
    assert km.service("device_wakeup_enable", dev) == 0
    assert km.kernel.get(dev, "device", "power.wakeup") != 0
    km.service("device_wakeup_disable", dev)
    assert km.kernel.get(dev, "device", "power.wakeup") == 0


def watchdog(km, btf, dev, timeout=30, lo=1, hi=60):
    wdd = km.machine.alloc(btf.sizeof("struct watchdog_device"))
    info = km.machine.alloc(btf.sizeof("struct watchdog_info"))
    km.machine.write(info + btf.offsetof("watchdog_info", "identity"), b"test wdt\0")
    for path, value in (("info", info), ("ops", info), ("timeout", timeout),
                        ("min_timeout", lo), ("max_timeout", hi), ("parent", dev)):
        km.kernel.put(wdd, "watchdog_device", path, value)
    return wdd


def test_watchdog_timeout_rules(km, btf, dev):
    km.kernel.put(dev, "device", "kobj.name", km.string(b"30000000.watchdog"))
    wdd = watchdog(km, btf, dev)
    assert km.service("watchdog_init_timeout", wdd, 20, dev) == 0
    assert km.kernel.get(wdd, "watchdog_device", "timeout") == 20
    node = build_node(km.kernel, DeviceNode("watchdog@30000000", {"timeout-sec": 45}))
    km.kernel.put(dev, "device", "of_node", node)
    assert km.service("watchdog_init_timeout", wdd, 0, dev) == 0
    assert km.kernel.get(wdd, "watchdog_device", "timeout") == 45
    assert km.service("watchdog_init_timeout", wdd, 99, dev) == 0  # bad parameter, DT wins
    assert "driver supplied timeout (99) out of range" in km.kernel.log[-1].text
    km.kernel.put(dev, "device", "of_node", 0)
    assert km.service("watchdog_init_timeout", wdd, 99, dev) == neg(22)
    assert km.kernel.log[-1].text == \
        "30000000.watchdog: falling back to default timeout (45)"


def test_watchdog_registration(km, btf, dev):
    first, second = watchdog(km, btf, dev), watchdog(km, btf, dev)
    assert km.service("devm_watchdog_register_device", dev, first) == 0
    assert km.service("watchdog_register_device", second) == 0
    assert km.kernel.get(second, "watchdog_device", "id") == 1
    km.service("watchdog_set_restart_priority", first, 128)
    assert km.kernel.get(first, "watchdog_device", "restart_nb.priority") == 128
    km.kernel.devres_release_all(dev)
    assert km.kernel.registered["watchdog"] == [second]
    km.kernel.put(second, "watchdog_device", "ops", 0)
    assert km.service("watchdog_register_device", second) == neg(22)


def test_hwrng_registration_calls_the_driver(km, btf, dev):
    """hwrng_register runs the RNG's init and reads early randomness: guest calls made from
    inside the service, with the guest caller resuming afterwards."""
    rng = km.machine.alloc(btf.sizeof("struct hwrng"))
    km.kernel.put(rng, "hwrng", "name", km.string(b"test-rng"))
    km.kernel.put(rng, "hwrng", "init", km.machine.image.symbol("rng_init").addr)
    km.kernel.put(rng, "hwrng", "read", km.machine.image.symbol("rng_read").addr)
    assert km.machine.call("register_rng", rng) == 1  # returned 0, init ran once
    assert km.kernel.early_randomness == bytes((i * 7 + 1) & 0xFF for i in range(32))
    assert km.kernel.registered["hwrng"] == [rng]
    assert km.machine.call("register_rng", rng) == (-1700 + 1) & 0xFFFFFFFF  # -EEXIST, no init


def test_pwm_chip_registration_and_release(km, btf, dev):
    chip = km.machine.alloc(btf.sizeof("pwm_chip"))
    ops = km.machine.alloc(btf.sizeof("pwm_ops"))
    km.kernel.put(chip, "pwm_chip", "npwm", 2)
    km.kernel.put(chip, "pwm_chip", "ops", ops)
    assert km.service("devm_pwmchip_add", dev, chip) == neg(22)  # ops->apply missing
    km.kernel.put(ops, "pwm_ops", "apply", 0x1234)
    assert km.service("devm_pwmchip_add", dev, chip) == 0
    pwms, size = km.kernel.get(chip, "pwm_chip", "pwms"), btf.sizeof("pwm_device")
    assert [km.kernel.get(pwms + k * size, "pwm_device", "hwpwm") for k in range(2)] == [0, 1]
    assert km.kernel.get(pwms + size, "pwm_device", "chip") == chip
    assert km.kernel.registered["pwm"] == [chip]
    km.kernel.devres_release_all(dev)
    assert km.kernel.registered["pwm"] == []


def test_bulk_clocks_follow_clock_names(km, btf, dev):
    km.kernel.clock_rates["bus"] = 50_000_000
    out = km.machine.alloc(8)
    km.kernel.put(dev, "device", "of_node", build_node(km.kernel, DeviceNode("usb@0", {})))
    assert km.service("clk_bulk_get_all", dev, out) == 0  # no "clock-names": no clocks
    node = build_node(km.kernel, DeviceNode("usb@1000", {"clock-names": ["ref", "bus"]}))
    km.kernel.put(dev, "device", "of_node", node)
    assert km.service("clk_bulk_get_all", dev, out) == 2
    array = km.kernel.u64(out)
    clks = [km.kernel.get(array + 16 * k, "clk_bulk_data", "clk") for k in range(2)]
    assert [km.kernel.clocks[c].con_id for c in clks] == ["ref", "bus"]
    assert km.service("clk_bulk_prepare", 2, array) == 0
    assert km.service("clk_bulk_enable", 2, array) == 0
    assert all(km.kernel.clocks[c].enable_count == 1 for c in clks)
    assert km.service("clk_get_rate", clks[1]) == 50_000_000
    km.service("clk_bulk_disable", 2, array)
    km.service("clk_bulk_unprepare", 2, array)
    assert all(km.kernel.clocks[c].prepare_count == 0 for c in clks)
    km.service("clk_bulk_put_all", 2, array)
    assert not set(clks) & set(km.kernel.clocks)


def test_reset_controls_and_platform_population(km):
    plain = build_node(km.kernel, DeviceNode("usb@0", {}))
    assert km.service("of_reset_control_array_get", plain, 0, 1, 1) == 0  # optional: NULL
    assert km.service("of_reset_control_array_get", plain, 0, 0, 1) == neg(2)  # -ENOENT
    assert km.service("reset_control_assert", 0) == 0  # NULL control: no-op
    with_resets = build_node(km.kernel, DeviceNode("usb@1", {"resets": [1, 2]}))
    rstc = km.service("of_reset_control_array_get", with_resets, 0, 0, 1)
    assert km.service("reset_control_assert", rstc) == 0 and km.kernel.resets[rstc]["asserted"]
    assert km.service("reset_control_deassert", rstc) == 0
    assert not km.kernel.resets[rstc]["asserted"]
    km.service("reset_control_put", rstc)
    assert rstc not in km.kernel.resets
    assert km.service("of_platform_populate", plain, 0, 0, 0) == 0


def test_pwm_consumer_lookup_and_apply(km, btf, dev):
    assert km.service("devm_pwm_get", dev, 0) == neg(2)  # no "pwms": -ENOENT
    node = build_node(km.kernel, DeviceNode("fan", {"pwms": [1, 2, 1000, 1]}))
    km.kernel.put(dev, "device", "of_node", node)
    pwm = km.service("devm_pwm_get", dev, 0)
    assert km.kernel.get(pwm, "pwm_device", "args.period") == 1000
    assert km.kernel.get(pwm, "pwm_device", "args.polarity") == 1
    state = km.machine.alloc(btf.sizeof("pwm_state"))
    km.kernel.put(state, "pwm_state", "period", 1000)
    km.kernel.put(state, "pwm_state", "duty_cycle", 1500)
    assert km.service("pwm_apply_state", pwm, state) == neg(22)  # duty above period
    km.kernel.put(state, "pwm_state", "duty_cycle", 250)
    km.kernel.put(state, "pwm_state", "enabled", 1)
    assert km.service("pwm_apply_state", pwm, state) == 0
    assert km.kernel.get(pwm, "pwm_device", "state.duty_cycle") == 250
    assert km.kernel.pwm_log[-1][1:] == ((1, 2), 1000, 250, 1)


def test_regulator_supplies(km, dev):
    km.kernel.put(dev, "device", "of_node", build_node(km.kernel, DeviceNode("fan", {})))
    assert km.service("devm_regulator_get_optional", dev, km.string(b"fan")) == neg(19)
    dummy = km.service("devm_regulator_get", dev, km.string(b"vdd"))
    assert km.service("regulator_is_enabled", dummy) == 1  # the always-on dummy
    node = build_node(km.kernel, DeviceNode("fan", {"fan-supply": 7}))
    km.kernel.put(dev, "device", "of_node", node)
    reg = km.service("devm_regulator_get_optional", dev, km.string(b"fan"))
    assert km.service("regulator_is_enabled", reg) == 0
    assert km.service("regulator_enable", reg) == 0 and km.service("regulator_is_enabled", reg)
    assert km.service("regulator_disable", reg) == 0
    assert km.service("regulator_disable", reg) == neg(5)  # unbalanced
    km.kernel.devres_release_all(dev)
    assert not km.kernel.regulators


def test_input_device_capabilities_registration_and_force_feedback(km, btf, dev):
    idev = km.service("devm_input_allocate_device", dev)
    assert km.kernel.get(idev, "input_dev", "dev.parent") == dev
    km.service("input_set_capability", idev, 0x01, 30)  # EV_KEY, KEY_A
    km.service("input_set_capability", idev, 0x15, 0x51)  # EV_FF, FF_PERIODIC
    evbit = km.kernel.u64(idev + km.kernel.offset("input_dev", "evbit"))
    assert evbit == (1 << 0x01) | (1 << 0x15)
    assert km.kernel.u64(idev + km.kernel.offset("input_dev", "keybit")) == 1 << 30
    assert km.service("input_ff_create", idev, 0) == neg(22)
    assert km.service("input_ff_create", idev, 4) == 0
    ff = km.kernel.get(idev, "input_dev", "ff")
    assert km.kernel.get(ff, "ff_device", "max_effects") == 4
    ffbit = idev + km.kernel.offset("input_dev", "ffbit")
    assert km.kernel.u64(ffbit + 8) & (1 << (0x50 - 64))  # FF_RUMBLE added for FF_PERIODIC
    assert km.service("input_register_device", idev) == 0
    assert km.service("input_register_device", idev) == neg(22)
    km.kernel.devres_release_all(dev)
    assert km.kernel.registered["input"] == []


def test_phy_provider_and_optional_consumer(km, btf, dev):
    node = build_node(km.kernel, DeviceNode("phy@0", {"#phy-cells": 4}))
    km.kernel.put(dev, "device", "of_node", node)
    phys = [km.service("devm_phy_create", dev, node, 0x1000) for _ in range(2)]
    assert [km.kernel.get(p, "phy", "id") for p in phys] == [0, 1]
    assert km.kernel.get(phys[1], "phy", "ops") == 0x1000
    assert km.service("__devm_of_phy_provider_register", dev, 0, 0, 0) == neg(22)
    provider = km.service("__devm_of_phy_provider_register", dev, 0, 0, 0x2000)
    assert km.kernel.get(provider, "phy_provider", "children") == node
    assert km.service("devm_phy_optional_get", dev, km.string(b"usb")) == 0  # none described
    km.kernel.devres_release_all(dev)
    assert km.kernel.registered["phy"] == [] and km.kernel.registered["phy_provider"] == []


def test_thermal_zone_registration_follows_described_trips(km, btf, dev):
    ops = km.machine.alloc(btf.sizeof("thermal_zone_device_ops"))
    km.kernel.put(ops, "thermal_zone_device_ops", "get_temp", 0x1000)
    assert km.service("devm_thermal_of_zone_register", dev, 2, 0, ops) == neg(19)  # no zone
    km.kernel.thermal_trips[2] = ((65000, 2000, 1), (75000, 0, 3))
    tz = km.service("devm_thermal_of_zone_register", dev, 2, 0x55, ops)
    assert km.service("of_thermal_get_ntrips", tz) == 2
    trips = km.service("of_thermal_get_trip_points", tz)
    size = btf.sizeof("thermal_trip")
    assert [km.kernel.get(trips + k * size, "thermal_trip", "temperature") for k in (0, 1)] == \
        [65000, 75000]
    assert km.kernel.get(tz, "thermal_zone_device", "devdata") == 0x55
    assert km.service("thermal_zone_device_disable", tz) == 0
    km.kernel.devres_release_all(dev)
    assert km.kernel.registered["thermal"] == []
