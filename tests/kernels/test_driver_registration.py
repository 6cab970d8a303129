"""Every target module's init_module and cleanup_module, in both machines: the driver it
registers (read through BTF) and its unregistration."""

import pytest

from kernels.session import start
from kernels.suite import TARGETS

# from the drivers' sources (ID tables and driver names)
KNOWN = {
    "sp805_wdt": ("amba", "sp805-wdt", ()),
    "sbsa_gwdt": ("platform", "sbsa-gwdt", ("arm,sbsa-gwdt",)),
    "meson_gxbb_wdt": ("platform", "meson-gxbb-wdt", ("amlogic,meson-gxbb-wdt",)),
    "m_can_platform": ("platform", "m_can_platform", ("bosch,m_can",)),
    "w1-gpio": ("platform", "w1-gpio", ("w1-gpio",)),
    "gpio-vibra": ("platform", "gpio-vibrator", ("gpio-vibrator",)),
    "iproc-rng200": ("platform", "iproc-rng200", ("brcm,bcm2711-rng200", "brcm,bcm7211-rng200",
                                                  "brcm,bcm7278-rng200", "brcm,iproc-rng200")),
}


@pytest.mark.parametrize("mode", ["native", "translate"])
@pytest.mark.parametrize("name", TARGETS)
def test_init_registers_and_cleanup_unregisters(kernel_package, btf, name, mode):
    session = start(kernel_package, name, mode, btf)
    linked, machine, kernel = session.linked, session.machine, session.kernel
    assert machine.call("init_module") == 0
    [driver] = kernel.drivers
    main = linked.main
    assert main.base <= driver.probe < main.end
    assert driver.remove == 0 or main.base <= driver.remove < main.end
    assert "probe" in linked.locate(driver.probe)
    assert driver.of_match or driver.amba_ids
    if name in KNOWN:
        bus, driver_name, compatibles = KNOWN[name]
        assert (driver.bus, driver.name) == (bus, driver_name)
        assert tuple(m.compatible for m in driver.of_match) == compatibles
    if name == "sp805_wdt":  # ARM PrimeCell SP805 peripheral IDs
        assert [(a.id, a.mask) for a in driver.amba_ids] == [(0x00141805, 0x00FFFFFF),
                                                             (0x001BB824, 0x00FFFFFF)]
        assert set(driver.pm) == {"suspend", "resume", "freeze", "thaw", "poweroff", "restore"}
    machine.call("cleanup_module")
    assert kernel.drivers == []
