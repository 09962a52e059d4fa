"""One epoch of Fashion-MNIST, side by side: tinynet, hand-written numpy, PyTorch CPU.

MLP 784-256-128-10 with ReLU, batch 128, SGD lr 0.1, float32. Every contender starts
from the same weights and sees the same batches in the same order, so their test
accuracies must agree (a fast but wrong engine cannot hide).

Fairness on a shared machine: the contenders take turns, ``--chunk`` batches at a time,
inside each epoch; a contender's epoch time is the sum of its turns. A burst of load from
another process then falls on everyone's turns alike instead of on one contender's whole
epoch. The order of the turns is shuffled anew each round and every turn starts after an
untimed pause of 0.15 s, long enough for the previous contender's thread pool to stop
spinning (``contenders.in_fair_order`` says why). The figure reported is the median over
``--epochs`` epochs.

The turn length matters on this project's virtual machine: after a pause, every
contender's first step took 1.6-1.9x its steady time, yet with longer turns all of them
were slower per epoch (one thread each, 20-batch turns: tinynet 0.55 s, the numpy loop
0.65 s; 100-batch turns: 0.73 s and 0.79 s). The default stays at 20; the "speed_analysis"
section of benchmarks/RESULTS.md gives both.

    python benchmarks/train_epoch.py                 # writes the "train_epoch" section
    python benchmarks/train_epoch.py --no-write --epochs 2 --no-torch
"""
from __future__ import annotations

import threads  # noqa: I001  (before numpy: it sizes the thread pools)

THREADS = threads.apply_from_argv()

import argparse
import os
import statistics
import time

import numpy as np

from contenders import he_weights, in_fair_order, load_data, make_contenders
from results_md import machine, write_section

SIZES = [784, 256, 128, 10]
BATCH, LR = 128, 0.1
NUMPY_GOAL = 1.0    # tinynet's epoch / the hand-written numpy loop's: at most
TORCH_GOAL = 1.5    # PyTorch's epoch / tinynet's: at least


def matmul_paths():
    """Which matmul runs under tinynet's default ("numba") backend, from its dispatch rule."""
    from tinynet.kernels import numba_backend

    return (f"every product runs tinynet's numba kernel; products of at least "
            f"{numba_backend.PARALLEL_MIN_MACS} multiply-adds shared among the threads of "
            f"tinynet.kernels.gemm_team, smaller ones on the calling thread, the 10-class output "
            f"layer's on the register strips of tinynet.kernels.gemm_strips (same bits)")


