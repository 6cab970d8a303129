"""What a driver registers, read from guest memory through BTF: its bus, name, probe/remove,
power-management callbacks (struct dev_pm_ops) and ID tables (OF compatible strings, AMBA IDs,
platform device names)."""

from __future__ import annotations

from dataclasses import dataclass, field

PM_CALLBACKS = ("prepare", "complete", "suspend", "resume", "freeze", "thaw", "poweroff",
                "restore", "suspend_late", "resume_early", "suspend_noirq", "resume_noirq",
                "runtime_suspend", "runtime_resume", "runtime_idle")
MAX_TABLE_ENTRIES = 256


@dataclass(frozen=True)
class OfMatch:
    compatible: str
    name: str
    type: str
    data: int


@dataclass(frozen=True)
class AmbaId:
    id: int
    mask: int
    data: int


@dataclass(frozen=True)
class RegisteredDriver:
    bus: str  # "platform" or "amba"
    addr: int  # the struct platform_driver / amba_driver
    name: str
    probe: int
    remove: int
    pm: dict[str, int] = field(default_factory=dict)  # dev_pm_ops callback -> address
    of_match: tuple[OfMatch, ...] = ()
    amba_ids: tuple[AmbaId, ...] = ()
    platform_ids: tuple[str, ...] = ()
    legacy_suspend: int = 0  # platform_driver.suspend/resume (pre-dev_pm_ops callbacks)
    legacy_resume: int = 0


def _string(kernel, addr: int, limit: int = 128) -> str:
    return kernel.cstring(addr, limit).decode("latin-1") if addr else ""


def of_match_table(kernel, table: int) -> tuple[OfMatch, ...]:
    """Entries of a ``struct of_device_id`` array up to its empty sentinel."""
    out = []
    size = kernel.btf.sizeof("struct of_device_id")
    offsets = {name: kernel.btf.offsetof("of_device_id", name)
               for name in ("name", "type", "compatible")}
    for i in range(MAX_TABLE_ENTRIES if table else 0):
        entry = table + i * size
        texts = {name: _string(kernel, entry + off) for name, off in offsets.items()}
        if not any(texts.values()):
            break
        out.append(OfMatch(texts["compatible"], texts["name"], texts["type"],
                           kernel.get(entry, "of_device_id", "data")))
    return tuple(out)


def amba_id_table(kernel, table: int) -> tuple[AmbaId, ...]:
    out = []
    size = kernel.btf.sizeof("struct amba_id")
    for i in range(MAX_TABLE_ENTRIES if table else 0):
        entry = table + i * size
        ident, mask = kernel.get(entry, "amba_id", "id"), kernel.get(entry, "amba_id", "mask")
        if not ident and not mask:
            break
        out.append(AmbaId(ident, mask, kernel.get(entry, "amba_id", "data")))
    return tuple(out)


def platform_id_table(kernel, table: int) -> tuple[str, ...]:
    out = []
    size = kernel.btf.sizeof("struct platform_device_id")
    for i in range(MAX_TABLE_ENTRIES if table else 0):
        name = _string(kernel, table + i * size, 20)
        if not name:
            break
        out.append(name)
    return tuple(out)


def pm_callbacks(kernel, ops: int) -> dict[str, int]:
    if not ops:
        return {}
    found = {name: kernel.get(ops, "dev_pm_ops", name) for name in PM_CALLBACKS}
    return {name: addr for name, addr in found.items() if addr}


def read_platform_driver(kernel, addr: int) -> RegisteredDriver:
    def get(path: str) -> int:
        return kernel.get(addr, "platform_driver", path)

    return RegisteredDriver(
        "platform", addr, _string(kernel, get("driver.name")), get("probe"),
        get("remove") or get("remove_new"), pm_callbacks(kernel, get("driver.pm")),
        of_match_table(kernel, get("driver.of_match_table")),
        platform_ids=platform_id_table(kernel, get("id_table")),
        legacy_suspend=get("suspend"), legacy_resume=get("resume"))


def read_amba_driver(kernel, addr: int) -> RegisteredDriver:
    def get(path: str) -> int:
        return kernel.get(addr, "amba_driver", path)

    return RegisteredDriver(
        "amba", addr, _string(kernel, get("drv.name")), get("probe"), get("remove"),
        pm_callbacks(kernel, get("drv.pm")), of_match_table(kernel, get("drv.of_match_table")),
        amba_ids=amba_id_table(kernel, get("id_table")))
