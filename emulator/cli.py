"""The ``hwemu`` command: a thin layer over the packages' Python APIs.

Each command group lives in its own module exposing ``register(subparsers)``; this module only
builds the parser, runs the chosen command and turns :class:`HwemuError` into one line on stderr.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from isa.errors import HwemuError

# Every command group; each module registers its own sub-commands.
COMMAND_MODULES = (
    "emulator.commands.run",
    "emulator.commands.disasm",
    "emulator.commands.demo",
    "emulator.commands.trace",
    "memory.cli",
    "memory.stream_cli",
    "video.cli",
    "kernels.cli",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hwemu", description=__doc__.splitlines()[0])
    parser.add_argument("--debug", action="store_true", help="show tracebacks for errors")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name is None or not name.startswith(exc.name):  # a real import failure
                raise
            continue
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except HwemuError as exc:
        if args.debug:
            raise
        print(f"hwemu: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("hwemu: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 141
    except Exception as exc:  # noqa: BLE001 - a bug: still one line unless --debug
        if args.debug:
            raise
        print(f"hwemu: internal error: {type(exc).__name__}: {exc} (--debug shows where)",
              file=sys.stderr)
        return 70


if __name__ == "__main__":
    sys.exit(main())
