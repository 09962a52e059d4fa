"""How epoch time grows with the network: width 64 … 2048 and depth 2 … 32 Dense layers.

Width sweep: 784-w-w-10 (three Dense layers, ReLU). Depth sweep: 784-256-…-256-10 with
``depth`` Dense layers in all. Batch 128, SGD lr 0.01, float32, random data of
Fashion-MNIST's shape (speed does not depend on the values). Each point times ``--steps``
SGD steps per contender, the contenders taking turns, median of ``--reps`` repetitions,
and reports it as seconds per 60,000-sample epoch (469 steps) so it reads like
train_epoch.py's table.

What to expect: wide layers are matrix-product bound (cost ∝ batch·width², every
contender converges to its matmul's speed); deep thin networks are overhead bound (cost ∝
depth, per-layer Python and dispatch costs show).

    python benchmarks/scaling.py                 # writes scaling.png and the "scaling" section
    python benchmarks/scaling.py --no-write --steps 5 --reps 1
"""
from __future__ import annotations

import threads  # noqa: I001  (before numpy: it sizes the thread pools)

THREADS = threads.apply_from_argv()

import argparse
import os
import statistics
import time

import numpy as np

from contenders import he_weights, in_fair_order, make_contenders
from results_md import machine, write_section

WIDTHS = [64, 128, 256, 512, 1024, 2048]
DEPTHS = [2, 4, 8, 16, 32]
BATCH, LR, STEPS_PER_EPOCH = 128, 0.01, 469  # lr 0.01: depth 32 overflows at 0.1 on random data
HERE = os.path.dirname(os.path.abspath(__file__))


def time_point(sizes, steps, reps, include_torch, x, y):
    """{contender: seconds per epoch} for one architecture, contenders taking turns."""
    contenders = make_contenders(he_weights(sizes), LR, include_torch=include_torch)
    rng = np.random.default_rng(0)
    for c in contenders.values():  # warm-up: compilation, allocator, BLAS buffers
        c.train_epoch(x, y, np.arange(2 * BATCH), BATCH)
    spent = {name: [] for name in contenders}
    names = list(contenders)
    for _ in range(reps):
        order = rng.permutation(len(x))[: steps * BATCH]
        for name in in_fair_order(names, rng):
            t0 = time.perf_counter()
            contenders[name].train_epoch(x, y, order, BATCH)
            spent[name].append((time.perf_counter() - t0) / steps * STEPS_PER_EPOCH)
    return {name: statistics.median(v) for name, v in spent.items()}


def sweep(kind, values, steps, reps, include_torch, x, y):
    results = {}
    for v in values:
        sizes = [784, v, v, 10] if kind == "width" else [784] + [256] * (v - 1) + [10]
        results[v] = time_point(sizes, steps, reps, include_torch, x, y)
        print(f"{kind} {v:5d}: " + ", ".join(f"{n} {s:.2f}s" for n, s in results[v].items()), flush=True)
    return results


def plot(width_results, depth_results, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    for ax, results, label in ((axes[0], width_results, "width w (784-w-w-10)"),
                               (axes[1], depth_results, "depth (Dense layers, width 256)")):
        xs = sorted(results)
        for name in next(iter(results.values())):
            ax.plot(xs, [results[v][name] for v in xs], marker="o", label=name)
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xlabel(label)
        ax.set_ylabel("seconds per epoch (469 steps, batch 128)")
        ax.grid(True, which="both", alpha=0.3)
    for ax, results, kind in ((axes[0], width_results, "width"), (axes[1], depth_results, "depth")):
        ax.set_title(_ratio_title(results, kind))
    axes[1].legend(fontsize=8)
    fig.tight_layout()
    tmp = path + ".tmp.png"
    fig.savefig(tmp, dpi=110)
    os.replace(tmp, path)
    plt.close(fig)


def _ratio_title(results, kind):
    """The measured result as a title: the first tinynet contender's epoch time as a multiple of
    the numpy loop's, over the whole sweep."""
    names = list(next(iter(results.values())))
    tinynet = next(n for n in names if n.startswith("tinynet"))
    ratios = [r[tinynet] / r["numpy (hand-written)"] for r in results.values()]
    return f"{kind} sweep: {tinynet} takes\n{min(ratios):.2f}-{max(ratios):.2f}x the numpy loop's time"


def table(results, kind):
    names = list(next(iter(results.values())))
    floor = "numpy (hand-written)"
    lines = [f"| {kind} | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    for v in sorted(results):
        cells = [f"{results[v][n]:.2f} ({results[v][n] / results[v][floor]:.2f}x)" for n in names]
        lines.append(f"| {v} | " + " | ".join(cells) + " |")
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=10, help="SGD steps timed per point and repetition")
    parser.add_argument("--reps", type=int, default=3, help="repetitions per point (median taken)")
    parser.add_argument("--threads", type=int, default=None,
                        help="threads for BLAS, numba and torch (default: their own choice)")
    parser.add_argument("--no-torch", action="store_true")
    parser.add_argument("--no-write", action="store_true", help="print only; no plot, no RESULTS.md")
    args = parser.parse_args(argv)

    rng = np.random.default_rng(0)
    x = rng.random((max(args.steps, 2) * BATCH * 2, 784), dtype=np.float32)
    y = rng.integers(0, 10, len(x))
    include_torch = not args.no_torch
    load_before = os.getloadavg()[0]
    widths = sweep("width", WIDTHS, args.steps, args.reps, include_torch, x, y)
    depths = sweep("depth", DEPTHS, args.steps, args.reps, include_torch, x, y)
    load_after = os.getloadavg()[0]
    if args.no_write:
        return widths, depths
    plot(widths, depths, os.path.join(HERE, "scaling.png"))
    body = "\n".join([
        "## scaling: epoch time against width and depth (plot: benchmarks/scaling.png)",
        "",
        f"Machine: {machine()}. Load average {load_before:.1f} before / {load_after:.1f} after.",
        f"Command: `python benchmarks/scaling.py{' ' + ' '.join(argv) if argv else ''}`. "
        f"Random data of Fashion-MNIST's shape; {args.steps} SGD steps per point, median of "
        f"{args.reps}, scaled to one 469-step epoch. Threads per pool: {THREADS or 'library defaults'}. Cells: seconds (x the numpy loop).",
        "",
        *table(widths, "width (784-w-w-10)"),
        "",
        *table(depths, "depth (width 256)"),
    ])
    write_section("scaling", body)
    return widths, depths


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
