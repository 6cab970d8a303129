"""``hwemu drivers fetch``: the real Debian package, its manifest, offline use, clean errors."""

import json
import os
import re
import subprocess
import sys

import pytest

from kernels.cache import linux_dir, load_package
from kernels.errors import CacheMissing
from kernels.fetch import UNSIGNED, Apt, choose_package
from kernels.modules import module_paths


def hwemu(*args, env=None):
    return subprocess.run([sys.executable, "-m", "emulator.cli", *args], capture_output=True,
                          text=True, env={**os.environ, **(env or {})})


def test_package_is_unpacked_with_its_release(kernel_package):
    pkg = kernel_package
    assert UNSIGNED.match(pkg.package) and pkg.release == UNSIGNED.match(pkg.package).group(1) \
        + "-arm64"
    assert pkg.image.is_file() and pkg.image.read_bytes()[56:60] == b"ARM\x64"
    assert (pkg.root / "boot" / f"System.map-{pkg.release}").is_file()
    assert len(module_paths(pkg)) > 1000
    manifest = json.loads((linux_dir() / "manifest.json").read_text())
    assert manifest["release"] == pkg.release and manifest["download_bytes"] > 10 << 20


def test_choice_follows_the_archive_offline(kernel_package):
    """The private apt state in the cache answers offline and picks the same package."""
    assert choose_package(Apt(linux_dir() / "apt")) == kernel_package.package


def test_later_commands_load_the_cache(kernel_package):
    assert load_package() == kernel_package


def test_missing_cache_gives_the_fetch_hint(tmp_path):
    with pytest.raises(CacheMissing, match=r"no kernel package in .*: run `hwemu drivers "
                                           r"fetch` first$"):
        load_package(tmp_path)


def test_network_failure_is_one_line(tmp_path):
    result = hwemu("drivers", "fetch", "--cache", str(tmp_path),
                   env={"http_proxy": "http://127.0.0.1:9"})
    assert result.returncode == 1
    assert re.fullmatch(r"hwemu: error: apt-get update failed: .*127\.0\.0\.1.*\n",
                        result.stderr)
    assert not (tmp_path / "linux" / "manifest.json").exists()
