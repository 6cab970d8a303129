"""BTF reader: the kernel's own type information (``Documentation/bpf/btf.rst``).

The vmlinux BTF is found inside the package's arm64 Image by scanning for a valid header (magic
0xEB9F); each module's split BTF (its ``.BTF`` section) continues the base's type ids and string
offsets.  Answers struct/union sizes and member offsets (bit offsets, bitfields) by name, through
typedef/const/volatile, with dotted member paths (``dev.of_node``, ``resource[1].start``).
The parsed vmlinux index is cached as a pickle under the cache's derived/ directory.
"""

from __future__ import annotations

import pickle
import re
import struct
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from kernels.cache import KernelPackage, atomic_write
from kernels.errors import BtfError

MAGIC = 0xEB9F
HEADER = struct.Struct("<HBBIIIII")  # magic version flags hdr_len type_off type_len str_off str_len
KINDS = ("void", "int", "ptr", "array", "struct", "union", "enum", "fwd", "typedef", "volatile",
         "const", "restrict", "func", "func_proto", "var", "datasec", "float", "decl_tag",
         "type_tag", "enum64")
KIND = {name: number for number, name in enumerate(KINDS)}
# bytes of kind-specific data after the 12-byte btf_type: fixed, and per vlen item
_FIXED = {KIND["int"]: 4, KIND["array"]: 12, KIND["var"]: 4, KIND["decl_tag"]: 4}
_PER_ITEM = {KIND["struct"]: 12, KIND["union"]: 12, KIND["enum"]: 8, KIND["func_proto"]: 8,
             KIND["datasec"]: 12, KIND["enum64"]: 12}
_QUALIFIERS = {KIND["typedef"], KIND["volatile"], KIND["const"], KIND["restrict"],
               KIND["type_tag"]}
_STEP = re.compile(r"([A-Za-z_]\w*)((?:\[\d+\])*)")
CACHE_VERSION = 2


@dataclass(frozen=True)
class Member:
    name: str  # "" for an anonymous struct/union member
    type_id: int
    bit_offset: int
    bitfield_size: int  # 0 unless a bitfield


@dataclass(frozen=True)
class Field:
    """A member reached by a path: where it is and what it is."""

    path: str
    bit_offset: int
    bitfield_size: int
    type_id: int
    size: int  # bytes of the member's type (0 for a bitfield's or an incomplete type)

    @property
    def offset(self) -> int:
        if self.bitfield_size or self.bit_offset % 8:
            raise BtfError(f"member {self.path} is a bitfield (bit offset {self.bit_offset}, "
                           f"{self.bitfield_size} bits): it has no byte offset")
        return self.bit_offset // 8


def find_header(blob: bytes) -> int:
    """File offset of the first valid BTF header in ``blob``."""
    start = 0
    magic = struct.pack("<HBB", MAGIC, 1, 0)
    while (at := blob.find(magic, start)) >= 0:
        start = at + 1
        if at + HEADER.size > len(blob):
            break
        _, _, _, hdr_len, type_off, type_len, str_off, str_len = HEADER.unpack_from(blob, at)
        end = at + hdr_len + str_off + str_len
        if (hdr_len == HEADER.size and type_off == 0 and str_off >= type_len and str_len
                and end <= len(blob) and blob[at + hdr_len + str_off] == 0
                and blob[end - 1] == 0):
            return at
    raise BtfError("no valid BTF header (magic 0xEB9F) found")


