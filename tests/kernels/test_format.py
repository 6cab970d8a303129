"""The kernel format renderer: differential against the host C library's snprintf wherever the
kernel's vsprintf agrees with C, and the kernel's own rules where it does not."""

import ctypes
import ctypes.util

from hypothesis import given, settings
from hypothesis import strategies as st

from kernels.format import render
from kernels.services.printk import split_level

LIBC = ctypes.CDLL(ctypes.util.find_library("c"))


class Values:
    """Integer arguments in order, as VarArgs hands them out."""

    def __init__(self, *values: int):
        self.values = list(values)

    def next(self) -> int:
        return self.values.pop(0)


def libc(fmt: bytes, *values: int) -> bytes:
    buf = ctypes.create_string_buffer(256)
    LIBC.snprintf(buf, 256, fmt, *[ctypes.c_ulonglong(v) for v in values])
    return buf.value


@st.composite
def integer_spec(draw):
    conv = draw(st.sampled_from("diuxXo"))
    flags = "".join(sorted(draw(st.sets(st.sampled_from("-+ 0#")))))
    width = draw(st.one_of(st.none(), st.integers(0, 24)))
    precision = draw(st.one_of(st.none(), st.integers(0, 24)))
    length = draw(st.sampled_from(["", "hh", "h", "l", "ll", "z", "j", "t"]))
    value = draw(st.one_of(st.integers(0, 2**64 - 1), st.integers(0, 300),
                           st.integers(2**64 - 300, 2**64 - 1)))
    # where the kernel departs from C (lib/vsprintf.c number()), tested separately below
    if precision is not None:
        flags = flags.replace("0", "")
    if "#" in flags and (conv in "dius" or conv == "o" and precision is not None):
        flags = flags.replace("#", "")
    bits = {"hh": 8, "h": 16}.get(length, 64 if length else 32)
    if value % (1 << bits) == 0 and ("#" in flags or precision == 0):
        value += 1  # the value the length modifier leaves must not be 0 either
    fmt = "%" + flags + ("" if width is None else str(width)) + \
        ("" if precision is None else f".{precision}") + length + conv
    return fmt.encode(), value


@settings(max_examples=400, deadline=None)
@given(integer_spec())
def test_integers_match_libc(case):
    fmt, value = case
    assert render(b"<" + fmt + b">", Values(value), None).encode() == libc(b"<" + fmt + b">",
                                                                           value)


def test_star_width_and_precision_match_libc():
    for fmt, values in ((b"%*d|%-*d", (6, 42, 6, 42)), (b"%.*x", (5, 0xAB)),
                        (b"%*d", (2**32 - 6, 42))):  # a negative * width left-justifies
        assert render(fmt, Values(*values), None).encode() == libc(fmt, *values)


def test_kernel_departures_from_c():
    assert render(b"%#x|%#o|%.0d", Values(0, 0, 0), None) == "0x0|00|0"
    assert render(b"%08.3d", Values(5), None) == "00000005"
    assert render(b"%c%c%%", Values(ord("o"), ord("k")), None) == "ok%"
    assert render(b"%q", Values(), None) == "%q"


def test_levels():
    assert split_level(b"\x013hello") == (3, b"hello")
    assert split_level(b"\x01cmore") == (4, b"more")
    assert split_level(b"plain") == (4, b"plain")
