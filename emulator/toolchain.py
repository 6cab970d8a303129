"""Compile C test programs with the Zig toolchain from PyPI (or the host gcc), cached.

Targets: ``aarch64`` (static, freestanding, integer-only Linux AArch64 ELF), ``thumb`` (Cortex-M4
EM_ARM ELF) and ``host`` (the system gcc, for host-compiled reference outputs).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from emulator import layout
from emulator.errors import ToolchainError

GUESTLIB = Path(__file__).with_name("guestlib")

# Flags per target.  zig's clang enables UBSan traps in -O0 builds: switch them off so the code is
# what a plain compiler would emit.  `-mcpu=generic-neon-fp_armv8` keeps AArch64 code integer-only.
# AArch64 programs are linked at layout.IMAGE_BASE: stores to their .data/.bss are fast there.
TARGET_FLAGS = {
    "aarch64": [
        "-target", "aarch64-linux-none", "-mcpu=generic-neon-fp_armv8", "-ffreestanding",
        "-nostdlib", "-static", "-fno-sanitize=all", "-fno-stack-protector",
        "-Wl,--build-id=none", f"-Wl,--image-base={layout.IMAGE_BASE:#x}",
    ],
    "thumb": [
        "-target", "thumb-freestanding-eabi", "-mcpu=cortex_m4", "-ffreestanding", "-nostdlib",
        "-static", "-fno-sanitize=all", "-fno-stack-protector", "-Wl,--build-id=none",
        "-Wl,--image-base=0x100000",
    ],
    "host": ["-DHWRT_HOST"],
}


LINK_ONLY = ("-nostdlib", "-static")


def cache_dir() -> Path:
    """Where hwemu keeps builds and downloads (``$HWEMU_CACHE`` or ``~/.cache/hwemu``)."""
    root = os.environ.get("HWEMU_CACHE") or Path.home() / ".cache" / "hwemu"
    return Path(root)


def _compiler(target: str) -> list[str]:
    if target == "host":
        return ["gcc"]
    return [sys.executable, "-m", "ziglang", "cc"]


def compile_c(sources: list[Path | str], target: str = "aarch64", opt: str = "-O2",
              extra: tuple[str, ...] = (), relocatable: bool = False) -> Path:
    """Build ``sources`` for ``target`` at ``opt`` and return the cached output's path: an
    executable, or with ``relocatable`` an object file (one source) whose functions the API
    can call."""
    if target not in TARGET_FLAGS:
        raise ToolchainError(f"unknown target {target!r} (one of {', '.join(TARGET_FLAGS)})")
    paths = [Path(s) for s in sources]
    flags = [opt, "-I", str(GUESTLIB), *TARGET_FLAGS[target], *extra]
    if relocatable:
        flags = [f for f in flags if f not in LINK_ONLY and not f.startswith("-Wl,")] + ["-c"]
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    for header in sorted(GUESTLIB.glob("*.h")):
        digest.update(header.read_bytes())
    digest.update(" ".join(flags).encode())
    out_dir = cache_dir() / "build"
    out_dir.mkdir(parents=True, exist_ok=True)
    suffix = ".o" if relocatable else ".elf"
    out = out_dir / f"{paths[0].stem}-{target}{opt}-{digest.hexdigest()[:16]}{suffix}"
    if out.exists():
        return out
    tmp = out.with_suffix(f".tmp{os.getpid()}")
    cmd = [*_compiler(target), *flags, *map(str, paths), "-o", str(tmp)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        tmp.unlink(missing_ok=True)
        lines = [ln for ln in proc.stderr.splitlines() if "error" in ln] or proc.stderr.splitlines()
        first = lines[0] if lines else f"exit status {proc.returncode}"
        raise ToolchainError(f"compiling {paths[0].name} for {target}: {first}")
    tmp.replace(out)
    return out