class Btf:
    """One BTF blob, optionally split on top of a base (a module's on vmlinux's)."""

    def __init__(self, types: bytes, strings: bytes, table: np.ndarray,
                 base: Btf | None = None, origin: str = "BTF"):
        self.types, self.strings, self.base, self.origin = types, strings, base, origin
        # table: one row per own type: kind, vlen, kind_flag, name_off, size_or_type, data_off
        self.table = table
        self.first_id = base.count if base else 1
        self.str_base = len(base.strings) + base.str_base if base else 0

    # -- parsing ---------------------------------------------------------------------------
    @classmethod
    def parse(cls, blob: bytes, at: int = 0, base: Btf | None = None,
              origin: str = "BTF") -> Btf:
        try:
            magic, version, _, hdr_len, type_off, type_len, str_off, str_len = \
                HEADER.unpack_from(blob, at)
        except struct.error:
            raise BtfError(f"{origin}: truncated BTF header") from None
        if magic != MAGIC or version != 1:
            raise BtfError(f"{origin}: bad BTF magic 0x{magic:x} or version {version}")
        data = at + hdr_len
        types = bytes(blob[data + type_off:data + type_off + type_len])
        strings = bytes(blob[data + str_off:data + str_off + str_len])
        if len(types) != type_len or len(strings) != str_len:
            raise BtfError(f"{origin}: BTF sections run past the end of the data")
        return cls(types, strings, cls._index(types, origin), base, origin)

    @staticmethod
    def _index(types: bytes, origin: str) -> np.ndarray:
        rows = []
        off, end = 0, len(types)
        unpack = struct.Struct("<III").unpack_from
        try:
            while off < end:
                name_off, info, size_type = unpack(types, off)
                kind, vlen = (info >> 24) & 0x1F, info & 0xFFFF
                if kind == 0 or kind >= len(KINDS):
                    raise BtfError(f"{origin}: unknown BTF kind {kind} at type offset {off}")
                rows.append((kind, vlen, info >> 31, name_off, size_type, off + 12))
                off += 12 + _FIXED.get(kind, 0) + _PER_ITEM.get(kind, 0) * vlen
        except struct.error:
            raise BtfError(f"{origin}: truncated BTF type section at offset {off}") from None
        if off != end:
            raise BtfError(f"{origin}: BTF type section ends inside a type")
        return np.array(rows, dtype=np.int64).reshape(-1, 6)

    @classmethod
    def from_image(cls, image: bytes, origin: str = "Image") -> Btf:
        return cls.parse(image, find_header(image), origin=f"{origin} BTF")

    @classmethod
    def vmlinux(cls, package: KernelPackage) -> Btf:
        """The kernel's BTF, parsed once and cached next to the package."""
        cache = package.work_dir / "vmlinux.btf.pickle"
        try:
            version, btf = pickle.loads(cache.read_bytes())
            if version == CACHE_VERSION:
                return btf
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, AttributeError):
            pass
        try:
            image = package.image.read_bytes()
        except OSError as exc:
            raise BtfError(f"cannot read {package.image}: {exc.strerror}") from None
        btf = cls.from_image(image, str(package.image))
        btf._by_name  # noqa: B018 - build the name index before caching it
        atomic_write(cache, pickle.dumps((CACHE_VERSION, btf), protocol=5))
        return btf

    @classmethod
    def from_module(cls, elf_data: bytes, base: Btf, origin: str) -> Btf:
        """A module's split BTF (its ``.BTF`` section) on top of ``base``."""
        from kernels.modules import ModuleElf

        section = ModuleElf(elf_data, origin).section(".BTF")
        if section is None:
            raise BtfError(f"{origin}: no .BTF section")
        return cls.parse(elf_data[section.offset:section.offset + section.size], base=base,
                         origin=f"{origin} .BTF")

    # -- raw access ------------------------------------------------------------------------
    @property
    def count(self) -> int:
        """One past the largest type id."""
        return self.first_id + len(self.table)

    def _owner(self, type_id: int) -> Btf:
        btf = self
        while type_id < btf.first_id:
            if btf.base is None:
                raise BtfError(f"{self.origin}: type id {type_id} out of range")
            btf = btf.base
        if type_id >= btf.count:
            raise BtfError(f"{self.origin}: type id {type_id} out of range")
        return btf

    def _row(self, type_id: int) -> tuple[Btf, tuple[int, ...]]:
        btf = self._owner(type_id)
        return btf, tuple(int(v) for v in btf.table[type_id - btf.first_id])

    def string(self, offset: int) -> str:
        btf = self
        while offset < btf.str_base:
            btf = btf.base
        local = offset - btf.str_base
        end = btf.strings.find(b"\0", local)
        return btf.strings[local:end].decode("utf-8", "replace")

    def kind(self, type_id: int) -> str:
        return "void" if type_id == 0 else KINDS[self._row(type_id)[1][0]]

    def name(self, type_id: int) -> str:
        return "" if type_id == 0 else self.string(self._row(type_id)[1][3])

    # -- names -----------------------------------------------------------------------------
    @cached_property
    def _by_name(self) -> dict[tuple[str, str], list[int]]:
        out: dict[tuple[str, str], list[int]] = {}
        for i, (kind, _, _, name_off, _, _) in enumerate(self.table.tolist()):
            if name_off:
                out.setdefault((KINDS[kind], self.string(name_off)), []).append(
                    self.first_id + i)
        return out

    def find(self, name: str, kinds: tuple[str, ...] = ("struct", "union", "typedef", "enum",
                                                      "int", "float")) -> int:
        """The type id named ``name`` ("struct foo", "union bar" or a bare name)."""
        first, _, rest = name.partition(" ")
        if rest and first in ("struct", "union", "enum"):
            kinds, name = (first,), rest
        for btf in self._chain():
            for kind in kinds:
                ids = btf._by_name.get((kind, name))
                if ids:  # prefer a complete definition (a struct with members over a forward)
                    return ids[0]
        raise BtfError(f"{self.origin}: no type named {name!r}")

    def _chain(self):
        btf = self
        while btf is not None:
            yield btf
            btf = btf.base

    # -- layout ----------------------------------------------------------------------------
    def resolve(self, type_id: int) -> int:
        """Strip typedef/const/volatile/restrict/type tags."""
        for _ in range(64):
            if type_id == 0:
                return 0
            btf, (kind, _, _, _, size_type, _) = self._row(type_id)
            if kind not in _QUALIFIERS:
                return type_id
            type_id = size_type
        raise BtfError(f"{self.origin}: typedef chain too long at type {type_id}")

    def sizeof(self, type_ref: int | str) -> int:
        type_id = self.resolve(self.find(type_ref) if isinstance(type_ref, str) else type_ref)
        if type_id == 0:
            raise BtfError(f"{self.origin}: void has no size")
        btf, (kind, _, _, _, size_type, data) = self._row(type_id)
        if kind in (KIND["int"], KIND["struct"], KIND["union"], KIND["enum"], KIND["float"],
                    KIND["enum64"], KIND["datasec"]):
            return size_type
        if kind == KIND["ptr"]:
            return 8
        if kind == KIND["array"]:
            element, _, nelems = struct.unpack_from("<III", btf.types, data)
            return nelems * self.sizeof(element)
        raise BtfError(f"{self.origin}: {KINDS[kind]} {self.name(type_id)!r} has no size")

    def members(self, type_ref: int | str) -> list[Member]:
        type_id = self.resolve(self.find(type_ref) if isinstance(type_ref, str) else type_ref)
        btf, (kind, vlen, kflag, _, _, data) = self._row(type_id)
        if kind not in (KIND["struct"], KIND["union"]):
            raise BtfError(f"{self.origin}: type {self.name(type_id)!r} is a {KINDS[kind]}, "
                           f"not a struct or union")
        out = []
        for i in range(vlen):
            name_off, member_type, offset = struct.unpack_from("<III", btf.types, data + 12 * i)
            bits, bit_offset = (offset >> 24, offset & 0xFFFFFF) if kflag else (0, offset)
            out.append(Member(self.string(name_off), member_type, bit_offset, bits))
        return out

    def enum_value(self, enum: str, name: str) -> int:
        """The value of enumerator ``name`` of ``enum`` ("enum rpm_status" or a bare name)."""
        type_id = self.resolve(self.find(enum, ("enum", "enum64", "typedef")))
        btf, (kind, vlen, kflag, _, _, data) = self._row(type_id)
        if kind not in (KIND["enum"], KIND["enum64"]):
            raise BtfError(f"{self.origin}: {enum!r} is not an enum")
        step = 8 if kind == KIND["enum"] else 12
        for i in range(vlen):
            name_off, low = struct.unpack_from("<II", btf.types, data + step * i)
            if self.string(name_off) == name:
                value = low if kind == KIND["enum"] else low | struct.unpack_from(
                    "<I", btf.types, data + step * i + 8)[0] << 32
                bits = 32 if kind == KIND["enum"] else 64
                return value - (1 << bits) if kflag and value >> (bits - 1) else value
        raise BtfError(f"{self.origin}: {enum} has no enumerator {name!r}")

    def array(self, type_id: int) -> tuple[int, int] | None:
        """(element type, element count) if ``type_id`` is an array."""
        type_id = self.resolve(type_id)
        btf, (kind, _, _, _, _, data) = self._row(type_id)
        if kind != KIND["array"]:
            return None
        element, _, nelems = struct.unpack_from("<III", btf.types, data)
        return element, nelems

    def _member(self, type_id: int, name: str) -> Member | None:
        """A member by name, looking through anonymous struct/union members as C does."""
        for member in self.members(type_id):
            if member.name == name:
                return member
            if not member.name and self.kind(self.resolve(member.type_id)) in ("struct",
                                                                              "union"):
                inner = self._member(member.type_id, name)
                if inner is not None:
                    return Member(inner.name, inner.type_id,
                                  member.bit_offset + inner.bit_offset, inner.bitfield_size)
        return None

    def field(self, type_ref: int | str, path: str) -> Field:
        """The member at dotted ``path`` (``dev.of_node``, ``resource[1].start``)."""
        type_id = self.find(type_ref) if isinstance(type_ref, str) else type_ref
        bit_offset, bits = 0, 0
        for step in path.split("."):
            found = _STEP.fullmatch(step)
            if not found:
                raise BtfError(f"bad member path {path!r}")
            member = self._member(type_id, found.group(1))
            if member is None:
                raise BtfError(f"{self.origin}: {self.name(self.resolve(type_id)) or 'type'} "
                               f"has no member {found.group(1)!r} (in {path!r})")
            bit_offset += member.bit_offset
            bits, type_id = member.bitfield_size, member.type_id
            for index in re.findall(r"\[(\d+)\]", found.group(2)):
                shape = self.array(type_id)
                if shape is None or int(index) >= shape[1]:
                    raise BtfError(f"{self.origin}: {step} in {path!r}: not an array or index "
                                   f"out of bounds")
                type_id = shape[0]
                bit_offset += int(index) * self.sizeof(type_id) * 8
        size = 0 if bits else self._size_or_zero(type_id)
        return Field(path, bit_offset, bits, type_id, size)

    def _size_or_zero(self, type_id: int) -> int:
        try:
            return self.sizeof(type_id)
        except BtfError:
            return 0

    def offsetof(self, type_ref: int | str, path: str) -> int:
        return self.field(type_ref, path).offset


