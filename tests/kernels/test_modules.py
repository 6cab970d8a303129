"""The package's modules: relocation coverage over all of them, loading the suite and a sample
covering every relocation type, with calls bound to trap stubs."""

import struct
from collections import Counter

import pytest
from elftools.elf.elffile import ELFFile

from emulator.errors import LoaderError
from emulator.loader import load_elf
from emulator.relocations import RELOCATIONS
from isa.a64.disasm import disasm_one
from kernels.layout import DEFAULT_LAYOUT
from kernels.modules import ModuleElf, ModuleInfo, find_module, module_paths, read_module
from kernels.suite import DEPENDENCIES, TARGETS

NOP = 0xD503201F


@pytest.fixture(scope="module")
def index(kernel_package):
    return module_paths(kernel_package)


@pytest.fixture(scope="module")
def relocation_census(index):
    """Relocation type -> (count, modules using it, smallest module using it)."""
    counts, users, smallest = Counter(), Counter(), {}
    for name, path in index.items():
        types = ModuleElf(read_module(path), str(path)).relocation_types()
        counts.update(types)
        users.update(types.keys())
        for rtype in types:
            if rtype not in smallest or path.stat().st_size < index[smallest[rtype]].stat().st_size:
                smallest[rtype] = name
    return counts, users, smallest


def test_every_relocation_type_in_the_package_is_covered(relocation_census):
    counts, users, _ = relocation_census
    assert set(counts) <= set(RELOCATIONS), sorted(set(counts) - set(RELOCATIONS))
    assert counts[283] > 100_000 and users[283] > 1000  # CALL26 everywhere


def load_with_traps(path):
    traps: dict[str, int] = {}
    image = load_elf(path, lambda name: traps.setdefault(name, DEFAULT_LAYOUT.trap(len(traps))),
                     base=DEFAULT_LAYOUT.module_base)
    return image, traps


def test_sample_covering_every_type_loads(index, relocation_census):
    _, _, smallest = relocation_census
    for name in sorted(set(smallest.values())):
        image, traps = load_with_traps(index[name])
        assert image.relocatable and image.symbols and all(DEFAULT_LAYOUT.trap_base <= a
                                                           < DEFAULT_LAYOUT.trap_limit
                                                           for a in traps.values())


@pytest.mark.parametrize("name", TARGETS + DEPENDENCIES)
def test_calls_to_kernel_symbols_land_on_their_traps(index, name):
    """Every CALL26/JUMP26 against an undefined symbol decodes (Capstone) to that symbol's trap;
    ftrace's patchable function entries stay NOPs; .altinstructions are not applied."""
    path = find_module(index, name)
    image, traps = load_with_traps(path)
    elf = ELFFile(open(path, "rb"))
    symtab = elf.get_section_by_name(".symtab")
    placed = {}  # section index -> guest address, from functions the image reports
    names = Counter(sym.name for sym in symtab.iter_symbols())
    for sym in symtab.iter_symbols():
        found = image.symbols.get(sym.name)
        if sym["st_info"]["type"] == "STT_FUNC" and names[sym.name] == 1 and found:
            placed.setdefault(sym["st_shndx"], found.addr - sym["st_value"])
    checked = 0
    for sec in elf.iter_sections():
        if sec["sh_type"] != "SHT_RELA" or sec["sh_info"] not in placed:
            continue
        base = placed[sec["sh_info"]]
        for rel in sec.iter_relocations():
            sym = symtab.get_symbol(rel["r_info_sym"])
            if rel["r_info_type"] in (282, 283) and sym["st_shndx"] == "SHN_UNDEF":
                where = base + rel["r_offset"]
                word = struct.unpack_from("<I", image_bytes(image, where, 4))[0]
                assert disasm_one(word, where).endswith(f"#0x{traps[sym.name]:x}")
                checked += 1
    assert checked > 0
    entries = elf.get_section_by_name("__patchable_function_entries")
    sites = [site for seg in image.segments if seg.memsz == entries["sh_size"]
             for site in struct.unpack(f"<{seg.memsz // 8}Q", seg.data)
             if not seg.executable and all(any(s.executable and s.vaddr <= v < s.vaddr + s.memsz
                                               for s in image.segments)
                                           for v in struct.unpack(f"<{seg.memsz // 8}Q",
                                                                  seg.data))]
    assert sites and all(image_bytes(image, site, 8) == struct.pack("<II", NOP, NOP)
                         for site in sites)


def image_bytes(image, addr, size):
    seg = next(s for s in image.segments if s.vaddr <= addr < s.vaddr + s.memsz)
    return seg.data[addr - seg.vaddr:addr - seg.vaddr + size]


def test_suite_dependencies_are_declared_in_modinfo(index):
    assert ModuleInfo.read(find_module(index, "m_can_platform")).depends == ("m_can",)
    assert ModuleInfo.read(find_module(index, "gpio-vibra")).depends == ("ff_memless",)
    assert ModuleInfo.read(find_module(index, "w1-gpio")).depends == ("wire",)
    assert "m_can_class_register" in ModuleInfo.read(find_module(index, "m_can")).exports


def test_corrupted_module_is_a_clean_error(index, tmp_path):
    data = bytearray(read_module(find_module(index, "sp805_wdt")))
    struct.pack_into("<Q", data, 40, len(data) + 4096)  # section headers past the end
    bad = tmp_path / "bad.ko"
    bad.write_bytes(bytes(data))
    with pytest.raises(LoaderError, match="bad.ko: truncated or malformed ELF"):
        load_with_traps(bad)
    from kernels.errors import ModuleError
    with pytest.raises(ModuleError, match="bad.ko: truncated or malformed ELF"):
        ModuleElf(bytes(data), str(bad))
