"""Samples per second of tinynet's samplers against numpy (and torch, when installed).

    python benchmarks/bench_random.py [--n 10000000] [--reps 7]

All contenders run in this one process, round-robin (one run of each per repetition, so
a busy machine slows them alike); the figure is the median over repetitions, after a
warm-up run that also compiles the numba kernels. Ratios are tinynet / reference, so
> 1 means tinynet is faster. Results go to the "random" section of benchmarks/RESULTS.md.
"""
import argparse
import os
import statistics
import sys
import time

import numba
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
try:
    from results_md import machine, write_section  # the shared RESULTS.md writer
except ImportError:                                # without it: print only
    def machine():
        import platform
        return f"{platform.processor() or 'unknown CPU'}, {os.cpu_count()} cores"

    def write_section(name, body):
        print(f"(benchmarks/results_md.py missing: section {name!r} not written)")

from tinynet.kernels import random as tr  # noqa: E402

try:
    import torch
except ImportError:
    torch = None


def numpy_truncated_normal(rng, n, a=-2.0, b=2.0):
    """The plain numpy way: draw N(0, 1), redraw the values outside [a, b] until none are."""
    out = rng.standard_normal(n, dtype=np.float32)
    bad = np.flatnonzero((out < a) | (out > b))
    while bad.size:
        out[bad] = rng.standard_normal(bad.size, dtype=np.float32)
        bad = bad[(out[bad] < a) | (out[bad] > b)]
    return out


def contenders(n):
    g = tr.Generator(0)
    rng = np.random.default_rng(0)
    c = {
        "tinynet normal f32": lambda: g.normal(n),
        "numpy standard_normal f32": lambda: rng.standard_normal(n, dtype=np.float32),
        "tinynet truncated_normal(+-2) f32": lambda: g.truncated_normal(n, -2.0, 2.0),
        "numpy rejection truncated(+-2) f32": lambda: numpy_truncated_normal(rng, n),
        "tinynet uniform f32": lambda: g.uniform(n),
        "numpy Generator.random f32": lambda: rng.random(n, dtype=np.float32),
    }
    if torch is not None:
        t = torch.empty(n, dtype=torch.float32)
        c["torch Tensor.normal_ f32"] = lambda: t.normal_()
        c["torch nn.init.trunc_normal_(+-2) f32"] = lambda: torch.nn.init.trunc_normal_(t, 0.0, 1.0, -2.0, 2.0)
    return c


GOALS = [  # (tinynet, reference, goal ratio)
    ("tinynet normal f32", "numpy standard_normal f32", 3.0),
    ("tinynet normal f32", "torch Tensor.normal_ f32", 1.0),
    ("tinynet truncated_normal(+-2) f32", "torch nn.init.trunc_normal_(+-2) f32", 5.0),
    ("tinynet truncated_normal(+-2) f32", "numpy rejection truncated(+-2) f32", 3.0),
    ("tinynet uniform f32", "numpy Generator.random f32", 1.0),
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10_000_000)
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--no-write", action="store_true", help="print only, leave RESULTS.md alone")
    args = ap.parse_args()
    c = contenders(args.n)
    times = {k: [] for k in c}
    for f in c.values():
        f()                                            # warm-up and JIT compile
    load_before = os.getloadavg()[0]
    for _ in range(args.reps):
        for k, f in c.items():
            t0 = time.perf_counter()
            f()
            times[k].append(time.perf_counter() - t0)
    rate = {k: args.n / statistics.median(v) for k, v in times.items()}
    load = f"1-minute load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after the runs"

    threads = f"numba threads {numba.get_num_threads()}"
    if torch is not None:
        threads += f", torch {torch.__version__} threads {torch.get_num_threads()}"
    lines = ["## random: samplers (benchmarks/bench_random.py)", "",
             f"Machine: {machine()}", f"Command: `python benchmarks/bench_random.py --n {args.n} "
             f"--reps {args.reps}`; n = {args.n:,} float32 values, median of {args.reps} "
             f"round-robin repetitions; {threads}; {load} "
             f"(on {os.cpu_count()} cores: a load above that means other jobs shared the CPUs).", "",
             "| sampler | M samples/s |", "|---|---:|"]
    lines += [f"| {k} | {r / 1e6:.1f} |" for k, r in rate.items()]
    lines += ["", "| tinynet vs reference | ratio | goal | met |", "|---|---:|---:|:---:|"]
    for ours, ref, goal in GOALS:
        if ref in rate:
            ratio = rate[ours] / rate[ref]
            lines.append(f"| {ours} / {ref} | {ratio:.2f}x | >= {goal:g}x | "
                         f"{'yes' if ratio >= goal else 'NO'} |")
        else:
            lines.append(f"| {ours} / {ref} | not measured (torch not installed) | >= {goal:g}x | - |")
    body = "\n".join(lines)
    print(body)
    if not args.no_write:
        write_section("random", body)


if __name__ == "__main__":
    main()
