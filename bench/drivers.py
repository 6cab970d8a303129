"""Driver-suite benchmark (issue 3, so far): the 20 target modules linked with their
dependencies and run through init_module and cleanup_module in the native AArch64 machine
(A53 model) and the translated M-core machine, side by side in one run.

Per module: link time, wall time of each machine, guest instructions, modeled cycles of each
core, translation time and code-cache use; totals with the translated/native wall-time ratio.
The probe/suspend/resume/remove phases join when the device models exist.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kernels.btf import Btf  # noqa: E402
from kernels.cache import load_package  # noqa: E402
from kernels.session import start  # noqa: E402
from kernels.suite import TARGETS  # noqa: E402

PHASES = ("init_module", "cleanup_module")


def run(package, btf, name: str, mode: str) -> dict:
    started = time.perf_counter()
    session = start(package, name, mode, btf)
    linked = time.perf_counter()
    for phase in PHASES:
        session.call(phase)
    done = time.perf_counter()
    stats = session.machine.stats
    return {"link_s": linked - started, "run_s": done - linked, "guest_insns": stats.guest_insns,
            "cycles": stats.cycles, "translate_s": stats.translate_seconds,
            "code_cache_bytes": stats.code_cache_bytes, "core": stats.core}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="modules (default: the 20 targets)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    package = load_package()
    btf = Btf.vmlinux(package)
    rows = []
    wall = time.perf_counter()
    for name in args.names or TARGETS:
        rows.append({"module": name, "native": run(package, btf, name, "native"),
                     "translate": run(package, btf, name, "translate")})
    wall = time.perf_counter() - wall
    total = {mode: {key: sum(r[mode][key] for r in rows)
                    for key in ("link_s", "run_s", "guest_insns", "cycles", "translate_s")}
             for mode in ("native", "translate")}
    ratio = total["translate"]["run_s"] / total["native"]["run_s"]
    if args.json:
        print(json.dumps({"phases": PHASES, "modules": rows, "total": total,
                          "translate_over_native_wall": ratio, "suite_wall_s": wall}, indent=2))
        return 0
    print(f"{'module':<22} {'insns':>6} {'A53 cyc':>8} {'M4 cyc':>8} {'native ms':>9} "
          f"{'transl ms':>9} {'xlate ms':>8} {'cache B':>8}")
    for r in rows:
        n, t = r["native"], r["translate"]
        print(f"{r['module']:<22} {t['guest_insns']:>6} {n['cycles']:>8} {t['cycles']:>8} "
              f"{n['run_s'] * 1e3:>9.2f} {t['run_s'] * 1e3:>9.2f} {t['translate_s'] * 1e3:>8.2f} "
              f"{t['code_cache_bytes']:>8}")
    print(f"suite ({', '.join(PHASES)}): {wall:.2f} s wall; link {total['native']['link_s']:.2f}"
          f" + {total['translate']['link_s']:.2f} s; translated/native run time {ratio:.2f}x; "
          f"M4/A53 cycles {total['translate']['cycles'] / total['native']['cycles']:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
