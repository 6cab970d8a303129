"""Where the fetched Debian kernel package lives: ``$HWEMU_CACHE`` (default ``~/.cache/hwemu``)
``/linux/``, holding ``manifest.json`` and the unpacked package tree (``dpkg -x``)."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from kernels.errors import CacheMissing

MANIFEST = "manifest.json"


def cache_dir(override: str | Path | None = None) -> Path:
    """The hwemu cache root: ``override``, else ``$HWEMU_CACHE``, else ``~/.cache/hwemu``."""
    if override:
        return Path(override).expanduser()
    env = os.environ.get("HWEMU_CACHE")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "hwemu"


def linux_dir(override: str | Path | None = None) -> Path:
    return cache_dir(override) / "linux"


@dataclass(frozen=True)
class KernelPackage:
    """One unpacked ``linux-image-<release>-unsigned`` package."""

    release: str  # uname -r, e.g. "6.1.0-57-arm64"
    package: str  # Debian package name
    version: str  # Debian package version
    tree: str  # unpacked tree, relative to the linux cache dir
    fetched: str  # ISO time of the fetch
    download_bytes: int
    linux: str = ""  # absolute linux cache dir (filled on load, not stored)

    @property
    def root(self) -> Path:
        return Path(self.linux) / self.tree

    @property
    def modules_dir(self) -> Path:
        return self.root / "lib" / "modules" / self.release / "kernel"

    @property
    def image(self) -> Path:
        return self.root / "boot" / f"vmlinuz-{self.release}"

    @property
    def work_dir(self) -> Path:
        """Derived data (parsed BTF, indexes) for this release."""
        path = Path(self.linux) / "derived" / self.release
        path.mkdir(parents=True, exist_ok=True)
        return path


def write_manifest(linux: Path, package: KernelPackage) -> None:
    record = {k: v for k, v in asdict(package).items() if k != "linux"}
    atomic_write(linux / MANIFEST, json.dumps(record, indent=2).encode() + b"\n")


def load_package(override: str | Path | None = None) -> KernelPackage:
    """The fetched package, or :class:`CacheMissing` with the hint to run fetch."""
    linux = linux_dir(override)
    try:
        record = json.loads((linux / MANIFEST).read_text())
        package = KernelPackage(**record, linux=str(linux))
    except (OSError, ValueError, TypeError):
        raise CacheMissing(f"no kernel package in {linux}: run `hwemu drivers fetch` first"
                           ) from None
    if not package.modules_dir.is_dir():
        raise CacheMissing(f"kernel package in {linux} is incomplete: run `hwemu drivers fetch`")
    return package


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