def module_btf(package: KernelPackage, module_path: Path) -> Btf:
    from kernels.modules import read_module

    return Btf.from_module(read_module(module_path), Btf.vmlinux(package), str(module_path))


@dataclass(frozen=True)
class Prototype:
    """A kernel function's C prototype from its BTF FUNC/FUNC_PROTO."""

    name: str
    returns: str
    params: tuple[tuple[str, str], ...]  # (name, type text)
    variadic: bool

    def __str__(self) -> str:
        args = [f"{t} {n}".rstrip() for n, t in self.params] + (["..."] if self.variadic else [])
        return f"{self.returns} {self.name}({', '.join(args) or 'void'})"


def prototype(btf: Btf, name: str) -> Prototype:
    """The prototype of function ``name`` (BtfError if BTF has no such function)."""
    func = btf.find(name, ("func",))
    proto = btf._row(func)[1][4]
    owner, (kind, vlen, _, _, returns, data) = btf._row(proto)
    params, variadic = [], False
    for i in range(vlen):
        name_off, type_id = struct.unpack_from("<II", owner.types, data + 8 * i)
        if type_id == 0 and i == vlen - 1:
            variadic = True
        else:
            params.append((btf.string(name_off), type_name(btf, type_id)))
    return Prototype(name, type_name(btf, returns), tuple(params), variadic)


def type_name(btf: Btf, type_id: int) -> str:
    """C text of a type, e.g. ``struct device *``, ``const char *``, ``u32``."""
    kind = btf.kind(type_id)
    if kind == "void":
        return "void"
    owner, row = btf._row(type_id)
    if kind == "ptr":
        return type_name(btf, row[4]) + " *"
    if kind in ("const", "volatile", "restrict"):
        inner = type_name(btf, row[4])
        return f"{inner} {kind}" if inner.endswith("*") else f"{kind} {inner}"
    if kind == "array":
        element, nelems = btf.array(type_id)
        return f"{type_name(btf, element)}[{nelems}]"
    if kind == "func_proto":
        return "function"
    name = btf.name(type_id) or "<anon>"
    return f"{kind} {name}" if kind in ("struct", "union", "enum", "fwd") else name
