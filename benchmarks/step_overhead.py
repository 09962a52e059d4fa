"""What one training step costs tinynet above the hand-written numpy loop, in microseconds.

Both contenders run the same products on the same BLAS (tinynet with
``kernels.use("blas")``), so the difference per step is the framework's own cost: the
Tensor and its graph, ``backward``'s walk, the fused kernels' calls, the optimizer's loop
over the parameters. Three shapes:

- ``fashion``: 784-256-128-10 ReLU, batch 128, float32, SGD (the train_epoch benchmark);
- ``compare``: 2-64-64-64-64-64-3 ReLU, 450 rows (one full batch), float64, SGD (the shape
  of the default ``tinynet compare``, with plain SGD since the numpy loop has no momentum);
- ``tiny``: 8-8-8-3, batch 4, float32: so little arithmetic that the time is the fixed cost
  of a step, the Python calls (the steadiest figure of the three on a busy machine).

The contenders take turns of ``--steps`` steps in a fresh random order each round, after a
short pause (``contenders.in_fair_order``), in one process; the figure is the median over
``--rounds`` rounds of (tinynet's time per step − numpy's) in the same round, by the wall
clock and by the process's CPU time (with one thread, the CPU time is the steadier figure
on a busy machine: time spent waiting for a core is not counted).

    python benchmarks/step_overhead.py --threads 1
    python benchmarks/step_overhead.py --threads 1 --shape compare --rounds 30
"""
from __future__ import annotations

import threads  # noqa: I001  (before numpy: it sizes the thread pools)

THREADS = threads.apply_from_argv()

import argparse
import statistics
import time

import numpy as np

from contenders import NumpyMLP, TinynetMLP, he_weights, in_fair_order, load_data

SHAPES = {  # sizes, batch, dtype, lr
    "fashion": ([784, 256, 128, 10], 128, np.float32, 0.1),
    "compare": ([2, 64, 64, 64, 64, 64, 3], 450, np.float64, 0.05),
    "tiny": ([8, 8, 8, 3], 4, np.float32, 0.01),   # almost no arithmetic: the fixed cost per step
}


def make_data(shape, steps):
    sizes, batch, dtype, _ = SHAPES[shape]
    if shape == "fashion":
        (x, y), _, _ = load_data(n_train=batch * steps)
    else:
        rng = np.random.default_rng(0)
        x, y = rng.standard_normal((batch, sizes[0])), rng.integers(0, sizes[-1], batch)
    return x.astype(dtype), y


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shape", choices=sorted(SHAPES), default="fashion")
    parser.add_argument("--steps", type=int, default=50, help="steps per turn")
    parser.add_argument("--rounds", type=int, default=20, help="rounds (the median is taken)")
    parser.add_argument("--threads", type=int, default=None, help="threads for BLAS and numba")
    parser.add_argument("--numba", action="store_true", help="also time tinynet on its numba backend")
    args = parser.parse_args(argv)

    sizes, batch, dtype, lr = SHAPES[args.shape]
    x, y = make_data(args.shape, args.steps)
    weights = he_weights(sizes, seed=0, dtype=dtype)
    contenders = {"tinynet (blas)": TinynetMLP(weights, lr, "blas"), "numpy": NumpyMLP(weights, lr)}
    if args.numba:
        contenders["tinynet (numba)"] = TinynetMLP(weights, lr, "numba")
    # one full-batch step repeated (compare) or `steps` batches of 128 (fashion)
    order = np.concatenate([np.arange(len(x))] * (args.steps * batch // len(x)))
    for c in contenders.values():  # warm-up: compilation, BLAS buffers
        c.train_epoch(x, y, order[:4 * batch], batch)

    rng = np.random.default_rng(0)
    per_step = {name: [] for name in contenders}
    cpu_per_step = {name: [] for name in contenders}
    for _ in range(args.rounds):
        for name in in_fair_order(list(contenders), rng):
            t0, c0 = time.perf_counter(), time.process_time()
            contenders[name].train_epoch(x, y, order, batch)
            per_step[name].append((time.perf_counter() - t0) / args.steps)
            cpu_per_step[name].append((time.process_time() - c0) / args.steps)

    print(f"shape {args.shape}: {sizes}, batch {batch}, {np.dtype(dtype).name}; threads "
          f"{THREADS or 'default'}; median of {args.rounds} rounds of {args.steps} steps")
    for clock, table in (("wall", per_step), ("CPU", cpu_per_step)):
        floor = table["numpy"]
        for name, values in table.items():
            med = statistics.median(values)
            line = f"  {clock:4s} {name:16s} {med * 1e6:9.1f} us/step"
            if name != "numpy":
                over = statistics.median(v - f for v, f in zip(values, floor))
                ratio = statistics.median(v / f for v, f in zip(values, floor))
                line += f"   overhead {over * 1e6:7.1f} us/step   x{ratio:.3f} of numpy"
            print(line)
    return per_step, cpu_per_step


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
