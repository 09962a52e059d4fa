"""A small CNN's training step in tinynet against PyTorch on the CPU, in one process.

The network is Keras's MNIST convnet: Conv2D(1 -> 32, 3x3) ReLU, MaxPool 2, Conv2D(32 -> 64,
3x3) ReLU, MaxPool 2, Flatten, Dense(1600 -> 10); float32, batch 128 of Fashion-MNIST
images. One step = forward + cross-entropy + backward (gradients zeroed between steps).
Both frameworks start from the same weights (tinynet's NHWC / (kh, kw, in, out) layout,
transposed for torch's NCHW / (out, in, kh, kw)); the first step's losses are printed so
a reader can see they compute the same thing.

Rounds alternate tinynet and torch, with one thread each (``tinynet.kernels.set_num_threads(1)``
and numba's, ``torch.set_num_threads(1)``) and with the default thread count of each; the
median of every round's steps is reported. Goal: tinynet at most 2x torch's time with one thread.

    python benchmarks/bench_cnn.py            # writes the "cnn" section of RESULTS.md
    python benchmarks/bench_cnn.py --reps 3 --rounds 1 --no-write   # a smoke run
"""
import argparse
import os
import statistics
import time

import numpy as np

import tinynet as tn
from tinynet import nn

from results_md import machine, write_section

BATCH = 128


def load_batch(seed=0):
    """128 Fashion-MNIST training images (NHWC, float32 in [0, 1]) and labels; random data
    of the same shape if the set is not installed."""
    try:
        (x, y), _ = tn.data.load_fashion_mnist(download=False)
        pick = np.random.default_rng(seed).choice(len(x), BATCH, replace=False)
        return (x[pick].astype(np.float32) / 255)[..., None], np.asarray(y[pick], dtype=np.int64), "Fashion-MNIST"
    except Exception:  # noqa: BLE001 - the benchmark still runs, and says so
        rng = np.random.default_rng(seed)
        return rng.random((BATCH, 28, 28, 1), dtype=np.float32), rng.integers(0, 10, BATCH), "random images"


def tinynet_model():
    tn.manual_seed(0)
    return nn.Sequential(
        nn.Conv2D(1, 32, 3, activation="relu", kernel_initializer="he_uniform"),
        nn.MaxPool2D(2),
        nn.Conv2D(32, 64, 3, activation="relu", kernel_initializer="he_uniform"),
        nn.MaxPool2D(2),
        nn.Flatten(),
        nn.Dense(5 * 5 * 64, 10),
    )


def torch_model(torch, ours):
    conv1, conv2, dense = ours[0], ours[2], ours[5]
    model = torch.nn.Sequential(
        torch.nn.Conv2d(1, 32, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(32, 64, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(5 * 5 * 64, 10))
    with torch.no_grad():
        for theirs, mine in ((model[0], conv1), (model[3], conv2)):
            theirs.weight.copy_(torch.from_numpy(mine.kernel.data.transpose(3, 2, 0, 1).copy()))
            theirs.bias.copy_(torch.from_numpy(mine.bias.data))
        # tinynet flattens (H, W, C), torch (C, H, W): permute the Dense rows to match
        w = dense.kernel.data.reshape(5, 5, 64, 10).transpose(2, 0, 1, 3).reshape(-1, 10)
        model[7].weight.copy_(torch.from_numpy(np.ascontiguousarray(w.T)))
        model[7].bias.copy_(torch.from_numpy(dense.bias.data))
    return model


def tinynet_step(model, x, y):
    loss = nn.functional.cross_entropy(model(x), y)
    loss.backward()
    model.zero_grad()
    return float(loss.data)


def torch_step(torch, model, x, y):
    loss = torch.nn.functional.cross_entropy(model(x), y)
    loss.backward()
    model.zero_grad(set_to_none=True)
    return float(loss.detach())


def timed(step, reps):
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=30, help="steps per round (default 30)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds per setting (default 3)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md alone")
    args = parser.parse_args()

    import numba
    import torch

    x, y, source = load_batch()
    ours = tinynet_model()
    theirs = torch_model(torch, ours)
    xt, yt = torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2))), torch.from_numpy(y)
    first = tinynet_step(ours, x, y), torch_step(torch, theirs, xt, yt)
    print(f"first-step loss: tinynet {first[0]:.6f}, torch {first[1]:.6f}")

    # tinynet's large products run on its own pool when it has one (kernels.set_num_threads)
    set_threads = getattr(tn.kernels, "set_num_threads", numba.set_num_threads)
    get_threads = getattr(tn.kernels, "get_num_threads", numba.get_num_threads)
    default_numba, default_torch = get_threads(), torch.get_num_threads()
    settings = {"1 thread": (1, 1), "default threads": (default_numba, default_torch)}
    load_before = os.getloadavg()[0]
    results = {}
    for label, (n_numba, n_torch) in settings.items():
        set_threads(n_numba)
        numba.set_num_threads(n_numba)
        torch.set_num_threads(n_torch)
        for _ in range(3):                                      # warm-up: compilation, allocators
            tinynet_step(ours, x, y)
            torch_step(torch, theirs, xt, yt)
        mine, other = [], []
        for _ in range(args.rounds):
            mine += timed(lambda: tinynet_step(ours, x, y), args.reps)
            other += timed(lambda: torch_step(torch, theirs, xt, yt), args.reps)
        results[label] = (statistics.median(mine), statistics.median(other), n_numba, n_torch)
        t, p = results[label][:2]
        print(f"{label:16s} tinynet {t * 1e3:8.2f} ms   torch {p * 1e3:8.2f} ms   ratio {t / p:.2f}x")
    load_after = os.getloadavg()[0]
    set_threads(default_numba)
    numba.set_num_threads(default_numba)

    rows = [f"| {label} (tinynet {n}, torch {m}) | {t * 1e3:.2f} | {p * 1e3:.2f} | {t / p:.2f}x |"
            for label, (t, p, n, m) in results.items()]
    one = results["1 thread"]
    body = "\n".join([
        "## cnn: a small CNN's training step against PyTorch (benchmarks/bench_cnn.py)",
        "",
        f"Machine: {machine()}; torch {torch.__version__}",
        "",
        f"Command: `python benchmarks/bench_cnn.py --reps {args.reps} --rounds {args.rounds}` -- Conv2D 1->32 "
        f"3x3 ReLU, MaxPool 2, Conv2D 32->64 3x3 ReLU, MaxPool 2, Dense 1600->10; float32, batch {BATCH} of "
        f"{source}; one step = forward + cross-entropy + backward; median of {args.reps * args.rounds} steps "
        f"per setting, tinynet and torch alternating in rounds in one process; first-step loss tinynet "
        f"{first[0]:.6f}, torch {first[1]:.6f}; 1-minute load average {load_before:.1f} before, "
        f"{load_after:.1f} after (on 2 cores, above ~1 means other jobs shared the CPUs).",
        "",
        "| threads | tinynet ms/step | torch ms/step | tinynet / torch |",
        "|---|---:|---:|---:|",
        *rows,
        "",
        f"Goal: at most 2x torch's time with one thread each: {'met' if one[0] / one[1] <= 2 else 'not met'} "
        f"({one[0] / one[1]:.2f}x).",
    ])
    if not args.no_write:
        write_section("cnn", body)


if __name__ == "__main__":
    main()
