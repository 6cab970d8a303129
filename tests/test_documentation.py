"""Every command and flag of ``hwemu`` is documented in README.md or the docs it links to."""

import argparse
from pathlib import Path

from emulator.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]


def _walk(parser: argparse.ArgumentParser, path: tuple[str, ...]):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield path + (name,), None
                yield from _walk(sub, path + (name,))
        elif action.option_strings and action.dest != "help":
            yield path, max(action.option_strings, key=len)


def test_every_command_and_flag_is_documented():
    text = (ROOT / "README.md").read_text() + "".join(
        p.read_text() for p in sorted((ROOT / "docs").glob("*.md")))
    missing = []
    for path, flag in _walk(build_parser(), ()):
        if flag is None:
            if f"hwemu {' '.join(path)}" not in text and f"{path[-1]}" not in text:
                missing.append(" ".join(path))
        elif flag not in text:
            missing.append(f"{' '.join(path)} {flag}")
    assert not missing, "undocumented: " + ", ".join(missing)
