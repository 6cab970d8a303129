"""ELF loading: static executables (AArch64 for translation, Arm M-profile for direct runs) and
relocatable AArch64 objects (.o/.ko), placed in the guest's 32-bit window."""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from elftools.common.exceptions import ELFError
from elftools.elf.constants import SH_FLAGS
from elftools.elf.elffile import ELFFile

from emulator import layout
from emulator.errors import LoaderError
from emulator.relocations import apply_relocation

MACHINES = {"EM_AARCH64": "aarch64", "EM_ARM": "arm"}
OBJECT_BASE = layout.IMAGE_BASE  # where relocatable objects are placed


@dataclass
class Segment:
    vaddr: int
    memsz: int
    data: bytes
    executable: bool = False
    writable: bool = True


@dataclass
class Symbol:
    name: str
    addr: int
    size: int
    kind: str  # "func", "object", ...


@dataclass
class GuestImage:
    path: str
    machine: str  # "aarch64" or "arm"
    entry: int
    segments: list[Segment]
    symbols: dict[str, Symbol] = field(default_factory=dict)
    relocatable: bool = False

    @property
    def end(self) -> int:
        return max(s.vaddr + s.memsz for s in self.segments)

    def symbol(self, name: str) -> Symbol:
        try:
            return self.symbols[name]
        except KeyError:
            raise LoaderError(f"{self.path}: no symbol named {name!r}") from None

    def symbol_at(self, addr: int) -> str | None:
        """``name+0xoff`` of the function containing ``addr``, if any."""
        best = None
        for sym in self.symbols.values():
            if sym.addr <= addr < sym.addr + max(sym.size, 1) and sym.kind == "func":
                best = sym
        return f"{best.name}+0x{addr - best.addr:x}" if best else None


