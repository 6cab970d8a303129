"""Driver-suite benchmark (issue 3): every target module through init, probe, suspend, resume,
remove and exit in the native AArch64 machine (A53 model) and the translated M-core machine,
side by side in one run, traces compared access by access.

Prints wall time per machine, translation time, code-cache use, and the modeled M4/A53 latency
and energy of suspend and resume; --json writes every figure.  Target (issue 3): the full suite
in both modes in under 60 s on the 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from isa.errors import HwemuError  # noqa: E402
from kernels.btf import Btf  # noqa: E402
from kernels.cache import load_package  # noqa: E402
from kernels.runner import report, run_module  # noqa: E402
from kernels.suite import TARGETS  # noqa: E402


def timed(fn):
    started = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="modules (default: the 20 targets)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    package = load_package()
    btf = Btf.vmlinux(package)
    rows = []
    suite_start = time.perf_counter()
    for name in args.names or TARGETS:
        native, native_s = timed(lambda name=name: run_module(package, name, "native", btf))
        translated, translated_s = timed(
            lambda name=name: run_module(package, name, "translate", btf))
        row = report(native, translated)
        row.update(native_wall_s=native_s, translate_wall_s=translated_s,
                   translate_s=translated.translate_seconds,
                   code_cache_bytes=translated.code_cache_bytes)
        rows.append(row)
    suite_s = time.perf_counter() - suite_start
    done = [r for r in rows if r["completed"]]
    totals = {
        "suite_wall_s": suite_s, "modules": len(rows), "completed": len(done),
        "traces_identical": sum(r["traces_identical"] for r in rows),
        "native_wall_s": sum(r["native_wall_s"] for r in rows),
        "translate_wall_s": sum(r["translate_wall_s"] for r in rows),
        "translate_s": sum(r["translate_s"] for r in rows),
        "m4_over_a53_cycles": sum(r["m4_cycles"] for r in rows) / sum(r["a53_cycles"]
                                                                        for r in rows),
    }
    if args.json:
        print(json.dumps({"modules": rows, "total": totals}, indent=2))
        return 0
    print(f"{'module':<22} {'done':<5} {'trace':<9} {'native s':>8} {'transl s':>8} "
          f"{'xlate ms':>8} {'cache B':>8}  {'susp/res us M4':>15} {'A53':>13}  "
          f"{'energy uJ M4/A53 (susp)':>22}")
    for r in rows:
        lat, en = r["latency_us"], r["energy_uj"]
        print(f"{r['module']:<22} {'yes' if r['completed'] else 'no':<5} "
              f"{'identical' if r['traces_identical'] else 'DIVERGE':<9} "
              f"{r['native_wall_s']:>8.3f} {r['translate_wall_s']:>8.3f} "
              f"{r['translate_s'] * 1e3:>8.2f} {r['code_cache_bytes']:>8}  "
              f"{lat['m4']['suspend']:>7.3f}/{lat['m4']['resume']:<7.3f} "
              f"{lat['a53']['suspend']:>6.3f}/{lat['a53']['resume']:<6.3f} "
              f"{en['m4']['suspend']:>11.6f}/{en['a53']['suspend']:<10.6f}")
    print(f"suite: {suite_s:.1f} s wall for {len(rows)} modules x 2 machines "
          f"(target < 60 s); {len(done)} completed every phase; "
          f"{totals['traces_identical']} traces identical; translated/native wall "
          f"{totals['translate_wall_s'] / totals['native_wall_s']:.2f}x; "
          f"M4/A53 modeled cycles {totals['m4_over_a53_cycles']:.2f}x")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except HwemuError as exc:  # an unknown module name, a missing kernel package
        sys.exit(f"bench/drivers.py: error: {exc}")
