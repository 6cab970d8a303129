"""The translator's hot path compiled to C with mypyc, and the choice between it and the sources.

``make native`` (:func:`build`; ``make demo`` and ``make test`` run it) compiles the modules of
:data:`PACKAGES` -- A64 decoder, translator, Thumb-2 encoders -- into extension modules under
``build/native``, leaving the source tree as it is, and records a hash of every source.
``import isa`` then makes Python load those extension modules, but only while every source still
matches its recorded hash: after an edit, or a checkout of another commit, the sources run (one
line on stderr says so) until the next build.  ``HWEMU_PURE_PYTHON=1`` runs the sources anyway,
for a debugger or a profiler, which cannot see into compiled code.
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build" / "native"
PACKAGES = ("isa/a64", "isa/thumb2", "emulator/translator")  # package __init__ files stay Python
PURE_ENV = "HWEMU_PURE_PYTHON"
_MANIFEST = "manifest.json"


def sources(root: Path = ROOT) -> list[Path]:
    """The source files compiled, in a stable order."""
    return sorted(path for package in PACKAGES for path in (root / package).glob("*.py")
                  if path.name != "__init__.py")


def digests(root: Path = ROOT) -> dict[str, str]:
    """Relative source path -> SHA-256 of its contents."""
    return {path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sources(root)}


def status(root: Path = ROOT, build: Path = BUILD) -> str:
    """"compiled" (built, matching the sources), "stale" (built from other sources), "absent"
    (never built for this Python) or "disabled" (HWEMU_PURE_PYTHON set)."""
    return "disabled" if os.environ.get(PURE_ENV) else _build_status(root, build)


def child_environment(source: bool) -> dict[str, str]:
    """This process's environment for a child that runs the compiled translator (when built and
    current) or, with ``source``, its sources."""
    env = {name: value for name, value in os.environ.items() if name != PURE_ENV}
    if source:
        env[PURE_ENV] = "1"
    return env


def _build_status(root: Path, build: Path) -> str:
    try:
        manifest = json.loads((build / _MANIFEST).read_text())
    except (OSError, ValueError):
        return "absent"
    if manifest.get("cache_tag") != sys.implementation.cache_tag:
        return "absent"
    return "compiled" if manifest.get("sources") == digests(root) else "stale"


class _CompiledFinder(importlib.abc.MetaPathFinder):
    """Finds the compiled modules in ``build``; every other module is left to the usual finders."""

    def __init__(self, build: Path, names: set[str]) -> None:
        self.build, self.names = build, names

    def find_spec(self, fullname, path=None, target=None):
        if fullname not in self.names:
            return None
        stem = self.build.joinpath(*fullname.split("."))
        for suffix in importlib.machinery.EXTENSION_SUFFIXES:
            candidate = stem.with_name(stem.name + suffix)
            if candidate.exists():
                loader = importlib.machinery.ExtensionFileLoader(fullname, str(candidate))
                return importlib.util.spec_from_file_location(fullname, candidate, loader=loader)
        return None


def module_names(root: Path = ROOT) -> set[str]:
    """The dotted names of the compiled modules."""
    return {".".join(path.relative_to(root).with_suffix("").parts) for path in sources(root)}


def install(root: Path = ROOT, build: Path = BUILD) -> str:
    """Make the compiled modules the ones imported when they are current; return the status."""
    state = status(root, build)
    if state == "compiled":
        sys.path.append(str(build))  # where the shared library the modules link through lives
        sys.meta_path.insert(0, _CompiledFinder(build, module_names(root)))
    elif state == "stale":
        print("hwemu: the compiled translator is older than its sources; running the sources "
              "(slower) until `make native`", file=sys.stderr)
    return state


def build(root: Path = ROOT, out: Path = BUILD) -> None:
    """Compile :data:`PACKAGES` into ``out`` with mypyc, unless already current."""
    if _build_status(root, out) == "compiled":
        return
    headers = Path(sysconfig.get_paths()["include"])
    if not (headers / "Python.h").exists():
        raise SystemExit(f"hwemu: no Python.h in {headers}: mypyc needs this Python's headers "
                         f"(Debian: apt install python{sys.version_info[0]}."
                         f"{sys.version_info[1]}-dev)")
    from mypyc.build import mypycify  # build-time dependency (the "native" extra)
    from setuptools import setup

    recorded = digests(root)
    (out / _MANIFEST).unlink(missing_ok=True)  # a failed build leaves no manifest behind
    os.chdir(root)  # mypyc names modules by their paths relative to the working directory
    modules = mypycify(["--ignore-missing-imports",
                        *(path.relative_to(root).as_posix() for path in sources(root))],
                       opt_level="3", target_dir=str(out.parent / "native-c"))
    setup(name="hwemu-native", ext_modules=modules,
          script_args=["--quiet", "build_ext", "--build-lib", str(out),
                       "--build-temp", str(out.parent / "native-obj")])
    manifest = {"cache_tag": sys.implementation.cache_tag, "sources": recorded}
    (out / _MANIFEST).write_text(json.dumps(manifest, indent=1))

