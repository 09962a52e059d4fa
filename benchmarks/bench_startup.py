"""Start-up cost of tinynet's numba kernels: cold compile, and a warm first training step.

    python benchmarks/bench_startup.py [--runs 5]

(1) Cold: a fresh ``NUMBA_CACHE_DIR`` (empty temporary directory), then one subprocess
    that imports tinynet and calls each numba matmul kernel once per dtype; the figure
    is the subprocess's wall time and the in-process time of those first calls (compile).
(2) Warm: with the cache filled, the wall time of a subprocess that runs
    ``import tinynet`` + one ``nn.Dense(784, 256, activation="relu")`` forward and backward
    on a (128, 784) float32 batch; median of ``--runs`` subprocesses.
Results go to the "startup" section of benchmarks/RESULTS.md.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from results_md import machine, write_section  # noqa: E402

COLD = """
import time
t0 = time.perf_counter()
import numpy as np
from tinynet.kernels.matmul import matmul_numba, matmul_tn_numba, matmul_nt_numba
t1 = time.perf_counter()
for dt in (np.float32, np.float64):
    a = np.ones((8, 5), dt); b = np.ones((5, 3), dt)
    matmul_numba(a, b, np.empty((8, 3), dt))
    matmul_tn_numba(a.T.copy(), b, np.empty((8, 3), dt))
    matmul_nt_numba(a, b.T.copy(), np.empty((8, 3), dt))
print(t1 - t0, time.perf_counter() - t1)
"""

WARM = """
import numpy as np
import tinynet as tn
from tinynet import nn
layer = nn.Dense(784, 256, activation="relu")
x = tn.Tensor(np.ones((128, 784), np.float32))
layer(x).sum().backward()
"""


def run(code, env):
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr)
    return wall, proc.stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)
        cold_wall, out = run(COLD, env)
        import_s, compile_s = map(float, out.split())
        cached_wall, out = run(COLD, env)
        _, cached_calls = map(float, out.split())
        run(WARM, env)  # fills the cache for the layer's own kernels
        warm = [run(WARM, env)[0] for _ in range(args.runs)]
    lines = [
        "## startup: numba compile (cold cache) and warm first step",
        "",
        f"Machine: {machine()}. Load average: {os.getloadavg()[0]:.1f}.",
        f"Command: `python benchmarks/bench_startup.py --runs {args.runs}`.",
        "",
        "| measurement | seconds |",
        "|---|---|",
        f"| cold: first calls of the 3 numba matmul kernels x 2 dtypes (compile), empty NUMBA_CACHE_DIR | {compile_s:.2f} |",
        f"| cold: whole subprocess (interpreter + import + compile) | {cold_wall:.2f} |",
        f"| same first calls, cache now filled | {cached_calls:.3f} |",
        f"| warm: subprocess `import tinynet` + Dense(784, 256, relu) forward+backward on (128, 784) float32, median of {args.runs} (goal <= 1.5) | {statistics.median(warm):.2f} |",
        f"| warm: all runs | {', '.join(f'{w:.2f}' for w in warm)} |",
    ]
    body = "\n".join(lines)
    print(body)
    if not args.no_write:
        write_section("startup", body)


if __name__ == "__main__":
    main()
