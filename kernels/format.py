"""The kernel's printf (lib/vsprintf.c semantics) over guest memory: flags, width, precision,
length modifiers, and the ``%p`` extensions drivers use (x, K, S/s/B, e, a/ad/ap, R/r, V, h,
OF).  Where the kernel differs from C it follows the kernel: ``%#x`` of 0 is ``0x0``, ``%.0d``
of 0 is ``0``, zero padding is kept with a precision; plain ``%p`` prints ``(____ptrval____)``,
as the kernel does before its pointer-hashing key is ready (deterministic in both machines)."""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from typing import Protocol

from kernels.errno import ERRNO_NAMES, MAX_ERRNO

SPEC = re.compile(rb"%([-+ #0]*)(\*|\d+)?(?:\.(\*|\d*))?(hh|h|ll|l|L|q|Z|z|t|j)?(.)", re.S)
PTRVAL = "(____ptrval____)"
BITS = {b"hh": 8, b"h": 16, None: 32}  # every other length modifier is 64-bit on arm64
PAGE = 4096
# struct resource flags (include/linux/ioport.h)
IORESOURCE_TYPES = {0x100: "io", 0x200: "mem", 0x400: "irq", 0x800: "dma", 0x1000: "bus"}
IORESOURCE_DECODED = ((0x00100000, " 64bit"), (0x2000, " pref"), (0x00200000, " window"),
                      (0x10000000, " disabled"))


class Args(Protocol):
    def next(self) -> int: ...


class Guest(Protocol):
    """What rendering needs from the emulated kernel."""

    def read(self, addr: int, size: int) -> bytes: ...

    def cstring(self, addr: int, limit: int = 4096) -> bytes: ...

    def symbol(self, addr: int) -> tuple[str, int, int] | None: ...  # name, offset, size

    def offset(self, type_name: str, path: str) -> int: ...  # BTF member offset

    def va_list(self, addr: int) -> Args: ...


@dataclass(frozen=True)
class Spec:
    flags: str
    width: int | None
    precision: int | None

    @property
    def left(self) -> bool:
        return "-" in self.flags


def _pad(text: str, spec: Spec) -> str:
    if spec.width is None or len(text) >= spec.width:
        return text
    return text.ljust(spec.width) if spec.left else text.rjust(spec.width)


def number(value: int, base: int, spec: Spec, signed: bool, upper: bool = False) -> str:
    """lib/vsprintf.c number(): sign, prefix, zero/space padding, precision."""
    sign = ""
    if signed and value < 0:
        sign, value = "-", -value
    elif signed and "+" in spec.flags:
        sign = "+"
    elif signed and " " in spec.flags:
        sign = " "
    digits = {8: f"{value:o}", 10: f"{value:d}", 16: f"{value:X}" if upper else f"{value:x}"
              }[base]
    prefix = ""
    if "#" in spec.flags and base != 10:
        prefix = "0" if base == 8 else ("0X" if upper else "0x")
    precision = max(spec.precision or 0, len(digits))
    width = (spec.width or 0) - precision - len(sign) - len(prefix)
    zeropad = "0" in spec.flags and not spec.left
    out = " " * width if width > 0 and not zeropad and not spec.left else ""
    out += sign + prefix
    if zeropad and width > 0:
        out += "0" * width
    out += "0" * (precision - len(digits)) + digits
    if spec.left and width > 0:
        out += " " * width
    return out


def _string(guest: Guest, addr: int, spec: Spec) -> str:
    if addr < PAGE:
        text = "(null)"
    else:
        limit = spec.precision if spec.precision is not None else 1 << 16
        try:
            text = guest.cstring(addr, limit).decode("latin-1")
        except Exception:  # noqa: BLE001 - an unmapped pointer prints as the kernel's marker
            text = "(efault)"
    if spec.precision is not None:
        text = text[:spec.precision]
    return _pad(text, spec)