def run_epochs(contenders, x, y, epochs, chunk, seed=0):
    """{name: [seconds per epoch]}: the contenders take turns ``chunk`` batches at a time."""
    rng = np.random.default_rng(seed)
    names = list(contenders)
    seconds = {name: [] for name in names}
    cpu = {name: [] for name in names}
    for epoch in range(epochs):
        order = rng.permutation(len(x))
        spent = dict.fromkeys(names, 0.0)
        spent_cpu = dict.fromkeys(names, 0.0)
        step = chunk * BATCH
        for start in range(0, len(order), step):
            part = order[start:start + step]
            for name in in_fair_order(names, rng):
                t0, c0 = time.perf_counter(), time.process_time()
                contenders[name].train_epoch(x, y, part, BATCH)
                spent[name] += time.perf_counter() - t0
                spent_cpu[name] += time.process_time() - c0
        for name in names:
            seconds[name].append(spent[name])
            cpu[name].append(spent_cpu[name])
        print(f"  epoch {epoch + 1}: " + ", ".join(f"{n} {spent[n]:.2f}s" for n in names), flush=True)
    return seconds, cpu


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=5, help="epochs per contender (median taken)")
    parser.add_argument("--chunk", type=int, default=20, help="batches per turn")
    parser.add_argument("--n-train", type=int, default=None, help="use only the first N training samples")
    parser.add_argument("--threads", type=int, default=None,
                        help="threads for BLAS, numba and torch (default: their own choice)")
    parser.add_argument("--no-torch", action="store_true", help="leave PyTorch out even if installed")
    parser.add_argument("--no-write", action="store_true", help="print only; do not touch RESULTS.md")
    args = parser.parse_args(argv)

    (x, y), (x_test, y_test), source = load_data(args.n_train)
    weights = he_weights(SIZES, seed=0)
    contenders = make_contenders(weights, LR, include_torch=not args.no_torch)
    print(f"data: {source}, {len(x)} training samples; contenders: {', '.join(contenders)}")
    # warm-up: numba compilation (cached after the first run), BLAS buffers, torch's allocator
    warm = np.arange(4 * BATCH)
    for c in make_contenders(weights, LR, include_torch=not args.no_torch).values():
        c.train_epoch(x, y, warm, BATCH)
    load_before = os.getloadavg()[0]
    seconds, cpu = run_epochs(contenders, x, y, args.epochs, args.chunk)
    load_after = os.getloadavg()[0]
    accuracy = {name: c.accuracy(x_test, y_test) for name, c in contenders.items()}

    floor = statistics.median(seconds["numpy (hand-written)"])
    tinynet = [n for n in contenders if n.startswith("tinynet")]
    default = tinynet[0]
    rows = []
    for name, values in seconds.items():
        med = statistics.median(values)
        vs_torch = ""
        if "PyTorch CPU" in seconds:
            vs_torch = f"{statistics.median(seconds['PyTorch CPU']) / med:.2f}"
        rows.append(
            f"| {name} | {med:.3f} | {min(values):.3f}–{max(values):.3f} | {med / floor:.2f} | "
            f"{vs_torch or 'n/a'} | {statistics.median(cpu[name]):.3f} | {accuracy[name]:.4f} |"
        )
        print(f"{name:24s} median {med:7.3f} s  x{med / floor:.2f} of numpy  test acc {accuracy[name]:.4f}")

    t_med = statistics.median(seconds[default])
    verdict = [f"- {default} / numpy loop = **{t_med / floor:.2f}x** (goal <= {NUMPY_GOAL}x): "
               f"{'met' if t_med / floor <= NUMPY_GOAL else 'MISSED'}"]
    if "PyTorch CPU" in seconds:
        speedup = statistics.median(seconds["PyTorch CPU"]) / t_med
        verdict.append(f"- PyTorch CPU / {default} = **{speedup:.2f}x** (goal >= {TORCH_GOAL}x): "
                       f"{'met' if speedup >= TORCH_GOAL else 'MISSED'}")
    else:
        verdict.append("- PyTorch not installed: the torch comparison was not run")
    spread = max(accuracy.values()) - min(accuracy.values())
    verdict.append(f"- test accuracies after {args.epochs} epochs agree within {spread:.4f} "
                   f"(same start, same batch order; float32 rounding differs between engines)")
    for line in verdict:
        print(line)

    if not args.no_write:
        body = "\n".join([
            "## train_epoch: one epoch, 784-256-128-10 ReLU, batch 128, SGD lr 0.1, float32",
            "",
            f"Machine: {machine()}. Load average {load_before:.1f} before / {load_after:.1f} after "
            "(the machine is shared; the contenders take turns so the load falls on all alike).",
            f"Command: `python benchmarks/train_epoch.py{' ' + ' '.join(argv) if argv else ''}` "
            f"(from the repository root). Data: {source}.",
            f"Threads per pool: {THREADS or 'library defaults'}. Median of {args.epochs} epochs, turns of {args.chunk} batches; test accuracy after all epochs.",
            "",
            "| contender | median epoch (s) | range (s) | x numpy loop | torch / this | CPU s (all threads) | test accuracy |",
            "|---|---|---|---|---|---|---|",
            *rows,
            "",
            *verdict,
            f"- matmul paths: {matmul_paths()}",
        ])
        write_section("train_epoch" if THREADS is None else f"train_epoch_threads{THREADS}", body)
    return seconds, accuracy


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
