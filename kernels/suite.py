"""The driver suite of issue 3: modules that must run init/probe/suspend/resume/remove, and the
modules they import symbols from (loaded from the same package, resolved via ``__ksymtab``)."""

TARGETS = (
    "sp805_wdt", "sbsa_gwdt", "meson_gxbb_wdt", "tegra_wdt", "qcom-wdt", "armada_37xx_wdt",
    "iproc-rng200", "omap-rng", "meson-rng", "rtc-meson-vrtc", "pwm-tiecap", "pwm-fan",
    "dwc3-of-simple", "phy-zynqmp", "hisi_thermal", "extcon-qcom-spmi-misc", "extcon-usb-gpio",
    "m_can_platform", "gpio-vibra", "w1-gpio",
)
DEPENDENCIES = ("m_can", "ff-memless", "wire")
