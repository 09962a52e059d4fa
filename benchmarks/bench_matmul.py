"""GFLOP/s of tinynet's matmul kernels against numpy.matmul (BLAS), side by side.

    python benchmarks/bench_matmul.py [--reps 15] [--no-write]

For each shape and product (a @ b, a.T @ b, a @ b.T) three contenders run in this one
process: numpy.matmul on the same views, the pure numba kernel
(``tinynet.kernels.numba_backend.matmul*_numba``) and the default dispatch
(``tinynet.kernels.matmul*`` on the default "numba" backend: checks, allocation, and the
serial or parallel path). The repetitions run in three rounds of
two phases, each phase after a pause of ``SETTLE`` seconds: numpy and the default dispatch
taking turns, then the numba kernel alone. Each library's thread pool keeps a core busy
for a while after its last call and slowed whatever ran next (measured: the default
dispatch, i.e. BLAS, at 0.47x of numpy.matmul on the 128x784x256 product right after the
numba kernel; the numba kernel at 30-60 GFLOP/s right after BLAS, 95-120 after a pause).
Each call is repeated enough times to last ~20 ms; the figure is the median over
repetitions after a warm-up that also compiles. Ratios are tinynet / numpy GFLOP/s: > 1 means tinynet is faster.
Results go to the "matmul" section of benchmarks/RESULTS.md.
"""
import argparse
import os
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from results_md import machine, write_section  # noqa: E402

from tinynet import kernels  # noqa: E402
from tinynet.kernels import numba_backend as nb  # noqa: E402

# (label, product, m, k, n): C is (m, n), the sum runs over k.
CASES = [
    ("forward X@W, Dense 784->256, batch 128", "matmul", 128, 784, 256),
    ("dW = X^T dZ, Dense 784->256, batch 128", "matmul_tn", 784, 128, 256),
    ("dX = dZ W^T, Dense 784->256, batch 128", "matmul_nt", 128, 256, 784),
    ("forward 256x1024 @ 1024x1024", "matmul", 256, 1024, 1024),
    ("dW-shaped 1024x256 ^T @ 256x1024", "matmul_tn", 1024, 256, 1024),
    ("dX-shaped 256x1024 @ (1024x1024)^T", "matmul_nt", 256, 1024, 1024),
    ("small 16x16 @ 16x16", "matmul", 16, 16, 16),
    ("small 64x64 @ 64x64", "matmul", 64, 64, 64),
    ("output layer 128x256 @ 256x10", "matmul", 128, 256, 10),
]
SETTLE = 0.5  # seconds of rest before each phase (BLAS, then numba) of a round
NUMBA = {"matmul": nb.matmul_numba, "matmul_tn": nb.matmul_tn_numba, "matmul_nt": nb.matmul_nt_numba}
NUMPY = {"matmul": lambda a, b: np.matmul(a, b), "matmul_tn": lambda a, b: np.matmul(a.T, b),
         "matmul_nt": lambda a, b: np.matmul(a, b.T)}


def operands(product, m, k, n, dtype, rng):
    sa = {"matmul": (m, k), "matmul_tn": (k, m), "matmul_nt": (m, k)}[product]
    sb = {"matmul": (k, n), "matmul_tn": (k, n), "matmul_nt": (n, k)}[product]
    return rng.standard_normal(sa).astype(dtype), rng.standard_normal(sb).astype(dtype)


def seconds_per_call(fn, inner):
    start = time.perf_counter()
    for _ in range(inner):
        fn()
    return (time.perf_counter() - start) / inner


def measure(product, m, k, n, dtype, reps, rng):
    a, b = operands(product, m, k, n, dtype, rng)
    c = np.empty((m, n), dtype)
    contenders = {
        "numpy": lambda: NUMPY[product](a, b),
        "numba": lambda: NUMBA[product](a, b, c),
        "default": lambda: getattr(kernels, product)(a, b),
    }
    for fn in contenders.values():      # warm-up (and compile)
        fn()
    once = max(seconds_per_call(contenders["numba"], 1), 1e-6)
    inner = max(1, int(0.02 / once))
    times = {name: [] for name in contenders}
    rounds = 3
    for r in range(rounds):
        share = reps // rounds + (r < reps % rounds)
        time.sleep(SETTLE)              # let the pool that ran last go idle
        for _ in range(share):
            for name in ("numpy", "default"):
                times[name].append(seconds_per_call(contenders[name], inner))
        time.sleep(SETTLE)
        for _ in range(share):
            times["numba"].append(seconds_per_call(contenders["numba"], inner))
    flops = 2.0 * m * k * n
    return {name: flops / statistics.median(t) / 1e9 for name, t in times.items()}


def default_path(m, k, n):
    return "numba, parallel" if nb.will_run_parallel(m, n, k) else "numba, serial"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=15)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    kernels.use("numba")
    rows = []
    for dtype in (np.float32, np.float64):
        for label, product, m, k, n in CASES:
            g = measure(product, m, k, n, dtype, args.reps, rng)
            row = (f"| {label} | `{product}` | {np.dtype(dtype).name} | {g['numpy']:.1f} | "
                   f"{g['numba']:.1f} | {g['numba'] / g['numpy']:.2f} | {default_path(m, k, n)} | "
                   f"{g['default'] / g['numpy']:.2f} |")
            print(row, flush=True)
            rows.append(row)
    load = os.getloadavg()
    body = "\n".join([
        "## matmul: tinynet kernels vs numpy.matmul (BLAS)",
        "",
        f"Machine: {machine()}. Load average at the end: {load[0]:.1f} "
        f"(on {os.cpu_count()} cores; other jobs share this machine, so absolute figures vary).",
        f"Command: `python benchmarks/bench_matmul.py --reps {args.reps}`; GFLOP/s = 2mkn / median "
        "time, in one process: three rounds of a BLAS phase (numpy and the default dispatch "
        "taking turns) and a numba phase, each after a pause (a library's thread pool keeps a "
        "core busy after its turn and would slow the next). "
        "`numba` = the pure numba kernel; "
        "`default` = `tinynet.kernels.matmul*` on the default \"numba\" backend (checks, "
        f"allocation, and the serial path below PARALLEL_MIN_MACS = {nb.PARALLEL_MIN_MACS} "
        "multiply-adds: path column). Ratios > 1: tinynet faster.",
        *([""] + [f"**Caution:** the load average ({load[0]:.1f}) exceeded the core count while "
                  "this ran, so parallel regions waited for descheduled threads; single rows can "
                  "be off by 10x either way. Rerun on a quiet machine before drawing conclusions."]
          if load[0] > (os.cpu_count() or 1) else []),
        "",
        "| case | product | dtype | numpy GFLOP/s | numba GFLOP/s | numba / numpy | default path | default / numpy |",
        "|---|---|---|---|---|---|---|---|",
        *rows,
    ])
    if not args.no_write:
        write_section("matmul", body)


if __name__ == "__main__":
    main()
