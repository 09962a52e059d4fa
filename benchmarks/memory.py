"""Peak memory of a training run against what it must hold.

The floor: the data set (training and test arrays as trained on), the parameters, their
gradients, and one batch of activations (each layer's input and output for 128 samples).
A training run's peak, measured with ``tracemalloc`` (numpy reports its array buffers to
it), should stay within 1.5x of that sum: more means the engine keeps temporaries alive.
Peaks are taken after the data is loaded (``tracemalloc.reset_peak``), so they include
the resident data set plus everything one epoch allocates on top of it.

``ru_maxrss`` (the process's resident high-water mark) is printed too, for scale: it also
counts the interpreter, numpy, numba/LLVM and their compiled code, which no engine choice
changes.

    python benchmarks/memory.py            # writes the "memory" section
"""
from __future__ import annotations

import threads  # noqa: I001  (before numpy: it sizes the thread pools)

THREADS = threads.apply_from_argv()

import argparse
import resource
import tracemalloc

import numpy as np

from contenders import NumpyMLP, TinynetMLP, he_weights, load_data
from results_md import machine, write_section

SIZES = [784, 256, 128, 10]
BATCH, LR = 128, 0.1
MB = 2**20


def expected_bytes(data_arrays, weights):
    data = sum(a.nbytes for a in data_arrays)
    params = sum(w.nbytes + b.nbytes for w, b in weights)
    itemsize = weights[0][0].itemsize
    activations = BATCH * SIZES[0] * itemsize + sum(BATCH * n * itemsize for n in SIZES[1:])
    return data, params, activations


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)

    tracemalloc.start()
    (x, y), (x_test, y_test), source = load_data()
    weights = he_weights(SIZES)
    data, params, activations = expected_bytes((x, y, x_test, y_test), weights)
    floor = data + 2 * params + activations
    order = np.random.default_rng(0).permutation(len(x))
    rows = []
    for name, make in (("tinynet (default backend)", lambda: TinynetMLP(weights, LR)),
                       ("numpy (hand-written)", lambda: NumpyMLP(weights, LR))):
        tracemalloc.reset_peak()
        model = make()
        model.train_epoch(x, y, order, BATCH)
        _, peak = tracemalloc.get_traced_memory()
        del model
        rows.append((name, peak))
        print(f"{name:26s} peak {peak / MB:8.1f} MiB = {peak / floor:.3f}x the floor")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(f"floor: data {data / MB:.1f} + params {params / MB:.2f} + grads {params / MB:.2f} + "
          f"activations {activations / MB:.2f} = {floor / MB:.1f} MiB; process ru_maxrss {rss / MB:.0f} MiB")
    if args.no_write:
        return rows
    ratio = rows[0][1] / floor
    body = "\n".join([
        "## memory: peak of one training epoch (784-256-128-10, batch 128, float32)",
        "",
        f"Machine: {machine()}. Command: `python benchmarks/memory.py{' ' + ' '.join(argv) if argv else ''}`. Data: {source}.",
        "",
        f"Floor = data {data / MB:.1f} MiB + parameters {params / MB:.2f} MiB + gradients "
        f"{params / MB:.2f} MiB + one batch of activations {activations / MB:.2f} MiB = **{floor / MB:.1f} MiB**.",
        "",
        "| run | tracemalloc peak (MiB) | x floor |",
        "|---|---|---|",
        *[f"| {name} | {peak / MB:.1f} | {peak / floor:.3f} |" for name, peak in rows],
        "",
        f"- tinynet peak / floor = **{ratio:.3f}x** (goal <= 1.5x): {'met' if ratio <= 1.5 else 'MISSED'}",
        f"- process resident high-water mark (ru_maxrss, includes interpreter, numba/LLVM, "
        f"libraries and the uint8 files read at load): {rss / MB:.0f} MiB",
    ])
    write_section("memory", body)
    return rows


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
