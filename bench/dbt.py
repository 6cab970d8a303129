"""DBT benchmark: translated (AArch64 -> Thumb-2 on the M core) against native Unicorn AArch64
on CPU-bound corpus programs, measured side by side in one run.

A corpus program's own work takes a millisecond or two, less than loading it, so each runs
enough rounds (hw_repeat: argv[1]) to spend ~0.1 s natively: that is the CPU-bound figure.  The
same programs run once (start-up bound: load, translation, first execution) are reported too.

Prints a table and, with --json, the figures: wall-clock speed relative to native, dynamic
code expansion (host instructions executed per guest instruction), translation throughput,
and the effect of chaining and of the code-cache size; --plot draws them in a PNG.  The
translator's cold start is timed twice: compiled (make native) and from its Python sources
(HWEMU_PURE_PYTHON=1).  Targets (issue 2): speed >= 0.30 of native, expansion <= 4.0 (goal
2.5), translation >= 50,000 guest instructions/s.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tqdm import tqdm  # noqa: E402

from emulator.api import run_program  # noqa: E402
from emulator.toolchain import compile_c  # noqa: E402
from isa import native  # noqa: E402
from isa.a64.decode import decode  # noqa: E402

CORPUS = ROOT / "tests" / "emulator" / "corpus"
EXAMPLES = ROOT / "emulator" / "examples"
# (source, argv): CPU-bound corpus programs with their rounds (~0.1 s natively each), and the
# bundled examples with their iteration counts.
ROUNDS = {"crc32": 900, "sort_quick": 75, "sieve": 130, "matmul": 1600, "hashes": 900, "bst": 65,
          "nqueens": 85, "bytecode_vm": 55, "prng": 450, "bignum": 130}
PROGRAMS = [(CORPUS / f"{name}.c", (str(rounds),)) for name, rounds in ROUNDS.items()]
PROGRAMS += [(EXAMPLES / "intmark.c", ("1800",)), (EXAMPLES / "crc32.c", ("5400",)),
             (EXAMPLES / "sort.c", ("700",))]
REPEATS = 3


def best(fn, repeats=REPEATS):
    """(min wall seconds, last result) over ``repeats`` runs."""
    times, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return min(times), result


def cold_translate_seconds(elf: Path, argv: tuple[str, ...], source: bool = False) -> float:
    """Translation seconds of a fresh `hwemu run` process: nothing decoded or encoded yet;
    ``source``: with the translator's Python sources rather than its compiled modules."""
    with tempfile.TemporaryDirectory() as tmp:
        stats = Path(tmp) / "stats.json"
        subprocess.run([sys.executable, "-m", "emulator.cli", "run", "--stats-json", str(stats),
                        str(elf), *argv], cwd=ROOT, env=native.child_environment(source),
                       stdout=subprocess.DEVNULL)  # no check: the status is the program's own
        return json.loads(stats.read_text())["translate_seconds"]


def never_decoded_translate_seconds(run) -> float:
    """Translation seconds of code new to the decoder, in a process that has encoded these
    instructions before."""
    decode.cache_clear()
    return run("translate").stats.translate_seconds


