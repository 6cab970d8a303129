"""The package's kernel modules: find them by name, read them (``.ko``, ``.ko.xz``, ``.ko.gz``),
and read what the kernel's module loader reads: symbols, exports (``__ksymtab``), ``.modinfo``
dependencies and relocations."""

from __future__ import annotations

import gzip
import lzma
import struct
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from kernels.cache import KernelPackage
from kernels.errors import ModuleError

SUFFIXES = (".ko", ".ko.xz", ".ko.gz")
SHT_SYMTAB, SHT_RELA, SHT_NOBITS = 2, 4, 8
SHN_UNDEF = 0
STB_LOCAL = 0
EM_AARCH64 = 183
BRANCH_RELOCATIONS = frozenset({282, 283})  # JUMP26, CALL26


def canonical(name: str) -> str:
    """Module names compare with '-' and '_' equal, as in the kernel."""
    return name.replace("-", "_")


def module_name(path: Path) -> str:
    name = path.name
    for suffix in SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def module_paths(package: KernelPackage) -> dict[str, Path]:
    """Canonical module name -> file, for every module in the package."""
    out: dict[str, Path] = {}
    for path in sorted(package.modules_dir.rglob("*.ko*")):
        if path.name.endswith(SUFFIXES):
            out[canonical(module_name(path))] = path
    return out


def read_module(path: Path) -> bytes:
    """The ELF bytes of a module file, decompressed."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ModuleError(f"cannot read {path}: {exc.strerror}") from None
    try:
        if path.name.endswith(".xz"):
            return lzma.decompress(raw)
        if path.name.endswith(".gz"):
            return gzip.decompress(raw)
    except (lzma.LZMAError, OSError, EOFError) as exc:
        raise ModuleError(f"{path}: corrupt compressed module ({exc})") from None
    return raw


@dataclass(frozen=True)
class Section:
    index: int
    name: str
    type: int
    flags: int
    offset: int
    size: int
    link: int
    info: int
    entsize: int


@dataclass(frozen=True)
class SymbolEntry:
    name: str
    value: int
    size: int
    bind: int
    type: int
    shndx: int


class ModuleElf:
    """A minimal, fast reader of an AArch64 ELF64 relocatable module (raw section headers)."""

    def __init__(self, data: bytes, origin: str):
        self.data, self.origin = data, origin
        try:
            if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
                raise ModuleError(f"{origin}: not a little-endian ELF64 file")
            e_type, e_machine = struct.unpack_from("<HH", data, 16)
            if e_type != 1 or e_machine != EM_AARCH64:
                raise ModuleError(f"{origin}: not an AArch64 relocatable object "
                                  f"(e_type {e_type}, e_machine {e_machine})")
            shoff, = struct.unpack_from("<Q", data, 40)
            shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 58)
            raw = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize)
                   for i in range(shnum)]
            strtab = raw[shstrndx]
            self.sections = [Section(i, self._string(strtab[4], h[0]), h[1], h[2], h[4], h[5],
                                     h[6], h[7], h[9]) for i, h in enumerate(raw)]
        except (struct.error, IndexError) as exc:
            raise ModuleError(f"{origin}: truncated or malformed ELF ({exc})") from None
        for sec in self.sections:
            if sec.type != SHT_NOBITS and sec.offset + sec.size > len(data):
                raise ModuleError(f"{origin}: section {sec.name} at file offset "
                                  f"0x{sec.offset:x} runs past the end of the file")

    def _string(self, table_offset: int, index: int) -> str:
        end = self.data.index(b"\0", table_offset + index)
        return self.data[table_offset + index:end].decode("utf-8", "replace")

    def section(self, name: str) -> Section | None:
        return next((s for s in self.sections if s.name == name), None)

    def contents(self, sec: Section) -> bytes:
        return self.data[sec.offset:sec.offset + sec.size]

    @cached_property
    def symbols(self) -> list[SymbolEntry]:
        table = next((s for s in self.sections if s.type == SHT_SYMTAB), None)
        if table is None:
            raise ModuleError(f"{self.origin}: no symbol table")
        names = self.sections[table.link].offset
        out = []
        for off in range(table.offset, table.offset + table.size, 24):
            name, info, _other, shndx, value, size = struct.unpack_from("<IBBHQQ", self.data, off)
            out.append(SymbolEntry(self._string(names, name), value, size, info >> 4, info & 15,
                                   shndx))
        return out

    def relocation_types(self) -> Counter:
        """Relocation type -> count over every SHT_RELA section."""
        counts: Counter = Counter()
        for sec in self.sections:
            if sec.type != SHT_RELA:
                continue
            rela = np.frombuffer(self.data, dtype="<u8", count=sec.size // 8,
                                 offset=sec.offset).reshape(-1, 3)
            types, n = np.unique(rela[:, 1] & 0xFFFFFFFF, return_counts=True)
            counts.update(dict(zip(types.tolist(), n.tolist())))
        return counts

    def symbol_relocations(self) -> dict[int, set[int]]:
        """Symbol index -> the relocation types that reference it."""
        out: dict[int, set[int]] = {}
        for sec in self.sections:
            if sec.type != SHT_RELA:
                continue
            info = np.frombuffer(self.data, dtype="<u8", count=sec.size // 8,
                                 offset=sec.offset).reshape(-1, 3)[:, 1]
            for sym, rtype in set(zip((info >> 32).tolist(), (info & 0xFFFFFFFF).tolist())):
                out.setdefault(sym, set()).add(rtype)
        return out

    @cached_property
    def modinfo(self) -> dict[str, list[str]]:
        sec = self.section(".modinfo")
        out: dict[str, list[str]] = {}
        for entry in (self.contents(sec) if sec else b"").split(b"\0"):
            key, sep, value = entry.decode("utf-8", "replace").partition("=")
            if sep:
                out.setdefault(key, []).append(value)
        return out


@dataclass(frozen=True)
class ModuleInfo:
    """What linking a module needs: its undefined symbols, exports and declared dependencies."""

    name: str
    path: Path
    undefined: tuple[str, ...]
    exports: tuple[str, ...]
    depends: tuple[str, ...]
    calls_only: frozenset[str]  # undefined symbols referenced only by BL/B (CALL26/JUMP26)

    @classmethod
    def read(cls, path: Path) -> ModuleInfo:
        elf = ModuleElf(read_module(path), str(path))
        undefined = sorted({s.name for s in elf.symbols
                            if s.shndx == SHN_UNDEF and s.name and s.bind != STB_LOCAL})
        exports = sorted(s.name[len("__ksymtab_"):] for s in elf.symbols
                         if s.name.startswith("__ksymtab_") and s.shndx != SHN_UNDEF)
        depends = [d for field in elf.modinfo.get("depends", []) for d in field.split(",") if d]
        uses = elf.symbol_relocations()
        calls_only = frozenset(elf.symbols[i].name for i, types in uses.items()
                               if types <= BRANCH_RELOCATIONS and elf.symbols[i].shndx == SHN_UNDEF)
        return cls(module_name(path), path, tuple(undefined), tuple(exports),
                   tuple(canonical(d) for d in depends), calls_only)


def find_module(index: dict[str, Path], name: str) -> Path:
    try:
        return index[canonical(module_name(Path(name)))]
    except KeyError:
        raise ModuleError(f"no module named {name!r} in the kernel package") from None
