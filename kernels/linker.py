"""Linking modules as the kernel does: a module and the modules it depends on (``.modinfo``
``depends=``, recursively) are placed one after the other in the module area, dependencies
first; each module's undefined symbols resolve to the ``__ksymtab`` exports of the modules
already loaded, then to the emulated kernel (kernels.binding.KernelSymbols).  The result is one
GuestImage that either machine can load."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from emulator.loader import GuestImage, Symbol, load_elf
from kernels.binding import KernelSymbols
from kernels.btf import Btf
from kernels.cache import KernelPackage
from kernels.errors import ModuleError
from kernels.layout import DEFAULT_LAYOUT, KernelLayout
from kernels.modules import ModuleInfo, canonical, find_module, module_paths, read_module

PAGE = 0x1000


@dataclass(frozen=True)
class LoadedModule:
    name: str
    path: Path
    image: GuestImage  # this module alone, relocated at ``base``
    exports: tuple[str, ...]

    @property
    def base(self) -> int:
        return min(s.vaddr for s in self.image.segments)

    @property
    def end(self) -> int:
        return self.image.end


@dataclass
class LinkedModules:
    """Modules loaded together (dependencies first, the requested module last)."""

    modules: list[LoadedModule]
    symbols: KernelSymbols

    @property
    def main(self) -> LoadedModule:
        return self.modules[-1]

    def module(self, name: str) -> LoadedModule:
        for module in self.modules:
            if module.name == canonical(name):
                return module
        raise ModuleError(f"module {name!r} is not loaded")

    def image(self) -> GuestImage:
        """One image with every module's segments.  The requested module's symbols keep their
        names; a dependency's are ``<module>:<symbol>``."""
        segments = [seg for module in self.modules for seg in module.image.segments]
        symbols: dict[str, Symbol] = {}
        for module in self.modules:
            prefix = "" if module is self.main else f"{module.name}:"
            for name, sym in module.image.symbols.items():
                symbols[prefix + name] = Symbol(prefix + name, sym.addr, sym.size, sym.kind)
        image = GuestImage(str(self.main.path), "aarch64", self.main.base, segments,
                           relocatable=True)
        image.symbols = symbols
        return image

    def locate(self, pc: int) -> str:
        """``module+0xoff`` (with the function, if known) for a guest address."""
        for module in self.modules:
            if module.base <= pc < module.end:
                where = module.image.symbol_at(pc)
                return f"{module.name}+0x{pc - module.base:x}" + (f" ({where})" if where else "")
        name = self.symbols.name_of(pc)
        return f"kernel:{name}" if name else f"0x{pc:x}"

    def symbolize(self, addr: int) -> tuple[str, int, int] | None:
        """(name, offset, size) for %pS: module functions and kernel symbols."""
        name = self.symbols.name_of(addr)
        if name is not None:
            return name, 0, 4
        for module in self.modules:
            if module.base <= addr < module.end:
                where = module.image.symbol_at(addr)
                if where:
                    func, _, off = where.partition("+0x")
                    return func, int(off, 16), module.image.symbols[func].size
        return None


def dependency_order(name: str, index: dict[str, Path]) -> list[str]:
    """``name`` and everything it depends on, each after all of its own dependencies."""
    order: list[str] = []

    def visit(module: str, trail: tuple[str, ...]) -> None:
        if module in order:
            return
        if module in trail:
            raise ModuleError(f"circular module dependency: {' -> '.join(trail + (module,))}")
        for dep in ModuleInfo.read(find_module(index, module)).depends:
            visit(dep, trail + (module,))
        order.append(module)

    visit(canonical(name), ())
    return order


def link(package: KernelPackage, name: str, symbols: KernelSymbols | None = None,
         layout: KernelLayout = DEFAULT_LAYOUT, work_dir: Path | None = None) -> LinkedModules:
    """Load module ``name`` with its dependencies, relocated and bound."""
    index = module_paths(package)
    symbols = symbols or KernelSymbols(layout=layout, btf=Btf.vmlinux(package))
    loaded: list[LoadedModule] = []
    base = layout.module_base
    for module in dependency_order(name, index):
        path = _plain_elf(find_module(index, module), work_dir or package.work_dir)
        image = load_elf(path, symbols.resolve, base=base)
        if image.end > layout.module_limit:
            raise ModuleError(f"{module}: modules do not fit below 0x{layout.module_limit:x}")
        info = ModuleInfo.read(path)
        for export in info.exports:
            if export not in image.symbols:
                raise ModuleError(f"{path}: exports {export!r} but does not define it")
            symbols.exports.setdefault(export, image.symbols[export].addr)
        loaded.append(LoadedModule(module, path, image, info.exports))
        base = (image.end + PAGE - 1) & ~(PAGE - 1)
    return LinkedModules(loaded, symbols)


def _plain_elf(path: Path, work_dir: Path) -> Path:
    """The loader reads files: compressed modules are decompressed once into ``work_dir``."""
    if path.suffix == ".ko":
        return path
    target = work_dir / "modules" / path.name.rsplit(".", 1)[0]
    if not target.exists():
        from kernels.cache import atomic_write

        atomic_write(target, read_module(path))
    return target