def render(fmt: bytes, args: Args, guest: Guest) -> str:
    """Render kernel format string ``fmt`` taking integer arguments from ``args``."""
    out: list[str] = []
    pos = 0
    while (found := SPEC.search(fmt, pos)) is not None:
        out.append(fmt[pos:found.start()].decode("latin-1"))
        pos = found.end()
        flags, width, precision, length, conv = found.groups()
        if conv == b"%":
            out.append("%")
            continue
        width_value = None
        if width == b"*":
            width_value = _signed(args.next(), 32)
            if width_value < 0:
                flags, width_value = flags + b"-", -width_value
        elif width:
            width_value = int(width)
        precision_value = None
        if precision == b"*":
            precision_value = max(_signed(args.next(), 32), 0)
        elif precision is not None:
            precision_value = int(precision or b"0")
        spec = Spec(flags.decode(), width_value, precision_value)
        c = conv.decode("latin-1")
        if c in "di":
            out.append(number(_signed(args.next(), BITS.get(length, 64)), 10, spec, True))
        elif c in "uxXo":
            bits = BITS.get(length, 64)
            value = args.next() & ((1 << bits) - 1)
            out.append(number(value, {"u": 10, "o": 8}.get(c, 16), spec, False, c == "X"))
        elif c == "c":
            out.append(_pad(chr(args.next() & 0xFF), spec))
        elif c == "s":
            out.append(_string(guest, args.next(), spec))
        elif c == "p":
            ext = re.match(rb"[A-Za-z0-9]*", fmt[pos:]).group(0)
            out.append(pointer(ext, args.next(), spec, guest))
            pos += len(ext)  # like the kernel, skip every alphanumeric after %p
        elif c == "n":
            args.next()  # the kernel ignores %n (and warns)
        else:  # the kernel prints an unknown conversion's text as is
            out.append(found.group(0).decode("latin-1"))
    out.append(fmt[pos:].decode("latin-1"))
    return "".join(out)


def _signed(value: int, bits: int) -> int:
    value &= (1 << bits) - 1
    return value - (1 << bits) if value >> (bits - 1) else value


def pointer(ext: bytes, ptr: int, spec: Spec, guest: Guest) -> str:
    """Render one ``%p<ext>`` (unknown extensions print as plain ``%p``, as in the kernel)."""
    ptr &= (1 << 64) - 1
    head = ext[:1]
    if head == b"x":
        return number(ptr, 16, Spec("0", spec.width or 16, None), False)
    if head in (b"S", b"s", b"B"):
        found = guest.symbol(ptr)
        if found is None:
            return "0x" + number(ptr, 16, Spec("", None, None), False)
        name, offset, size = found
        return name if head == b"s" else f"{name}+0x{offset:x}/0x{size:x}"
    if head == b"e" and ptr >= (1 << 64) - MAX_ERRNO:
        errno = (1 << 64) - ptr
        return f"-{ERRNO_NAMES[errno]}" if errno in ERRNO_NAMES else f"-{errno}"
    if head == b"a":
        if ptr < PAGE:
            return "(null)"
        value = struct.unpack("<Q", guest.read(ptr, 8))[0]
        return f"0x{value:016x}"
    if head in (b"R", b"r"):
        return _resource(ptr, head == b"R", guest) if ptr >= PAGE else "(null)"
    if head == b"V":
        fmt_ptr = struct.unpack("<Q", guest.read(ptr, 8))[0]
        va_ptr = struct.unpack("<Q", guest.read(ptr + 8, 8))[0]
        return render(guest.cstring(fmt_ptr, 1 << 16), guest.va_list(va_ptr), guest)
    if head == b"h":
        sep = {b"C": ":", b"D": "-", b"N": ""}.get(ext[1:2], " ")
        count = min(spec.width if spec.width is not None else 1, 64)
        data = guest.read(ptr, count) if ptr >= PAGE else b""
        return sep.join(f"{b:02x}" for b in data)
    if ext.startswith(b"OF"):
        return _of_node(ptr, ext[2:3], guest)
    return _pad(PTRVAL, spec)  # plain %p, %pK and extensions not emulated


def _resource(ptr: int, decoded: bool, guest: Guest) -> str:
    start, end = struct.unpack("<QQ", guest.read(ptr + guest.offset("resource", "start"), 16))
    flags = struct.unpack("<Q", guest.read(ptr + guest.offset("resource", "flags"), 8))[0]
    kind = IORESOURCE_TYPES.get(flags & 0x1F00, "??")
    digits = 4 if kind == "io" else 8
    text = f"[{kind} 0x{start:0{digits}x}-0x{end:0{digits}x}"
    if decoded:
        text += "".join(name for bit, name in IORESOURCE_DECODED if flags & bit)
    else:
        text += f" flags 0x{flags:x}"
    return text + "]"


def _of_node(ptr: int, how: bytes, guest: Guest) -> str:
    if ptr < PAGE:
        return "(null)"
    name_at, parent_at = (guest.offset("device_node", "full_name"),
                          guest.offset("device_node", "parent"))
    parts = []
    node = ptr
    while node >= PAGE and len(parts) < 64:
        name = guest.cstring(struct.unpack("<Q", guest.read(node + name_at, 8))[0]).decode()
        parts.append(name)
        node = struct.unpack("<Q", guest.read(node + parent_at, 8))[0]
    if how == b"n":
        return parts[0].split("@")[0]
    if how == b"f" or not how:
        path = "/".join(reversed([p for p in parts if p and p != "/"]))
        return "/" + path
    return parts[0]
