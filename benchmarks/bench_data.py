"""How fast tinynet.data loads Fashion-MNIST and serves batches, measured side by side.

    python benchmarks/bench_data.py [--reps 7]

Measures, in one process, as the median of ``--reps`` repetitions with the files already
in the OS page cache ("warm"):

1. ``load_fashion_mnist()``: all four files, 70000 images; the budget is 2 s;
2. ``read_idx`` on the 26 MB train-images archive against the plain recipe
   ``np.frombuffer(gzip.decompress(f.read()), offset=16)`` (a read-only view of one big
   ``bytes``; ``read_idx`` validates and returns a writable array);
3. one epoch of ``DataLoader`` over the flattened float32 training set, batch 128,
   shuffled (a gather per batch) and unshuffled (views).

Writes its section ``data`` of benchmarks/RESULTS.md (between its own markers only).
"""
from __future__ import annotations

import argparse
import datetime
import gzip
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

from tinynet import data
from tinynet.data import datasets

RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "RESULTS.md")
BUDGET_SECONDS = 2.0


def median_time(fn, reps):
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def cpu_model():
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
    except OSError:
        return platform.processor() or "unknown CPU"
    lines = [line.split(":", 1)[1].strip() for line in out.splitlines() if line.startswith("Model name:")]
    return lines[0] if lines else platform.processor() or "unknown CPU"


def write_section(name, body):
    """Replace the block between this benchmark's markers in RESULTS.md, atomically."""
    text = open(RESULTS).read() if os.path.exists(RESULTS) else "# Benchmark results\n"
    begin, end = f"<!-- BEGIN {name} -->", f"<!-- END {name} -->"
    block = f"{begin}\n{body.rstrip()}\n{end}"
    if begin in text and end in text:
        text = text[: text.index(begin)] + block + text[text.index(end) + len(end):]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(RESULTS), suffix=".tmp")
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.replace(tmp, RESULTS)


def plain_read(path):
    with open(path, "rb") as f:
        raw = gzip.decompress(f.read())
    return np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(-1, 28, 28)


def run_epoch(loader):
    for xb, yb in loader:
        pass


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md alone")
    args = parser.parse_args(argv)

    found = datasets.locate(datasets.FASHION_MNIST)
    if found is None:
        print("Fashion-MNIST not found locally (apt-get install dataset-fashion-mnist); nothing measured.")
        return 1
    data.load_fashion_mnist(download=False)  # warm the page cache
    load = median_time(lambda: data.load_fashion_mnist(download=False), args.reps)
    train_images = found["train_images"]
    ours = median_time(lambda: data.read_idx(train_images), args.reps)
    plain = median_time(lambda: plain_read(train_images), args.reps)
    assert np.array_equal(data.read_idx(train_images), plain_read(train_images))

    (x, y), _ = data.load_fashion_mnist(download=False)
    x = data.prepare_images(x)
    shuffled = median_time(lambda: run_epoch(data.DataLoader(x, y, batch_size=128, shuffle=True)), args.reps)
    ordered = median_time(lambda: run_epoch(data.DataLoader(x, y, batch_size=128, shuffle=False)), args.reps)

    command = f"python benchmarks/bench_data.py --reps {args.reps}"
    verdict = "within" if load < BUDGET_SECONDS else "OVER"
    lines = [
        "## data: loading Fashion-MNIST and batching",
        "",
        f"Machine: {cpu_model()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"numpy {np.__version__}; {datetime.date.today().isoformat()}; load average at start "
        f"{os.getloadavg()[0]:.1f}.",
        f"Command: `{command}`; median of {args.reps} repetitions, files warm in the page cache "
        f"({os.path.dirname(train_images)}).",
        "",
        "| measurement | seconds | note |",
        "|---|---|---|",
        f"| `load_fashion_mnist()` (4 files, 70000 images) | {load:.3f} | {verdict} the {BUDGET_SECONDS:.0f} s budget |",
        f"| `read_idx(train-images .gz)` | {ours:.3f} | {ours / plain:.2f}x the plain recipe |",
        f"| plain `np.frombuffer(gzip.decompress(...))` | {plain:.3f} | read-only, unvalidated |",
        f"| `DataLoader` epoch, batch 128, shuffled | {shuffled:.3f} | 60000 x 784 float32, gather per batch |",
        f"| `DataLoader` epoch, batch 128, in order | {ordered:.3f} | slices (views) |",
    ]
    body = "\n".join(lines)
    print(body)
    if not args.no_write:
        write_section("data", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
