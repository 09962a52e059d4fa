"""tinynet's numba GEMM against OpenBLAS (numpy.matmul) on the course's products, one and two threads.

    python benchmarks/bench_matmul.py [--reps 7] [--dtype float32] [--no-write]
    python benchmarks/bench_matmul.py --reps 1 --no-write          # a smoke test

The shapes are every product of training 784-256-128-10 at batch 128 (each layer's forward
``X @ W``, weight gradient ``Xᵀ·dZ`` and input gradient ``dZ·Wᵀ``; the first layer needs no
input gradient) and of 1024-wide layers. Each product runs through
``tinynet.kernels.matmul*`` on the "numba" backend (checks, allocation and dispatch
included: what training pays) and through numpy on the same views (BLAS), with
``--threads`` 1 and then 2 for both libraries: ``tinynet.kernels.set_num_threads`` and
OpenBLAS's ``openblas_set_num_threads``.

Fair turns: for each repetition the two contenders run in a fresh random order, each after
a short pause (a pool that just worked keeps a core busy for a while, and would slow
whoever comes next), then ~10 ms of untimed calls (after a pause the first calls run slower),
then the call repeated for ~20 ms. Each contender allocates its result, as training does
(``out=`` would add tinynet's overlap checks and spare BLAS its allocation). The figure is the median over
``--reps`` repetitions; the ratio is BLAS time / tinynet time (> 1: tinynet faster; goal
>= 0.9). Results go to the "matmul" section of benchmarks/RESULTS.md.
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
from tinynet.kernels import gemm_team  # noqa: E402
from tinynet.kernels import numba_backend as nb  # noqa: E402
from tinynet.lab.threads import _openblas_controls  # noqa: E402

# (label, product, m, k, n): C is (m, n), the sum runs over k.
CASES = [
    ("layer 1 forward X@W (784->256)", "matmul", 128, 784, 256),
    ("layer 1 dW = X^T dZ", "matmul_tn", 784, 128, 256),
    ("layer 2 forward (256->128)", "matmul", 128, 256, 128),
    ("layer 2 dW", "matmul_tn", 256, 128, 128),
    ("layer 2 dX = dZ W^T", "matmul_nt", 128, 128, 256),
    ("layer 3 forward (128->10)", "matmul", 128, 128, 10),
    ("layer 3 dW", "matmul_tn", 128, 128, 10),
    ("layer 3 dX", "matmul_nt", 128, 10, 128),
    ("1024-wide forward 256x1024 @ 1024x1024", "matmul", 256, 1024, 1024),
    ("1024-wide dW 1024x256^T @ 256x1024", "matmul_tn", 1024, 256, 1024),
    ("1024-wide dX 256x1024 @ (1024x1024)^T", "matmul_nt", 256, 1024, 1024),
]
SETTLE = 0.15   # seconds of rest before each turn (OpenBLAS's threads spin ~0.1 s after a call)
TURN = 0.02     # seconds of repeated calls per turn
WARM = 0.01     # seconds of untimed calls that start each turn (the first calls after a pause are slow)
GOAL = 0.9


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
    """({contender: median seconds per call}, share of tinynet's blocks its helpers computed)."""
    a, b = operands(product, m, k, n, dtype, rng)
    view = {"matmul": lambda: (a, b), "matmul_tn": lambda: (a.T, b), "matmul_nt": lambda: (a, b.T)}[product]()
    contenders = {   # each allocates its result, as training does
        "tinynet": lambda: getattr(kernels, product)(a, b),
        "blas": lambda: np.matmul(view[0], view[1]),
    }
    for fn in contenders.values():      # warm-up (and compile)
        fn()
    once = max(min(seconds_per_call(fn, 3) for fn in contenders.values()), 1e-7)
    inner = max(1, int(TURN / once))
    warm = max(1, int(WARM / once))
    times = {name: [] for name in contenders}
    names = list(contenders)
    helped = gemm_team.blocks_helped()
    for _ in range(reps):
        for i in rng.permutation(len(names)):
            time.sleep(SETTLE)
            seconds_per_call(contenders[names[i]], warm)
            times[names[i]].append(seconds_per_call(contenders[names[i]], inner))
    helped = gemm_team.blocks_helped() - helped
    share = 0.0
    if nb.will_run_parallel(m, n, k):
        p, q = (n, m) if nb.computes_transpose(m, n) else (m, n)
        blocks = nb.blocks_of(p, q, kernels.get_num_threads())[1]
        share = helped / (blocks * inner * reps)
    return {name: statistics.median(t) for name, t in times.items()}, share


def set_threads(n, blas):
    kernels.set_num_threads(n)
    if blas is not None:
        blas[1](n)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--dtype", default="float32", choices=("float32", "float64", "both"))
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    kernels.use("numba")
    np.ones((4, 4)) @ np.ones((4, 4))       # loads OpenBLAS, so its thread count can be set
    blas = _openblas_controls()
    dtypes = (np.float32, np.float64) if args.dtype == "both" else (np.dtype(args.dtype).type,)
    rows, misses = [], []
    for dtype in dtypes:
        for label, product, m, k, n in CASES:
            cells = []
            for threads in (1, 2):
                set_threads(threads, blas)
                t, share = measure(product, m, k, n, dtype, args.reps, rng)
                ratio = t["blas"] / t["tinynet"]
                if ratio < GOAL:
                    misses.append(f"{label} ({np.dtype(dtype).name}, {threads} thread{'s' if threads > 1 else ''}: {ratio:.2f})")
                path = f"shared, {share:.0%} by the helper" if nb.will_run_parallel(m, n, k) else "serial"
                cells.append(f"{2 * m * k * n / t['tinynet'] / 1e9:.0f} | {2 * m * k * n / t['blas'] / 1e9:.0f} | "
                             f"{ratio:.2f} ({path})")
            row = f"| {label} | `{product}` {m}x{k}x{n} | {np.dtype(dtype).name} | " + " | ".join(cells) + " |"
            print(row, flush=True)
            rows.append(row)
    set_threads(2, blas)
    load = os.getloadavg()
    body = "\n".join([
        "## matmul: tinynet's numba GEMM vs OpenBLAS on the course's products",
        "",
        f"Machine: {machine()}. Load average at the end: {load[0]:.1f} (on {os.cpu_count()} cores).",
        f"Command: `python benchmarks/bench_matmul.py --reps {args.reps}"
        f"{'' if args.dtype == 'float32' else ' --dtype ' + args.dtype}`. tinynet = "
        "`tinynet.kernels.matmul*` (checks, allocation, dispatch included), BLAS = `numpy.matmul` on "
        "the same views; both at 1 thread, then both at 2. GFLOP/s = 2mkn / median time; ratio = "
        "BLAS time / tinynet time (> 1: tinynet faster; goal >= 0.9), with tinynet's path (serial, "
        "or blocks shared among threads, with the share of the blocks its helper thread computed). "
        f"Fair turns: random order per repetition, a {SETTLE} s pause before each, then {WARM} s of "
        "untimed calls (after a pause, the first ~10 ms of calls of a 7 us product ran ~1.2x "
        "slower than the rest), then the timed calls. Each contender allocates its result, as "
        "training does.",
        "",
        "| product | shape m x k x n | dtype | 1 thread: tinynet GFLOP/s | BLAS | ratio | "
        "2 threads: tinynet GFLOP/s | BLAS | ratio |",
        "|---|---|---|---|---|---|---|---|---|",
        *rows,
        "",
        "- goal (>= 0.9x of OpenBLAS) met on every product" if not misses
        else "- below the goal: " + "; ".join(misses),
    ])
    print(body)
    if not args.no_write:
        write_section("matmul", body)


if __name__ == "__main__":
    main()
