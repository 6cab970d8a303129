"""Emulated Linux kernel services, one module per subsystem.  Each subsystem module holds plain
handler functions and two tables: ``FUNCTIONS`` (kernel symbol -> handler function object, so a
misspelled handler is a NameError at import) and ``DATA`` (kernel variable -> (size,
initializer)).  The registry below is built and checked when this package is imported."""

from kernels.services.registry import DataSymbol, Registry, Service, build

SUBSYSTEMS = ("memory", "strings", "printk", "time", "locks", "arch", "drivers", "of",
              "platform", "clk", "irq", "devres", "watchdog", "hwrng", "pm",
              "io", "regmap", "rtc", "deferred", "gpio", "extcon", "pwm", "reset", "regulator",
              "input", "hwmon", "phy", "thermal", "device", "kthread", "connector",
              "lists", "netdev")

REGISTRY: Registry = build(SUBSYSTEMS, __name__)

__all__ = ["REGISTRY", "SUBSYSTEMS", "DataSymbol", "Registry", "Service"]
