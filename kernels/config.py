"""The kernel's build configuration (``boot/config-<release>`` of the package)."""

from __future__ import annotations

from kernels.cache import KernelPackage
from kernels.errors import ModuleError


def read_config(package: KernelPackage) -> dict[str, str]:
    """``CONFIG_X`` -> value ("y", "m", a number or a quoted string), unset options omitted."""
    path = package.root / "boot" / f"config-{package.release}"
    try:
        text = path.read_text()
    except OSError as exc:
        raise ModuleError(f"cannot read {path}: {exc.strerror}") from None
    out = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep and key.startswith("CONFIG_"):
            out[key] = value
    return out
