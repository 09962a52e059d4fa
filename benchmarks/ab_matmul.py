"""tinynet's GEMM against OpenBLAS on one thread, by the best of many alternating short rounds.

    OPENBLAS_NUM_THREADS=1 NUMBA_NUM_THREADS=1 python benchmarks/ab_matmul.py [--rounds 30]

For a machine shared with other jobs, where a median still catches their bursts: the two
contenders alternate in rounds of ~3 million multiply-adds each, and each keeps its
fastest round, the one least disturbed. Prints a table (nothing is written to RESULTS.md);
the shapes are the course's largest (784-256 at batch 128) and the lab's (450 x 64 hidden
layers, the 2-feature input layer and the 3-class output layer), in both dtypes.
"""
import argparse
import time

import numpy as np

from tinynet import kernels

CASES = [("matmul", 128, 784, 256), ("matmul_tn", 784, 128, 256),
         ("matmul", 450, 64, 64), ("matmul_tn", 64, 450, 64), ("matmul_nt", 450, 64, 64),
         ("matmul", 450, 2, 64), ("matmul_nt", 450, 3, 64)]


def per_call(fn, n):
    start = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - start) / n


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    print("| dtype | product | m x k x n | tinynet us | GFLOP/s | BLAS us | GFLOP/s | BLAS / tinynet |")
    print("|---|---|---|---|---|---|---|---|")
    for dtype in (np.float32, np.float64):
        for product, m, k, n in CASES:
            sa = {"matmul": (m, k), "matmul_tn": (k, m), "matmul_nt": (m, k)}[product]
            sb = {"matmul": (k, n), "matmul_tn": (k, n), "matmul_nt": (n, k)}[product]
            a, b = rng.standard_normal(sa).astype(dtype), rng.standard_normal(sb).astype(dtype)
            c = np.empty((m, n), dtype)
            va, vb = {"matmul": (a, b), "matmul_tn": (a.T, b), "matmul_nt": (a, b.T)}[product]
            ours = lambda: getattr(kernels, product)(a, b, out=c)  # noqa: E731
            blas = lambda: np.matmul(va, vb, out=c)  # noqa: E731
            ours(), blas()
            reps = max(5, int(3e6 / (m * n * k)))
            t_ours = t_blas = float("inf")
            for _ in range(args.rounds):
                t_ours = min(t_ours, per_call(ours, reps))
                t_blas = min(t_blas, per_call(blas, reps))
            flops = 2 * m * n * k
            print(f"| {np.dtype(dtype).name} | `{product}` | {m}x{k}x{n} | {t_ours * 1e6:.1f} | "
                  f"{flops / t_ours / 1e9:.0f} | {t_blas * 1e6:.1f} | {flops / t_blas / 1e9:.0f} | "
                  f"{t_blas / t_ours:.2f} |", flush=True)


if __name__ == "__main__":
    main()
