"""The bundled cross toolchain: where it links guest programs."""

from pathlib import Path

import pytest

from emulator import layout
from emulator.loader import load_elf
from emulator.toolchain import compile_c

EXAMPLES = Path(__file__).parents[2] / "emulator" / "examples"
# the ARMv7-M default memory map's execute-never regions below the M core's system space
EXECUTE_NEVER = ((0x40000000, 0x60000000), (0xA0000000, 0xE0000000))


@pytest.mark.parametrize("relocatable", [False, True])
def test_guest_images_lie_in_execute_never_space(relocatable):
    """The M core never runs guest code, and its stores to executable pages are slow: images
    (programs and relocatable objects alike) sit where the M core cannot execute."""
    image = load_elf(compile_c([EXAMPLES / "crc32.c"], "aarch64", "-O2",
                               relocatable=relocatable))
    assert image.segments and any(seg.writable and seg.memsz for seg in image.segments)
    for seg in image.segments:
        assert any(lo <= seg.vaddr and seg.vaddr + seg.memsz <= hi for lo, hi in EXECUTE_NEVER)
    assert min(seg.vaddr for seg in image.segments) == layout.IMAGE_BASE
