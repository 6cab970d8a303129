"""``hwemu drivers fetch``: download the current Debian ``linux-image-*-arm64-unsigned`` package
with apt (private state dir, arm64 architecture) and unpack it with ``dpkg -x`` into the cache.

The release is chosen at fetch time: the dependency of the ``linux-image-arm64-unsigned``
metapackage if the archive has one, else that of ``linux-image-arm64`` (mapped to its
``-unsigned`` twin), else the newest ``linux-image-*-arm64-unsigned`` of the plain flavour.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from kernels.cache import KernelPackage, linux_dir, write_manifest
from kernels.errors import FetchError

METAPACKAGES = ("linux-image-arm64-unsigned", "linux-image-arm64")
# the plain arm64 flavour: not rt, cloud or 16k pages
UNSIGNED = re.compile(r"^linux-image-(\d[\w.+~-]*?)-arm64-unsigned$")
OTHER_FLAVOURS = re.compile(r"-(rt|cloud|16k)$")


class Apt:
    """apt-get/apt-cache bound to a private state directory, for arm64 only."""

    def __init__(self, state: Path):
        self.state = state
        for sub in ("lists/partial", "archives/partial"):
            (state / sub).mkdir(parents=True, exist_ok=True)
        status = state / "status"
        status.touch()
        self.options = [
            "-oAPT::Architecture=arm64", "-oAPT::Architectures=arm64",
            f"-oDir::State::Lists={state / 'lists'}", f"-oDir::State::status={status}",
            f"-oDir::Cache={state}", f"-oDir::Cache::Archives={state / 'archives'}",
            "-oDebug::NoLocking=1", "-oAPT::Sandbox::User=root", "-q",
        ]

    def run(self, tool: str, *args: str, cwd: Path | None = None) -> str:
        try:
            proc = subprocess.run([tool, *self.options, *args], capture_output=True, text=True,
                                  cwd=cwd)
        except FileNotFoundError:
            raise FetchError(f"{tool} not found: fetch needs Debian's apt tools") from None
        problem = _first_problem(proc.stderr)
        if proc.returncode != 0 or problem:
            raise FetchError(f"{tool} {args[0]} failed: {problem or proc.stderr.strip()[:200]}")
        return proc.stdout

    def update(self) -> None:
        self.run("apt-get", "update")
        if not any((self.state / "lists").glob("*Packages*")):
            raise FetchError("apt-get update fetched no package lists (network or sources?)")

    def names(self, prefix: str) -> list[str]:
        return self.run("apt-cache", "pkgnames", prefix).split()

    def depends(self, package: str) -> list[str]:
        out = self.run("apt-cache", "depends", package)
        return re.findall(r"^\s*Depends:\s*(\S+)", out, re.M)

    def version(self, package: str) -> str:
        out = self.run("apt-cache", "policy", package)
        found = re.search(r"Candidate:\s*(\S+)", out)
        if not found or found.group(1) == "(none)":
            raise FetchError(f"apt has no installable version of {package}")
        return found.group(1)


def _first_problem(stderr: str) -> str | None:
    for line in stderr.splitlines():
        if line.startswith(("E:", "Err:")) or line.startswith("W: Failed to fetch"):
            return line.strip()
    return None


def choose_package(apt: Apt) -> str:
    """The ``linux-image-<release>-unsigned`` package that is current in the archive."""
    available = set(apt.names("linux-image-"))
    for meta in METAPACKAGES:
        if meta not in available:
            continue
        for dep in apt.depends(meta):
            name = dep if dep.endswith("-unsigned") else f"{dep}-unsigned"
            if UNSIGNED.match(name) and name in available:
                return name
    plain = [n for n in available if (m := UNSIGNED.match(n)) and not OTHER_FLAVOURS.search(
        m.group(1))]
    if not plain:
        raise FetchError("the archive has no linux-image-*-arm64-unsigned package")
    return max(plain, key=_version_key)


def _version_key(name: str) -> list:
    return [(0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"[.+~-]", name)]


def fetch(cache: str | Path | None = None, progress: bool | None = None) -> KernelPackage:
    """Fetch and unpack the current package into the cache; returns its manifest record."""
    from tqdm import tqdm

    if shutil.which("dpkg") is None:
        raise FetchError("dpkg not found: fetch needs Debian's dpkg to unpack the package")
    linux = linux_dir(cache)
    linux.mkdir(parents=True, exist_ok=True)
    apt = Apt(linux / "apt")
    show = sys.stderr.isatty() if progress is None else progress
    steps = tqdm(total=4, desc="fetch", unit="step", disable=not show)
    steps.set_postfix_str("apt-get update")
    apt.update()
    steps.update()
    package = choose_package(apt)
    release = UNSIGNED.match(package).group(1) + "-arm64"
    version = apt.version(package)
    steps.set_postfix_str(f"download {package} {version}")
    with tempfile.TemporaryDirectory(dir=linux, prefix=".fetch-") as tmp:
        apt.run("apt-get", "download", f"{package}={version}", cwd=Path(tmp))
        debs = list(Path(tmp).glob("*.deb"))
        if len(debs) != 1:
            raise FetchError(f"apt-get download of {package} produced no .deb")
        steps.update()
        steps.set_postfix_str("dpkg -x")
        tree = Path(tmp) / "tree"
        proc = subprocess.run(["dpkg", "-x", str(debs[0]), str(tree)], capture_output=True,
                              text=True)
        if proc.returncode != 0:
            raise FetchError(f"dpkg -x {debs[0].name} failed: {proc.stderr.strip()[:200]}")
        if not (tree / "lib" / "modules" / release).is_dir():
            raise FetchError(f"{debs[0].name} has no lib/modules/{release}")
        steps.update()
        final = linux / release
        if final.exists():
            shutil.rmtree(final)
        tree.rename(final)
        record = KernelPackage(release, package, version, release,
                               datetime.now(UTC).isoformat(timespec="seconds"),
                               debs[0].stat().st_size, str(linux))
    write_manifest(linux, record)
    steps.update()
    steps.close()
    return record


def tree_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def timed_fetch(cache: str | Path | None = None) -> tuple[KernelPackage, float]:
    start = time.perf_counter()
    record = fetch(cache)
    return record, time.perf_counter() - start
