"""Real driver modules through init, probe, suspend, resume, remove and exit in both machines,
on devices built from BTF (MMIO regions are plain memory until device models attach)."""

import pytest

from kernels.driver_core import pm_callback, probe, remove
from kernels.objects import (
    DeviceNode,
    Resource,
    build_amba_device,
    build_node,
    build_platform_device,
)
from kernels.session import start

PHYS = 0x30000000
MEM = Resource.mem(PHYS, 0x1000)
IRQ = Resource.irq(40)
# module -> (resources, extra DT properties, expected log lines, PM callbacks it has)
CASES = {
    "sp805_wdt": (None, {}, ["sp805-wdt 30000000.dev: registration successful"], True),
    "sbsa_gwdt": ([MEM, Resource.mem(PHYS + 0x1000, 0x1000), IRQ], {},
                  ["sbsa-gwdt 30000000.dev: Initialized with 10s timeout @ 62500000 Hz, "
                   "action=0."], True),
    "meson_gxbb_wdt": ([MEM], {}, [], True),
    "tegra_wdt": ([MEM], {}, ["tegra-wdt 30000000.dev: initialized (heartbeat = 120 sec, "
                              "nowayout = 0)"], True),
    "qcom-wdt": ([MEM, IRQ], {}, [], False),
    "iproc-rng200": ([MEM], {}, ["iproc-rng200 30000000.dev: hwrng registered"], True),
    "meson-rng": ([MEM], {}, [], False),
    "omap-rng": ([MEM, IRQ], {}, ["omap_rng 30000000.dev: Random Number Generator ver. 00"],
                 True),
}


# MMIO accesses each lifecycle makes (register banks without behaviour: reads return resets/0)
ACCESSES = {"sp805_wdt": 1, "sbsa_gwdt": 3, "meson_gxbb_wdt": 4, "tegra_wdt": 0,
            "qcom-wdt": 2, "iproc-rng200": 10, "meson-rng": 1, "omap-rng": 11}


def lifecycle(kernel_package, btf, name, mode):
    resources, props, log, has_pm = CASES[name]
    session = start(kernel_package, name, mode, btf)
    kernel = session.kernel
    assert session.call("init_module") == 0
    [driver] = kernel.drivers
    compatible = driver.of_match[0].compatible if driver.of_match else "arm,sp805"
    node = build_node(kernel, DeviceNode(f"dev@{PHYS:x}", {"compatible": [compatible],
                                                             **props}))
    if driver.bus == "amba":
        device = build_amba_device(kernel, f"{PHYS:x}.dev", MEM, driver.amba_ids[0].id, (40,),
                                   node)
    else:
        device = build_platform_device(kernel, driver.name, resources, node, f"{PHYS:x}.dev")
    bound, result = probe(session, driver, device)
    assert result == 0, [r.text for r in kernel.log]
    assert [m.phys for m in kernel.iomaps][:1] == [PHYS]  # the driver mapped its registers
    for phase in ("suspend", "resume"):
        assert pm_callback(session, bound, phase) == (0 if has_pm else None)
    remove(session, bound)
    assert kernel.iomaps == [] and kernel.clocks == {} and kernel.irqs == {}
    assert kernel.devres == {} and not any(kernel.registered.values())
    session.call("cleanup_module")
    assert kernel.drivers == []
    assert [r.text for r in kernel.log] == log
    return session.machine.mmio_trace


@pytest.mark.parametrize("name", sorted(CASES))
def test_driver_lifecycle_traces_identical(kernel_package, btf, name):
    """The whole lifecycle in the native and the translated machine: every register access
    (pc, address, width, value, direction) identical, access by access."""
    native = lifecycle(kernel_package, btf, name, "native")
    translated = lifecycle(kernel_package, btf, name, "translate")
    assert [a.key() for a in translated] == [a.key() for a in native]
    assert len(native) == ACCESSES[name]
    assert all(0xA0000000 <= a.addr < 0xB0000000 for a in native)
