"""Samples per second of tinynet's samplers against numpy (and torch, when installed).

    python benchmarks/bench_random.py [--n 10000000] [--reps 7]
    python benchmarks/bench_random.py --per-call [--calls 200]

All contenders run in this one process, round-robin (one run of each per repetition, so
a busy machine slows them alike); the figure is the median over repetitions, after a
warm-up run that also compiles the numba kernels. Ratios are tinynet / reference, so
> 1 means tinynet is faster. Results go to the "random" section of benchmarks/RESULTS.md.

``--per-call`` measures what one ``Generator`` call costs at sizes 1, 100, 10^4 and 10^6
(the mean over back-to-back calls, which counts the occasional slow thread wake-up, and
the median), then times the serial and the parallel build of each sampler side by side
for requests of 1 to 64 tasks: the measurement behind ``samplers.SERIAL_MAX_TASKS``. It
writes the "random-per-call" section. It needs nothing newer than ``Generator``, so the
same script can time an older tinynet put first on PYTHONPATH (the build sweep is then
skipped).

``--serial`` times the serial build of each sampler in both dtypes at ``--n`` values (at
most ``SERIAL_MAX_TASKS`` tasks, so the path the initializers and ``tinynet compare``
take), as ns per value and as a ratio to numpy's ``Generator.random`` float64 in the same
round-robin (a ratio is steadier than a time on a shared machine). The figure is the
fastest repetition. It writes the "random-serial" section.
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


SIZES = [1, 100, 10_000, 1_000_000]
SAMPLERS = [("normal", np.float32), ("normal", np.float64), ("uniform", np.float32),
            ("uniform", np.float64), ("truncated_normal", np.float32),
            ("truncated_normal", np.float64)]


def per_call(g, sampler, dtype, n, calls):
    """(mean, median) seconds per ``g.<sampler>(n)`` call over ``calls`` back-to-back calls."""
    f = getattr(g, sampler)
    f(n, dtype=dtype)                                   # warm-up (cache load or compile)
    times = []
    for _ in range(calls):
        t0 = time.perf_counter()
        f(n, dtype=dtype)
        times.append(time.perf_counter() - t0)
    return statistics.fmean(times), statistics.median(times)


def build_sweep(calls):
    """Median ms of the serial and the parallel build, side by side, per task count."""
    from tinynet.kernels import samplers
    if not hasattr(samplers, "SERIAL_MAX_TASKS"):
        return None
    saved, rows = samplers.SERIAL_MAX_TASKS, []
    g = tr.Generator(1)
    try:
        for sampler, dtype in SAMPLERS:
            task = (8 if dtype == np.float32 else 4) * samplers.K * samplers.TILES_PER_TASK
            cells = []
            for tasks in (1, 2, 4, 8, 16, 64):
                times = {"serial": [], "parallel": []}
                for rep in range(max(5, calls // (4 * tasks)) + 1):
                    for path, limit in (("serial", 2**62), ("parallel", -1)):
                        samplers.SERIAL_MAX_TASKS = limit
                        t0 = time.perf_counter()
                        getattr(g, sampler)(tasks * task, dtype=dtype)
                        if rep:                              # rep 0 is the warm-up
                            times[path].append(time.perf_counter() - t0)
                cells.append(tuple(1e3 * statistics.median(times[p]) for p in ("serial", "parallel")))
            rows.append((f"{sampler} {np.dtype(dtype).name}", cells))
    finally:
        samplers.SERIAL_MAX_TASKS = saved
    return rows, saved


def main_per_call(args):
    import tinynet
    g = tr.Generator(0)
    load_before = os.getloadavg()[0]
    rows = [(f"{s} {np.dtype(d).name}", [per_call(g, s, d, n, args.calls if n < 10**6 else 20)
                                         for n in SIZES]) for s, d in SAMPLERS]
    sweep = build_sweep(args.calls)
    load = f"1-minute load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after"
    lines = ["## random: cost of one call (benchmarks/bench_random.py --per-call)", "",
             f"Machine: {machine()}",
             f"Command: `python benchmarks/bench_random.py --per-call --calls {args.calls}` "
             f"(tinynet from {os.path.dirname(tinynet.__file__)}); numba threads "
             f"{numba.get_num_threads()}, threading layer {numba.threading_layer()}; {load}.", "",
             f"ms per call, mean / median over {args.calls} back-to-back calls (20 at 10^6), "
             "after one warm-up call:", "",
             "| sampler | " + " | ".join(f"n = {n:,}" for n in SIZES) + " |",
             "|---|" + "---:|" * len(SIZES)]
    lines += [f"| {name} | " + " | ".join(f"{1e3 * m:.3f} / {1e3 * md:.3f}" for m, md in cells)
              + " |" for name, cells in rows]
    if sweep is not None:
        sweep_rows, limit = sweep
        tasks = (1, 2, 4, 8, 16, 64)
        lines += ["", f"Serial vs parallel build, median ms per call, forced whatever the size "
                  f"(one task = 16384 float32 or 8192 float64 values; the default runs the "
                  f"serial build up to {limit} tasks):", "",
                  "| sampler | " + " | ".join(f"{t} task{'s' if t > 1 else ''}" for t in tasks) + " |",
                  "|---|" + "---:|" * len(tasks)]
        lines += [f"| {name} | " + " | ".join(f"{s:.2f} / {p:.2f}" for s, p in cells) + " |"
                  for name, cells in sweep_rows]
        lines += ["", "(serial / parallel.) A parallel call pays for waking numba's worker "
                  "threads: microseconds when a core is free, several ms when the machine is "
                  "loaded and a worker must wait for a time slice; the load average above says "
                  "which case was measured."]
    body = "\n".join(lines)
    print(body)
    if not args.no_write:
        write_section("random-per-call", body)


def round_robin(contenders, reps):
    """({name: [seconds per call]}, load average before): each contender called once to warm
    up (and compile), then ``reps`` rounds in which every contender runs once, in turn."""
    times = {k: [] for k in contenders}
    for f in contenders.values():
        f()                                            # warm-up and JIT compile
    load_before = os.getloadavg()[0]
    for _ in range(reps):
        for k, f in contenders.items():
            t0 = time.perf_counter()
            f()
            times[k].append(time.perf_counter() - t0)
    return times, load_before


def main_serial(args):
    g, rng, n = tr.Generator(0), np.random.default_rng(0), args.n
    c = {"numpy Generator.random f64": lambda: rng.random(n)}
    for sampler, dtype in SAMPLERS:
        c[f"tinynet {sampler} {np.dtype(dtype).name}"] = (
            lambda s=sampler, d=dtype: getattr(g, s)(n, dtype=d))
    times, load_before = round_robin(c, args.reps)
    ref = min(times["numpy Generator.random f64"])
    lines = ["## random: serial builds (benchmarks/bench_random.py --serial)", "",
             f"Machine: {machine()}", f"Command: `python benchmarks/bench_random.py --serial --n {n} "
             f"--reps {args.reps}`; fastest of {args.reps} round-robin repetitions; 1-minute load "
             f"average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after.", "",
             "| sampler | ns per value | time / numpy Generator.random f64 |", "|---|---:|---:|"]
    lines += [f"| {k} | {1e9 * min(v) / n:.2f} | {min(v) / ref:.2f} |" for k, v in times.items()]
    body = "\n".join(lines)
    print(body)
    if not args.no_write:
        write_section("random-serial", body)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10_000_000)
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--per-call", action="store_true",
                    help="time single calls at sizes 1..10^6 and the serial vs parallel builds")
    ap.add_argument("--calls", type=int, default=200, help="calls per size with --per-call")
    ap.add_argument("--serial", action="store_true",
                    help="the serial builds of all samplers, both dtypes (use --n 500000)")
    ap.add_argument("--no-write", action="store_true", help="print only, leave RESULTS.md alone")
    args = ap.parse_args()
    if args.per_call:
        return main_per_call(args)
    if args.serial:
        from tinynet.kernels import samplers
        limit = samplers.SERIAL_MAX_TASKS * samplers.TILES_PER_TASK * 4 * samplers.K
        if args.n > limit:
            ap.error(f"--serial needs --n <= {limit} (the float64 serial limit); got {args.n}")
        return main_serial(args)
    c = contenders(args.n)
    times, load_before = round_robin(c, args.reps)
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
