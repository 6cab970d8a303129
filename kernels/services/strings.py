"""String and memory functions (lib/string.c, lib/kstrtox.c) and the sprintf family rendered by
kernels.format with the kernel's format specifiers."""

from __future__ import annotations

from kernels.errno import MASK64
from kernels.format import render
from kernels.services.convention import VarArgs
from kernels.services.kernel import Kernel

EINVAL, ERANGE, E2BIG = 22, 34, 7
DIGITS = b"0123456789abcdef"


def memset(kernel: Kernel, dst: int, value: int, size: int) -> int:
    if size:
        kernel.write(dst, bytes([value & 0xFF]) * size)
    return dst


def memcpy(kernel: Kernel, dst: int, src: int, size: int) -> int:
    if size:
        kernel.write(dst, kernel.read(src, size))
    return dst


def memcmp(kernel: Kernel, a: int, b: int, size: int) -> int:
    for x, y in zip(kernel.read(a, size), kernel.read(b, size)):
        if x != y:
            return (x - y) & MASK64
    return 0


def strlen(kernel: Kernel, s: int) -> int:
    return len(kernel.cstring(s, 1 << 20))


def strnlen(kernel: Kernel, s: int, limit: int) -> int:
    return len(kernel.cstring(s, limit))


def _compare(a: bytes, b: bytes) -> int:
    return 0 if a == b else (1 if a > b else MASK64)  # lib/string.c returns -1 / 1


def strcmp(kernel: Kernel, a: int, b: int) -> int:
    return _compare(kernel.cstring(a, 1 << 20), kernel.cstring(b, 1 << 20))


def strncmp(kernel: Kernel, a: int, b: int, count: int) -> int:
    return _compare(kernel.cstring(a, count), kernel.cstring(b, count))


def strcpy(kernel: Kernel, dst: int, src: int) -> int:
    kernel.write(dst, kernel.cstring(src, 1 << 20) + b"\0")
    return dst


def strncpy(kernel: Kernel, dst: int, src: int, count: int) -> int:
    if count:
        kernel.write(dst, kernel.cstring(src, count).ljust(count, b"\0"))
    return dst


def strscpy(kernel: Kernel, dst: int, src: int, size: int) -> int:
    """Copy with NUL termination; the length copied, or -E2BIG if ``src`` was truncated."""
    if size == 0 or size > 1 << 31:
        return -E2BIG & MASK64
    text = kernel.cstring(src, size)
    if len(text) == size:
        kernel.write(dst, text[:size - 1] + b"\0")
        return -E2BIG & MASK64
    kernel.write(dst, text + b"\0")
    return len(text)


def strchr(kernel: Kernel, s: int, c: int) -> int:
    text = kernel.cstring(s, 1 << 20) + b"\0"
    at = text.find(bytes([c & 0xFF]))
    return s + at if at >= 0 else 0


def strrchr(kernel: Kernel, s: int, c: int) -> int:
    text = kernel.cstring(s, 1 << 20) + b"\0"
    at = text.rfind(bytes([c & 0xFF]))
    return s + at if at >= 0 else 0


# --- sprintf family ---------------------------------------------------------------------------

def _emit(kernel: Kernel, buf: int, size: int, text: bytes) -> None:
    if size:
        kernel.write(buf, text[:size - 1] + b"\0")


def _format(kernel: Kernel, fmt: int, args) -> bytes:
    return render(kernel.cstring(fmt, 1 << 16), args, kernel).encode("latin-1")


def sprintf(kernel: Kernel, buf: int, fmt: int, varargs: VarArgs) -> int:
    text = _format(kernel, fmt, varargs)
    kernel.write(buf, text + b"\0")
    return len(text)


def snprintf(kernel: Kernel, buf: int, size: int, fmt: int, varargs: VarArgs) -> int:
    text = _format(kernel, fmt, varargs)
    _emit(kernel, buf, size, text)
    return len(text)  # the length it would have had


def scnprintf(kernel: Kernel, buf: int, size: int, fmt: int, varargs: VarArgs) -> int:
    text = _format(kernel, fmt, varargs)
    _emit(kernel, buf, size, text)
    return min(len(text), size - 1) if size else 0  # what was written


def vsnprintf(kernel: Kernel, buf: int, size: int, fmt: int, va: int) -> int:
    text = _format(kernel, fmt, kernel.va_list(va))
    _emit(kernel, buf, size, text)
    return len(text)


def vscnprintf(kernel: Kernel, buf: int, size: int, fmt: int, va: int) -> int:
    text = _format(kernel, fmt, kernel.va_list(va))
    _emit(kernel, buf, size, text)
    return min(len(text), size - 1) if size else 0


