"""Device descriptions: data, not code.  A description names what the driver's device looks like
(compatible string, MMIO regions, IRQs, properties, clock rates, register reset values); a
module without one gets a description derived from its own ID tables."""

from __future__ import annotations

from dataclasses import dataclass, field

from kernels.driver_model import RegisteredDriver
from kernels.objects import Resource

PHYS_BASE = 0x30000000  # where described devices live (any address; ioremap moves it)
IRQ_BASE = 40


@dataclass(frozen=True)
class DeviceDescription:
    resources: tuple[Resource, ...]
    compatible: str | None = None  # None: the driver's first OF compatible
    properties: dict = field(default_factory=dict)
    periphid: int | None = None  # AMBA devices: None -> the driver's first ID
    clock_rates: dict[str, int] = field(default_factory=dict)
    resets: dict[int, dict[int, int]] = field(default_factory=dict)  # phys -> offset -> value
    syscons: dict[int, Resource] = field(default_factory=dict)  # phandle -> syscon registers
    # sensor id -> trips of the thermal zone that names it: (millicelsius, hysteresis, type)
    thermal_trips: dict[int, tuple[tuple[int, int, int], ...]] = field(default_factory=dict)
    origin: str = "written"


def derive(driver: RegisteredDriver) -> DeviceDescription:
    """The default device: one 4 KiB MMIO region and one IRQ, the first ID of its tables."""
    return DeviceDescription((Resource.mem(PHYS_BASE, 0x1000), Resource.irq(IRQ_BASE)),
                             origin="derived")


# Written descriptions, from each binding's documentation (Documentation/devicetree/bindings).
DESCRIPTIONS: dict[str, DeviceDescription] = {
    # arm,sbsa-gwdt: "reg" holds the control frame then the refresh frame; one "ws0" IRQ
    "sbsa_gwdt": DeviceDescription((Resource.mem(PHYS_BASE, 0x1000),
                                    Resource.mem(PHYS_BASE + 0x1000, 0x1000),
                                    Resource.irq(IRQ_BASE))),
    # marvell,armada-3700-wdt: "reg" is the watchdog counter block; the CPU miscellaneous
    # registers come through the "marvell,system-controller" syscon phandle
    "armada_37xx_wdt": DeviceDescription(
        (Resource.mem(PHYS_BASE, 0x40),), properties={"marvell,system-controller": 1},
        syscons={1: Resource.mem(PHYS_BASE + 0x10000, 0x1000)}),
    # linux,extcon-usb-gpio: the USB ID pin on GPIO controller <1> line 5, active high
    "extcon_usb_gpio": DeviceDescription((), properties={"id-gpios": [1, 5, 0]}),
    # qcom,pm8941-misc: two interrupts named "usb_id" and "usb_vbus", no registers
    "extcon_qcom_spmi_misc": DeviceDescription((Resource.irq(IRQ_BASE, "usb_id"),
                                                Resource.irq(IRQ_BASE + 1, "usb_vbus"))),
    # pwm-fan: PWM controller <1> channel 0 at 25 kHz (40,000 ns), normal polarity; no supply,
    # tachometer or cooling levels (all optional in the binding)
    "pwm_fan": DeviceDescription((), properties={"pwms": [1, 0, 40000, 0]}),
    # gpio-vibrator: the motor's enable line on GPIO controller <1> line 3, active high; its
    # "vcc" supply is left out (the kernel's dummy regulator)
    "gpio_vibra": DeviceDescription((), properties={"enable-gpios": [1, 3, 0]}),
    # xlnx,zynqmp-psgtr-v1.1: "serdes" and "siou" register regions (named "reg-names"), four
    # lanes; reference clocks "ref0".."ref3" are optional in the binding and left out
    "phy_zynqmp": DeviceDescription((Resource.mem(PHYS_BASE, 0x40000, "serdes"),
                                     Resource.mem(PHYS_BASE + 0x40000, 0x1000, "siou")),
                                    properties={"#phy-cells": 4}),
    # bosch,m_can: "m_can" core registers and "message_ram" (named "reg-names"), the "int0"
    # interrupt, "hclk"/"cclk" clocks, and the message RAM layout "bosch,mram-cfg" <offset
    # sidf xidf rxf0 rxf1 rxb txe txb> (bindings/net/can/bosch,m_can.yaml); the core is an
    # M_CAN 3.2.1: CREL 0x32141218 and ENDN 0x87654321 are the reset values of the FDCAN
    # (M_CAN 3.2.1) in ST's RM0433 (STM32H7 reference manual), section FDCAN registers
    "m_can_platform": DeviceDescription(
        (Resource.mem(PHYS_BASE, 0x200, "m_can"), Resource.mem(PHYS_BASE + 0x1000, 0x1000,
                                                              "message_ram"),
         Resource.irq(IRQ_BASE, "int0")),
        properties={"bosch,mram-cfg": [0, 0, 0, 16, 0, 0, 2, 2], "clock-names": ["hclk",
                                                                                "cclk"]},
        clock_rates={"hclk": 40_000_000, "cclk": 40_000_000},
        resets={PHYS_BASE: {0x00: 0x32141218, 0x04: 0x87654321}}),
    # hisilicon,tsensor (hi6220): one register block, the "thermal_clk" clock, one IRQ; the
    # thermal zone naming sensor 2 (HI6220_CLUSTER0_SENSOR) has a passive trip at 65 C and a
    # critical one at 75 C (enum thermal_trip_type: PASSIVE = 1, CRITICAL = 3), as the cluster
    # zones of arch/arm64/boot/dts/hisilicon/hi6220.dtsi do
    "hisi_thermal": DeviceDescription((Resource.mem(PHYS_BASE, 0x1000), Resource.irq(IRQ_BASE)),
                                      clock_rates={"thermal_clk": 19_200_000},
                                      thermal_trips={2: ((65000, 2000, 1), (75000, 0, 3))}),
    # w1-gpio: the bus line on GPIO controller <1> line 5 (unnamed "gpios", open drain by default);
    # no "linux,open-drain" and no pull-up line (bindings/w1/w1-gpio.yaml)
    "w1_gpio": DeviceDescription((), properties={"gpios": [1, 5, 0]}),
    # arm,sp805: one 4 KiB region, primecell ID 0x00141805 (ARM DDI 0270B)
    "sp805_wdt": DeviceDescription((Resource.mem(PHYS_BASE, 0x1000),), periphid=0x00141805),
}


def description_for(module: str, driver: RegisteredDriver) -> DeviceDescription:
    return DESCRIPTIONS.get(module.replace("-", "_"), None) or \
        DESCRIPTIONS.get(module, None) or derive(driver)