def measure(program: Path, argv: tuple[str, ...], repeats: int) -> dict:
    elf = compile_c([program], "aarch64", "-O2")
    run = lambda mode, **kw: run_program(elf, mode, argv=argv, **kw)  # noqa: E731
    cold_s = min(cold_translate_seconds(elf, argv) for _ in range(repeats))
    cold_source_s = min(cold_translate_seconds(elf, argv, source=True) for _ in range(repeats))
    once = lambda mode, **kw: run_program(elf, mode, **kw)  # noqa: E731  (one round)
    once_native_s, _ = best(lambda: once("native", account=False), repeats)
    once_translated_s, _ = best(lambda: once("translate"), repeats)
    fresh_decode_s = min(never_decoded_translate_seconds(run) for _ in range(repeats))
    native_s, native = best(lambda: run("native", account=False), repeats)
    accounted_s, _ = best(lambda: run("native"), 1)
    translated_s, tr = best(lambda: run("translate"), repeats)
    unchained_s, unchained = best(lambda: run("translate", chain=False), 1)
    assert tr.stdout == native.stdout == unchained.stdout, program.name
    s = tr.stats
    caches = {}
    for kb in (4, 16, 64):
        wall, res = best(lambda kb=kb: run("translate", code_cache_kb=kb), 1)
        caches[kb] = {"wall_s": wall, "cycles": res.stats.cycles,
                      "flushes": res.stats.cache_flushes,
                      "translate_s": res.stats.translate_seconds}
    return {
        "program": program.stem + (f" {' '.join(argv)}" if argv else ""),
        "guest_insns": s.guest_insns,
        "native_s": native_s,
        "native_accounted_s": accounted_s,
        "translated_s": translated_s,
        "speed_vs_native": native_s / translated_s,
        "once_native_s": once_native_s,
        "once_translated_s": once_translated_s,
        "once_speed_vs_native": once_native_s / once_translated_s,
        "expansion": s.host_insns / s.guest_insns,
        "m4_cycles": s.cycles,
        "translate_s": s.translate_seconds,
        "guest_insns_translated": s.guest_insns_translated,
        "cold_translate_s": cold_s,
        "cold_translate_source_s": cold_source_s,
        "fresh_decode_translate_s": fresh_decode_s,
        "unchained_s": unchained_s,
        "unchained_dispatcher_exits": unchained.stats.dispatcher_exits,
        "chained_dispatcher_exits": s.dispatcher_exits,
        "code_cache": caches,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    parser.add_argument("--plot", metavar="PATH", help="also draw the figures in a PNG")
    parser.add_argument("--repeats", type=int, default=REPEATS)
    args = parser.parse_args()
    programs = tqdm(PROGRAMS, desc="dbt bench", unit="program", disable=not sys.stderr.isatty())
    rows = [measure(p, argv, args.repeats) for p, argv in programs]
    guest = sum(r["guest_insns"] for r in rows)
    translated = sum(r["guest_insns_translated"] for r in rows)
    summary = {
        "translator": native.status(),  # "compiled" unless `make native` is missing or stale
        "speed_vs_native": sum(r["native_s"] for r in rows) / sum(r["translated_s"] for r in rows),
        "speed_vs_native_accounted": sum(r["native_accounted_s"] for r in rows)
        / sum(r["translated_s"] for r in rows),
        "speed_vs_native_median": sorted(r["speed_vs_native"] for r in rows)[len(rows) // 2],
        "speed_vs_native_min": min(r["speed_vs_native"] for r in rows),
        "once_speed_vs_native_median": sorted(r["once_speed_vs_native"]
                                              for r in rows)[len(rows) // 2],
        "expansion": sum(r["expansion"] * r["guest_insns"] for r in rows) / guest,
        "translate_insns_per_s": translated / sum(r["translate_s"] for r in rows),
        "cold_translate_insns_per_s": translated / sum(r["cold_translate_s"] for r in rows),
        "cold_translate_source_insns_per_s": translated
        / sum(r["cold_translate_source_s"] for r in rows),
        "compiled_speedup_cold": sum(r["cold_translate_source_s"] for r in rows)
        / sum(r["cold_translate_s"] for r in rows),
        "fresh_decode_translate_insns_per_s": translated
        / sum(r["fresh_decode_translate_s"] for r in rows),
        "chain_speedup": sum(r["unchained_s"] for r in rows) / sum(r["translated_s"] for r in rows),
    }
    print(f"{'program':18} {'guest':>9} {'native s':>9} {'transl s':>9} {'speed':>6} "
          f"{'once':>6} {'expand':>6} {'no-chain':>8} {'4K flush':>8} {'4K wall':>8}")
    for r in rows:
        c4, c64 = r["code_cache"][4], r["code_cache"][64]
        print(f"{r['program']:18} {r['guest_insns']:>9} {r['native_s']:>9.3f} "
              f"{r['translated_s']:>9.3f} {r['speed_vs_native']:>6.2f} "
              f"{r['once_speed_vs_native']:>6.2f} {r['expansion']:>6.2f} "
              f"{r['unchained_s'] / r['translated_s']:>7.2f}x {c4['flushes']:>8} "
              f"{c4['wall_s'] / c64['wall_s']:>7.2f}x")
    print(f"\nspeed vs native Unicorn AArch64 (total time): {summary['speed_vs_native']:.2f}, "
          f"median program {summary['speed_vs_native_median']:.2f}, slowest "
          f"{summary['speed_vs_native_min']:.2f}  (target >= 0.30)")
    print(f"run once (start-up bound: load + translation + first run), median program: "
          f"{summary['once_speed_vs_native_median']:.2f}")
    print(f"speed vs hwemu --mode native (A53 cycle accounting on): "
          f"{summary['speed_vs_native_accounted']:.2f}")
    print(f"dynamic code expansion:       {summary['expansion']:.2f}  (target <= 4.0, goal 2.5)")
    print(f"translation throughput:       {summary['translate_insns_per_s']:,.0f} guest insns/s"
          f" re-running a program (target >= 50,000); code never decoded before: "
          f"{summary['fresh_decode_translate_insns_per_s']:,.0f}/s; cold start (nothing decoded "
          f"or encoded yet, a fresh `hwemu run`): {summary['cold_translate_insns_per_s']:,.0f}/s")
    print(f"cold start with the translator's Python sources (HWEMU_PURE_PYTHON=1): "
          f"{summary['cold_translate_source_insns_per_s']:,.0f}/s; compiled (make native): "
          f"{summary['compiled_speedup_cold']:.2f}x that  [translator in this process: "
          f"{summary['translator']}]")
    print(f"--no-chain costs:             {summary['chain_speedup']:.2f}x wall time")
    print("modelled M4 cycles do not depend on chaining or the cache size (static per-block "
          "costs); the 4K columns show the flushes and wall time of a 4 KiB code cache")
    if args.json:
        tmp = Path(args.json).with_suffix(".tmp")  # a complete file or none
        tmp.write_text(json.dumps({"summary": summary, "programs": rows}, indent=1) + "\n")
        tmp.replace(args.json)
    if args.plot:
        plot(summary, rows, Path(args.plot))
    return 0


def plot(summary: dict, rows: list[dict], path: Path) -> None:
    """PNG: per program, speed against native (CPU-bound and run once), expansion, and the
    slowdown without chaining and with a 4 KiB code cache; the targets as lines."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [r["program"] for r in rows]
    x = range(len(rows))
    fig, (speed, expansion, costs) = plt.subplots(3, 1, figsize=(9, 10), sharex=True)
    speed.bar([k - 0.2 for k in x], [r["speed_vs_native"] for r in rows], 0.4,
              label=f"CPU-bound (total {summary['speed_vs_native']:.2f})")
    speed.bar([k + 0.2 for k in x], [r["once_speed_vs_native"] for r in rows], 0.4,
              label="run once (start-up bound)")
    speed.axhline(0.30, color="red", linestyle="--", label="target 0.30")
    speed.set_ylabel("speed vs native Unicorn AArch64")
    expansion.bar(x, [r["expansion"] for r in rows], 0.6,
                  label=f"expansion (set {summary['expansion']:.2f})")
    expansion.axhline(4.0, color="red", linestyle="--", label="target 4.0")
    expansion.axhline(2.5, color="green", linestyle=":", label="goal 2.5")
    expansion.set_ylabel("host insns per guest insn")
    costs.bar([k - 0.2 for k in x], [r["unchained_s"] / r["translated_s"] for r in rows], 0.4,
              label="--no-chain")
    costs.bar([k + 0.2 for k in x], [r["code_cache"][4]["wall_s"] / r["code_cache"][64]["wall_s"]
                                     for r in rows], 0.4, label="4 KiB code cache")
    costs.set_yscale("log")
    costs.set_ylabel("wall time vs default (x)")
    costs.set_xticks(list(x), names, rotation=40, ha="right", fontsize=8)
    for ax in (speed, expansion, costs):
        ax.grid(True, axis="y", alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(f"hwemu DBT: translation {summary['translate_insns_per_s']:,.0f} guest insns/s "
                 f"re-running, {summary['cold_translate_insns_per_s']:,.0f}/s cold start "
                 "(target 50,000)", fontsize=10)
    fig.tight_layout()
    tmp = path.with_suffix(".tmp.png")
    fig.savefig(tmp, dpi=100)
    plt.close(fig)
    tmp.replace(path)


if __name__ == "__main__":
    sys.exit(main())
