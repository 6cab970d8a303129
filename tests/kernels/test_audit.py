"""``hwemu drivers audit`` on the real package: symbols checked against pyelftools, resolution
through dependencies' __ksymtab, coverage by the service registry, and the CLI."""

import json
import os
import subprocess
import sys

import pytest
from elftools.elf.elffile import ELFFile

from kernels.audit import audit, format_audit
from kernels.errors import ModuleError
from kernels.services import REGISTRY
from kernels.suite import DEPENDENCIES, TARGETS


@pytest.fixture(scope="module")
def report(kernel_package):
    return audit()


def by_module(report):
    return {m.module: m for m in report.modules}


def test_default_audit_covers_the_suite(report):
    assert [m.module for m in report.modules] == list(TARGETS + DEPENDENCIES)


def test_undefined_symbols_match_pyelftools(report):
    for m in report.modules:
        with open(m.path, "rb") as f:
            symtab = ELFFile(f).get_section_by_name(".symtab")
            undefined = {s.name for s in symtab.iter_symbols() if s.name and
                         s["st_shndx"] == "SHN_UNDEF" and s["st_info"]["bind"] != "STB_LOCAL"}
        assert {n.name for n in m.needs} == undefined, m.module


def test_dependencies_resolve_through_ksymtab(report):
    modules = by_module(report)
    providers = {m: {n.name: n.provider for n in modules[m].needs} for m in modules}
    assert providers["m_can_platform"]["m_can_class_register"] == "module:m_can"
    assert {p for p in providers["m_can"].values() if p.startswith("module:")} == \
        {"module:can_dev"}
    assert providers["gpio-vibra"]["input_ff_create_memless"] == "module:ff_memless"
    assert providers["w1-gpio"]["w1_add_master_device"] == "module:wire"
    assert modules["m_can_platform"].depends == ("m_can", "can_dev")


def test_coverage_follows_the_registry(report):
    for m in report.modules:
        for need in m.needs:
            if need.provider.startswith(("service:", "data:")):
                assert REGISTRY.covers(need.name)
            elif need.provider == "missing":
                assert not REGISTRY.covers(need.name)
    sp805 = {n.name: n for n in by_module(report)["sp805_wdt"].needs}
    assert sp805["_dev_err"].use == "call"
    assert sp805["param_ops_bool"].use == "data"


def test_json_and_text_forms(report):
    data = report.to_json()
    assert data["summary"]["modules"] == 23 and data["release"] == report.release
    missing = {n.name for m in report.modules for n in m.missing}
    assert data["summary"]["missing"] == len(missing) <= data["summary"]["symbols"]
    text = format_audit(report)
    assert text.splitlines()[0] == f"kernel {report.release}: 23 modules"
    assert "sp805_wdt" in text and "most needed missing:" in text


def test_unknown_module_is_a_clean_error(kernel_package):
    with pytest.raises(ModuleError, match="no module named 'no_such_driver'"):
        audit(["no_such_driver"])


def test_cli(kernel_package):
    run = subprocess.run([sys.executable, "-m", "emulator.cli", "drivers", "audit", "w1-gpio",
                          "--json"], capture_output=True, text=True, env=os.environ)
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert [m["module"] for m in data["modules"]] == ["w1-gpio"]
    assert data["modules"][0]["from_modules"]["w1_add_master_device"] == "wire"
    bad = subprocess.run([sys.executable, "-m", "emulator.cli", "drivers", "audit", "nope"],
                         capture_output=True, text=True)
    assert bad.returncode == 1 and bad.stderr == \
        "hwemu: error: no module named 'nope' in the kernel package\n"