def vsprintf(kernel: Kernel, buf: int, fmt: int, va: int) -> int:
    text = _format(kernel, fmt, kernel.va_list(va))
    kernel.write(buf, text + b"\0")
    return len(text)


# --- kstrto* (lib/kstrtox.c) -----------------------------------------------------------------

def parse_integer(text: bytes, base: int, signed: bool, bits: int) -> int | None:
    """The value kstrto* stores, or None for -EINVAL; raises OverflowError for -ERANGE."""
    negative = False
    if text[:1] == b"+":
        text = text[1:]
    elif text[:1] == b"-" and signed:
        negative, text = True, text[1:]
    if text.endswith(b"\n"):
        text = text[:-1]
    lower = text.lower()
    if base == 0:
        base = 16 if lower.startswith(b"0x") and len(text) > 2 else 8 if \
            lower.startswith(b"0") and len(text) > 1 else 10
    if base == 16 and lower.startswith(b"0x"):
        lower = lower[2:]
    if not lower or not 2 <= base <= 16:
        return None
    if not all(ch in DIGITS[:base] for ch in lower):  # int() would accept '_', ' ', 0o
        return None
    value = int(lower, base)
    if value >> 64:
        raise OverflowError
    if signed:
        value = -value if negative else value
        if not -(1 << (bits - 1)) <= value < 1 << (bits - 1):
            raise OverflowError
        return value & ((1 << bits) - 1)
    if value >> bits:
        raise OverflowError
    return value


def _kstrto(kernel: Kernel, s: int, base: int, res: int, signed: bool, bits: int) -> int:
    try:
        value = parse_integer(kernel.cstring(s, 256), base, signed, bits)
    except OverflowError:
        return -ERANGE & MASK64
    if value is None:
        return -EINVAL & MASK64
    kernel.write(res, value.to_bytes(max(bits // 8, 1), "little"))
    return 0


def kstrtoint(kernel: Kernel, s: int, base: int, res: int) -> int:
    return _kstrto(kernel, s, base, res, True, 32)


def kstrtouint(kernel: Kernel, s: int, base: int, res: int) -> int:
    return _kstrto(kernel, s, base, res, False, 32)


def kstrtoll(kernel: Kernel, s: int, base: int, res: int) -> int:
    return _kstrto(kernel, s, base, res, True, 64)


def kstrtoull(kernel: Kernel, s: int, base: int, res: int) -> int:
    return _kstrto(kernel, s, base, res, False, 64)


def kstrtou16(kernel: Kernel, s: int, base: int, res: int) -> int:
    return _kstrto(kernel, s, base, res, False, 16)


def kstrtou8(kernel: Kernel, s: int, base: int, res: int) -> int:
    return _kstrto(kernel, s, base, res, False, 8)


def kstrtos16(kernel: Kernel, s: int, base: int, res: int) -> int:
    return _kstrto(kernel, s, base, res, True, 16)


def kstrtos8(kernel: Kernel, s: int, base: int, res: int) -> int:
    return _kstrto(kernel, s, base, res, True, 8)


def kstrtobool(kernel: Kernel, s: int, res: int) -> int:
    text = kernel.cstring(s, 3).lower() if s else b""
    value = {b"y": 1, b"1": 1, b"n": 0, b"0": 0}.get(text[:1])
    if value is None and text[:1] == b"o":
        value = {b"n": 1, b"f": 0}.get(text[1:2])
    if value is None:
        return -EINVAL & MASK64
    kernel.write(res, bytes([value]))
    return 0


FUNCTIONS = {
    "memset": memset, "memcpy": memcpy, "memmove": memcpy, "__memcpy": memcpy,
    "__memset": memset, "__memmove": memcpy, "memcmp": memcmp, "strlen": strlen,
    "strnlen": strnlen, "strcmp": strcmp, "strncmp": strncmp, "strcpy": strcpy,
    "strncpy": strncpy, "strscpy": strscpy, "strchr": strchr, "strrchr": strrchr,
    "sprintf": sprintf, "snprintf": snprintf, "scnprintf": scnprintf, "vsnprintf": vsnprintf,
    "vscnprintf": vscnprintf, "vsprintf": vsprintf,
    "kstrtoint": kstrtoint, "kstrtouint": kstrtouint, "kstrtoll": kstrtoll, "_kstrtol": kstrtoll,
    "kstrtoull": kstrtoull, "_kstrtoul": kstrtoull, "kstrtou16": kstrtou16, "kstrtou8": kstrtou8,
    "kstrtos16": kstrtos16, "kstrtos8": kstrtos8, "kstrtobool": kstrtobool,
}
