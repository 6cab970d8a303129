"""``hwemu drivers``: fetch the Debian arm64 kernel package, audit its modules' kernel-service
needs.  Heavy modules are imported inside the command functions so ``hwemu --help`` stays fast."""

from __future__ import annotations

import argparse
import json
import sys


def register(subparsers) -> None:
    drivers = subparsers.add_parser("drivers", help="real Linux arm64 driver modules")
    sub = drivers.add_subparsers(dest="drivers_command", metavar="SUBCOMMAND", required=True)

    fetch = sub.add_parser("fetch", help="download and unpack the current Debian "
                                         "linux-image-*-arm64-unsigned package")
    fetch.add_argument("--cache", help="cache directory (default $HWEMU_CACHE or ~/.cache/hwemu)")
    fetch.add_argument("--json", action="store_true", help="print the manifest as JSON")
    fetch.set_defaults(func=_fetch)

    audit = sub.add_parser("audit", help="undefined symbols of modules and which are emulated")
    audit.add_argument("names", nargs="*", metavar="NAME",
                       help="modules (default: the target driver suite)")
    audit.add_argument("--all", action="store_true", help="every module of the package")
    audit.add_argument("--cache", help="cache directory")
    audit.add_argument("--json", action="store_true", help="machine-readable report")
    audit.set_defaults(func=_audit)


def _fetch(args: argparse.Namespace) -> int:
    from kernels.fetch import timed_fetch, tree_size

    record, seconds = timed_fetch(args.cache)
    size = tree_size(record.root)
    if args.json:
        print(json.dumps({"release": record.release, "package": record.package,
                          "version": record.version, "path": str(record.root),
                          "download_bytes": record.download_bytes, "unpacked_bytes": size,
                          "seconds": round(seconds, 2)}, indent=2))
    else:
        print(f"{record.package} {record.version}: kernel {record.release} in {record.root} "
              f"({record.download_bytes / 2**20:.1f} MiB download, {size / 2**20:.0f} MiB "
              f"unpacked, {seconds:.1f} s)")
    return 0


def _audit(args: argparse.Namespace) -> int:
    from kernels.audit import audit, format_audit

    report = audit(args.names, cache=args.cache, every_module=args.all)
    if args.json:
        json.dump(report.to_json(), sys.stdout, indent=2)
        print()
    else:
        print(format_audit(report))
    return 0
