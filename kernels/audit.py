"""``hwemu drivers audit``: what each module needs from the kernel.  Its undefined symbols are
resolved first against the modules it depends on (``.modinfo`` ``depends=``, recursively, through
their ``__ksymtab`` exports, as the kernel links them); the rest must come from the emulated
kernel services of kernels/services/ or are reported missing."""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from kernels.btf import Btf
from kernels.cache import load_package
from kernels.errors import BtfError
from kernels.modules import ModuleInfo, canonical, find_module, module_paths
from kernels.services import REGISTRY, Registry
from kernels.suite import DEPENDENCIES, TARGETS


@dataclass(frozen=True)
class SymbolNeed:
    name: str
    use: str  # "call" (only BL/B), "function" (address of a kernel function taken), "data"
    provider: str  # "service:<subsystem>", "data:<subsystem>", "module:<name>" or "missing"


@dataclass(frozen=True)
class ModuleAudit:
    module: str
    path: Path
    depends: tuple[str, ...]
    needs: tuple[SymbolNeed, ...]

    def by(self, prefix: str) -> list[SymbolNeed]:
        return [n for n in self.needs if n.provider.startswith(prefix)]

    @property
    def missing(self) -> list[SymbolNeed]:
        return self.by("missing")

    def to_json(self) -> dict:
        return {"module": self.module, "path": str(self.path), "depends": list(self.depends),
                "undefined": len(self.needs),
                "from_modules": {n.name: n.provider.split(":", 1)[1]
                                 for n in self.by("module:")},
                "emulated": [n.name for n in self.needs if n.provider.startswith(("service:",
                                                                                  "data:"))],
                "missing": [{"name": n.name, "use": n.use} for n in self.missing]}


@dataclass(frozen=True)
class AuditReport:
    release: str
    modules: tuple[ModuleAudit, ...]

    def most_needed(self, limit: int = 25) -> list[tuple[str, int]]:
        counts = Counter(n.name for m in self.modules for n in m.missing)
        return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]

    def to_json(self) -> dict:
        def distinct(*prefixes: str) -> int:
            return len({n.name for m in self.modules for n in m.needs
                        if n.provider.startswith(prefixes)})

        return {"release": self.release, "modules": [m.to_json() for m in self.modules],
                "summary": {"modules": len(self.modules),
                            "symbols": len({n.name for m in self.modules for n in m.needs}),
                            "emulated": distinct("service:", "data:"),
                            "from_modules": distinct("module:"), "missing": distinct("missing"),
                            "most_needed_missing": self.most_needed()}}


def _dependency_closure(name: str, infos: dict[str, ModuleInfo], index: dict[str, Path]
                        ) -> list[str]:
    order, todo = [], list(infos[name].depends)
    while todo:
        dep = todo.pop(0)
        if dep in order:
            continue
        order.append(dep)
        if dep not in infos:
            infos[dep] = ModuleInfo.read(find_module(index, dep))
        todo.extend(infos[dep].depends)
    return order


def audit_module(name: str, infos: dict[str, ModuleInfo], index: dict[str, Path],
                 btf: Btf | None, registry: Registry = REGISTRY) -> ModuleAudit:
    info = infos[name]
    depends = _dependency_closure(name, infos, index)
    exporters: dict[str, str] = {}
    for dep in depends:
        for symbol in infos[dep].exports:
            exporters.setdefault(symbol, dep)
    needs = []
    for symbol in info.undefined:
        if symbol in exporters:
            provider = f"module:{exporters[symbol]}"
        elif symbol in registry.functions:
            provider = f"service:{registry.subsystem(symbol)}"
        elif symbol in registry.data:
            provider = f"data:{registry.subsystem(symbol)}"
        else:
            provider = "missing"
        needs.append(SymbolNeed(symbol, _use(symbol, info, btf), provider))
    return ModuleAudit(info.name, info.path, tuple(depends), tuple(needs))


def _use(symbol: str, info: ModuleInfo, btf: Btf | None) -> str:
    if symbol in info.calls_only:
        return "call"
    if btf is not None:
        try:
            btf.find(symbol, ("func",))
            return "function"
        except BtfError:
            pass
    return "data"


def audit(names: list[str] | tuple[str, ...] = (), cache: str | None = None,
          every_module: bool = False, registry: Registry = REGISTRY) -> AuditReport:
    """Audit ``names`` (default: the target suite and its dependencies, or every module)."""
    package = load_package(cache)
    index = module_paths(package)
    if every_module:
        chosen = list(index)
    else:
        chosen = [canonical(find_module(index, n).name.split(".ko")[0])
                  for n in (names or TARGETS + DEPENDENCIES)]
    from tqdm import tqdm

    btf = Btf.vmlinux(package)
    infos: dict[str, ModuleInfo] = {}
    reports = []
    for name in tqdm(chosen, desc="audit", unit="module", disable=not sys.stderr.isatty()
                     or len(chosen) < 50):
        if name not in infos:
            infos[name] = ModuleInfo.read(index[name])
        reports.append(audit_module(name, infos, index, btf, registry))
    return AuditReport(package.release, tuple(reports))


def format_audit(report: AuditReport, detail: bool | None = None) -> str:
    detail = len(report.modules) <= 50 if detail is None else detail
    lines = [f"kernel {report.release}: {len(report.modules)} modules"]
    width = max(len(m.module) for m in report.modules)
    for m in report.modules:
        emulated = len(m.needs) - len(m.missing) - len(m.by("module:"))
        lines.append(f"{m.module:<{width}}  {len(m.needs):3d} undefined  "
                     f"{len(m.by('module:')):2d} from modules  {emulated:3d} emulated  "
                     f"{len(m.missing):3d} missing"
                     + (f"  (depends: {', '.join(m.depends)})" if m.depends else ""))
        if detail and m.missing:
            lines.append("    missing: " + ", ".join(n.name for n in m.missing))
    summary = report.to_json()["summary"]
    lines.append(f"{summary['symbols']} distinct symbols: {summary['emulated']} emulated, "
                 f"{summary['from_modules']} resolved from modules, {summary['missing']} "
                 f"missing (for at least one module)")
    if report.most_needed():
        lines.append("most needed missing: " + ", ".join(f"{n} ({c})"
                                                         for n, c in report.most_needed(15)))
    return "\n".join(lines)
