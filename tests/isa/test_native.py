"""The mypyc-compiled translator: used only while it matches its sources, and translating exactly
as the sources do."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from emulator.toolchain import compile_c
from isa import native
from tests.emulator.a64_gen import CLASSES

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "emulator" / "corpus"


def _tree(root: Path) -> None:
    """A source tree with one module in each compiled package (and an __init__ left out)."""
    for package in native.PACKAGES:
        (root / package).mkdir(parents=True)
        (root / package / "__init__.py").write_text("")
        (root / package / "mod.py").write_text("X = 1\n")


def _manifest(root: Path, build: Path, **fields) -> None:
    build.mkdir(parents=True, exist_ok=True)
    manifest = {"cache_tag": sys.implementation.cache_tag, "sources": native.digests(root)}
    (build / "manifest.json").write_text(json.dumps(manifest | fields))


def test_status_follows_the_sources(tmp_path, monkeypatch):
    monkeypatch.delenv(native.PURE_ENV, raising=False)
    root, build = tmp_path / "src", tmp_path / "build"
    _tree(root)
    assert native.status(root, build) == "absent"
    assert sorted(native.digests(root)) == [f"{p}/mod.py" for p in sorted(native.PACKAGES)]
    _manifest(root, build)
    assert native.status(root, build) == "compiled"
    (root / "isa/thumb2/mod.py").write_text("X = 2\n")  # an edit after the build
    assert native.status(root, build) == "stale"
    _manifest(root, build)
    (root / "emulator/translator/new.py").write_text("")  # a module added after the build
    assert native.status(root, build) == "stale"
    _manifest(root, build, cache_tag="cpython-399")  # built by another Python
    assert native.status(root, build) == "absent"
    (build / "manifest.json").write_text("{not json")
    assert native.status(root, build) == "absent"
    monkeypatch.setenv(native.PURE_ENV, "1")
    _manifest(root, build)
    assert native.status(root, build) == "disabled"


def test_a_stale_build_is_not_used_and_says_so(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv(native.PURE_ENV, raising=False)
    root, build = tmp_path / "src", tmp_path / "build"
    _tree(root)
    _manifest(root, build)
    (root / "isa/a64/mod.py").write_text("X = 3\n")
    finders = list(sys.meta_path)
    assert native.install(root, build) == "stale"
    assert sys.meta_path == finders
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "make native" in err


def test_build_without_python_headers_says_what_to_install(tmp_path, monkeypatch):
    root, build = tmp_path / "src", tmp_path / "build"
    _tree(root)
    monkeypatch.setattr(native.sysconfig, "get_paths", lambda: {"include": str(tmp_path)})
    with pytest.raises(SystemExit, match=r"no Python\.h in .*-dev"):
        native.build(root, build)
    assert not build.exists()


def _run(code: str, pure: bool) -> str:
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT,
                          env=native.child_environment(source=pure), capture_output=True,
                          text=True, check=True)
    return done.stdout


@pytest.fixture(scope="module")
def compiled():
    state = native.status()
    if state != "compiled":
        pytest.skip(f"the compiled translator is {state} (make native builds it, "
                    f"{native.PURE_ENV} disables it)")


def test_the_compiled_modules_are_the_ones_imported(compiled):
    code = "import emulator.translator.block as b, isa.thumb2.lines as l; print(b.__file__, " \
           "l.__file__)"
    files = _run(code, pure=False).split()
    assert all(Path(f).is_relative_to(native.BUILD) and f.endswith(".so") for f in files)
    assert all(f.endswith(".py") for f in _run(code, pure=True).split())


@pytest.mark.parametrize("name", ["bytecode_vm", "bignum", "muldiv64", "tokenize_eval"])
@pytest.mark.parametrize("opt", ["-O0", "-O2"])
def test_compiled_and_source_translations_are_identical(compiled, name, opt):
    elf = compile_c([CORPUS / f"{name}.c"], "aarch64", opt)
    code = f"from emulator.cli import main; main(['disasm', {str(elf)!r}])"
    translated = _run(code, pure=False)
    assert translated.count("OUT: [host") > 5
    assert translated == _run(code, pure=True)


def test_compiled_and_source_translate_every_instruction_class_identically(compiled):
    """Random snippets of every class the differential tests generate (atomics, exclusives and
    the rest that C programs seldom contain): identical host code both ways."""
    code = """
import hashlib, random
from tests.emulator.a64_gen import CLASSES, instruction
from emulator.api import load
from emulator.testing import CODE_BASE, assemble_a64, snippet_image
for cls in sorted(CLASSES):
    digest = hashlib.sha256()
    for seed in range(20):
        rng = random.Random(seed)
        words = assemble_a64("\\n".join(instruction(rng, cls) for _ in range(4)))
        digest.update(load(snippet_image(words), "translate").translate_at(CODE_BASE).code)
    print(cls, digest.hexdigest())
"""
    translated = _run(code, pure=False)
    assert len(translated.splitlines()) == len(CLASSES)
    assert translated == _run(code, pure=True)


def test_the_compiled_packages_type_check():
    """mypyc compiles only code mypy accepts: a type error here means `make native` fails and the
    translator silently runs from its (slower) sources."""
    pytest.importorskip("mypy", reason="mypy comes with the native extra")
    from mypy import api

    out, err, status = api.run(["--ignore-missing-imports", "--no-incremental",
                                *(str(path) for path in native.sources())])
    assert status == 0, out + err