def load_elf(path: str | Path, resolve: Callable[[str], int | None] | None = None,
             base: int = OBJECT_BASE) -> GuestImage:
    """Load ``path``; relocatable objects are placed at ``base`` and their undefined symbols
    bound through ``resolve`` (name -> address, or None if unknown)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LoaderError(f"cannot read {path}: {exc.strerror}") from None
    if data[:4] != b"\x7fELF":
        raise LoaderError(f"{path}: not an ELF file (bad magic at offset 0)")
    try:
        import io

        elf = ELFFile(io.BytesIO(data))
        machine = MACHINES.get(elf["e_machine"])
        if machine is None:
            raise LoaderError(f"{path}: ELF for {elf['e_machine']}, but hwemu runs AArch64 "
                              f"(EM_AARCH64) or Arm M-profile (EM_ARM) code")
        if elf.elfclass != (64 if machine == "aarch64" else 32):
            raise LoaderError(f"{path}: {elf.elfclass}-bit ELF for {machine}")
        if elf["e_type"] == "ET_REL":
            if machine != "aarch64":
                raise LoaderError(f"{path}: relocatable objects are supported for AArch64 only")
            return _load_object(path, elf, data, resolve, base)
        return _load_executable(path, elf, data, machine)
    except (ELFError, struct.error, ValueError, IndexError, KeyError) as exc:
        raise LoaderError(f"{path}: truncated or malformed ELF ({exc})") from None


def _check_placement(path: Path, start: int, size: int) -> None:
    if not layout.in_window(start, size):
        raise LoaderError(f"{path}: segment at 0x{start:x} (+0x{size:x}) lies outside the "
                          f"guest's 32-bit window")
    if layout.overlaps_host(start, size):
        regions = " and ".join(f"0x{base:x}-0x{base + n:x}" for base, n in layout.HOST_REGIONS)
        raise LoaderError(f"{path}: segment at 0x{start:x} overlaps the M core's reserved host "
                          f"regions {regions}")


def _load_executable(path: Path, elf: ELFFile, data: bytes, machine: str) -> GuestImage:
    segments = []
    for seg in elf.iter_segments():
        if seg["p_type"] != "PT_LOAD" or seg["p_memsz"] == 0:
            continue
        start, filesz = seg["p_offset"], seg["p_filesz"]
        if start + filesz > len(data):
            raise LoaderError(f"{path}: truncated ELF (segment data at file offset 0x{start:x} "
                              f"+0x{filesz:x} beyond end of file 0x{len(data):x})")
        _check_placement(path, seg["p_vaddr"], seg["p_memsz"])
        segments.append(Segment(seg["p_vaddr"], seg["p_memsz"], data[start:start + filesz],
                                executable=bool(seg["p_flags"] & 1),
                                writable=bool(seg["p_flags"] & 2)))
    if not segments:
        raise LoaderError(f"{path}: no loadable segments")
    image = GuestImage(str(path), machine, elf["e_entry"], segments)
    image.symbols = _symbols(elf, lambda sym: sym["st_value"])
    return image


def _symbols(elf: ELFFile, address: Callable) -> dict[str, Symbol]:
    table = elf.get_section_by_name(".symtab")
    out: dict[str, Symbol] = {}
    if table is None:
        return out
    for sym in table.iter_symbols():
        kind = sym["st_info"]["type"]
        if not sym.name or kind not in ("STT_FUNC", "STT_OBJECT", "STT_NOTYPE"):
            continue
        if sym["st_shndx"] in ("SHN_UNDEF", "SHN_ABS"):
            continue
        addr = address(sym)
        if addr is None:
            continue
        out.setdefault(sym.name, Symbol(sym.name, addr, sym["st_size"],
                                        {"STT_FUNC": "func", "STT_OBJECT": "object"}.get(kind,
                                                                                     "notype")))
    return out


def _load_object(path: Path, elf: ELFFile, data: bytes, resolve, base: int) -> GuestImage:
    """Place every SHF_ALLOC section, bind symbols, apply the relocations."""
    placed: dict[int, int] = {}
    cursor = base
    contents: dict[int, bytearray] = {}
    for index, sec in enumerate(elf.iter_sections()):
        if not sec["sh_flags"] & SH_FLAGS.SHF_ALLOC or sec["sh_size"] == 0:
            continue
        align = max(sec["sh_addralign"], 8)
        cursor = (cursor + align - 1) & ~(align - 1)
        placed[index] = cursor
        if sec["sh_type"] == "SHT_NOBITS":
            contents[index] = bytearray(sec["sh_size"])
        else:
            off, size = sec["sh_offset"], sec["sh_size"]
            if off + size > len(data):
                raise LoaderError(f"{path}: truncated ELF (section {sec.name} at file offset "
                                  f"0x{off:x} beyond end of file)")
            contents[index] = bytearray(data[off:off + size])
        cursor += sec["sh_size"]
    end = layout.page_align(cursor)
    _check_placement(path, base, max(end - base, 1))

    def sym_value(sym) -> int | None:
        shndx = sym["st_shndx"]
        if isinstance(shndx, int) and shndx in placed:
            return placed[shndx] + sym["st_value"]
        if shndx == "SHN_ABS":
            return sym["st_value"]
        return None

    symtab = elf.get_section_by_name(".symtab")
    if symtab is None:
        raise LoaderError(f"{path}: relocatable object without a symbol table")
    symbols = list(symtab.iter_symbols())
    for sec in elf.iter_sections():
        if sec["sh_type"] != "SHT_RELA":
            continue
        target = sec["sh_info"]
        if target not in placed:
            continue
        buf = contents[target]
        for rel in sec.iter_relocations():
            sym = symbols[rel["r_info_sym"]]
            value = sym_value(sym)
            if value is None and sym.name:
                value = resolve(sym.name) if resolve else None
                if value is None:
                    raise LoaderError(f"{path}: undefined symbol {sym.name!r} referenced from "
                                      f"{elf.get_section(target).name}+0x{rel['r_offset']:x}")
            where = placed[target] + rel["r_offset"]
            apply_relocation(buf, rel["r_offset"], rel["r_info_type"], (value or 0)
                             + rel["r_addend"], where, path)
    segments = [Segment(placed[i], len(contents[i]), bytes(contents[i]),
                        executable=bool(elf.get_section(i)["sh_flags"] &
                                        SH_FLAGS.SHF_EXECINSTR))
                for i in sorted(placed)]
    image = GuestImage(str(path), "aarch64", base, segments, relocatable=True)
    image.symbols = _symbols(elf, sym_value)
    return image
