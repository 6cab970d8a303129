"""GPIO consumers, external connectors and IRQ line state, through real machines, and the two
extcon modules' lifecycles on written descriptions."""

import struct

import pytest

from kernels.objects import DeviceNode, build_node
from kernels.runner import first_divergence, run_module

MASK = (1 << 64) - 1
OUT_HIGH, IN = 7, 1


@pytest.fixture
def gpio_dev(km, btf):
    dev = km.machine.alloc(btf.sizeof("struct device"))
    node = build_node(km.kernel, DeviceNode("usb@0", {"id-gpios": [1, 5, 0],
                                                       "enable-gpios": [1, 6, 1, 2, 7, 0]}))
    km.kernel.put(dev, "device", "of_node", node)
    return dev


def test_gpio_lookup_values_and_irqs(km, gpio_dev):
    s = km.string
    assert km.service("devm_gpiod_get_optional", gpio_dev, s(b"vbus"), IN) == 0
    assert km.service("devm_gpiod_get", gpio_dev, s(b"vbus"), IN) == -2 & MASK
    ident = km.service("devm_gpiod_get", gpio_dev, s(b"id"), IN)
    km.kernel.gpio_values[(1, 5)] = 1
    assert km.service("gpiod_get_value_cansleep", ident) == 1
    assert km.service("gpiod_to_irq", ident) == 205
    enable = km.service("devm_gpiod_get_index", gpio_dev, s(b"enable"), 0, OUT_HIGH)
    assert km.kernel.gpio_values[(1, 6)] == 0  # active low: logical 1 drives the line low
    km.service("gpiod_set_value", enable, 0)
    assert km.kernel.gpio_values[(1, 6)] == 1 and km.service("gpiod_get_value", enable) == 0
    second = km.service("devm_gpiod_get_index", gpio_dev, s(b"enable"), 1, OUT_HIGH)
    assert km.kernel.gpio_values[(2, 7)] == 1
    km.service("gpiod_set_raw_value", second, 0)
    assert [(line, level) for _, line, level in km.kernel.gpio_log] == [
        ((1, 6), 0), ((1, 6), 1), ((2, 7), 1), ((2, 7), 0)]
    km.kernel.devres_release_all(gpio_dev)
    assert km.kernel.gpio_descs == {}


def test_extcon_states(km, gpio_dev):
    cables = km.machine.alloc(16)
    km.machine.write(cables, struct.pack("<3I", 1, 2, 0))  # EXTCON_USB, EXTCON_USB_HOST
    edev = km.service("devm_extcon_dev_allocate", gpio_dev, cables)
    assert km.kernel.get(edev, "extcon_dev", "max_supported") == 2
    assert km.service("devm_extcon_dev_register", gpio_dev, edev) == 0
    assert km.service("extcon_set_state_sync", edev, 2, 1) == 0
    assert km.service("extcon_set_state_sync", edev, 9, 1) == -22 & MASK
    assert km.kernel.extcon[edev] == {1: False, 2: True}
    assert km.service("pinctrl_pm_select_sleep_state", gpio_dev) == 0
    km.kernel.devres_release_all(gpio_dev)
    assert km.kernel.extcon == {} and km.kernel.registered["extcon"] == []


def test_irq_line_level(km, gpio_dev):
    state = km.machine.alloc(1)
    km.kernel.irq_levels[41] = 1
    assert km.service("irq_get_irqchip_state", 41, 3, state) == 0  # LINE_LEVEL
    assert km.machine.read(state, 1) == b"\x01"
    assert km.service("irq_get_irqchip_state", 41, 9, state) == -22 & MASK


@pytest.mark.parametrize("name", ["extcon-usb-gpio", "extcon-qcom-spmi-misc"])
def test_extcon_modules_complete(kernel_package, btf, name):
    native = run_module(kernel_package, name, "native", btf)
    translated = run_module(kernel_package, name, "translate", btf)
    assert native.completed and translated.completed and native.description == "written"
    assert first_divergence(native, translated) is None
    assert any(e.startswith("extcon cable") for e in native.events)  # initial detection
