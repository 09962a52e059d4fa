"""Start-up cost of tinynet's numba kernels: cold compile, warm start, and the default compare.

    python benchmarks/bench_startup.py [--runs 5] [--no-write]
    python benchmarks/bench_startup.py --quick --no-write      # a smoke test: seconds, not minutes

Each measurement is a fresh subprocess, so nothing compiled or imported by this script
counts. "Cold" means an empty numba cache: ``NUMBA_CACHE_DIR`` points at a new temporary
directory, as after a fresh install.

(1) cold compile of everything the default ``tinynet compare`` uses: the subprocess runs
    the compare with numba's compile events recorded (``numba.core.event``), and reports
    the wall time spent in top-level compilations and which kernels they were;
(2) the same compare again with the cache now filled (warm): its wall time is the
    "default compare warm" figure;
(3) cold: the first calls of the three matmul products in both dtypes (the figure the
    first version of this benchmark reported, 18.1 s);
(4) warm start: ``import tinynet`` + one ``nn.Dense(784, 256, relu)`` forward and backward
    on a (128, 784) float32 batch, median of ``--runs`` subprocesses.
Results go to the "startup" section of benchmarks/RESULTS.md.

    python benchmarks/bench_startup.py --samplers [--runs 3]

times only the random samplers, cold, in a fresh process per run: the three float64 ones
in the order the default compare first calls them, then the three float32 ones. It reports
wall and CPU seconds per top-level kernel (CPU time is steadier on a shared machine) and
prints only.

Python's own bytecode cache is always on in the subprocesses (``PYTHONDONTWRITEBYTECODE``
is removed from their environment): an installed tinynet has its ``.pyc`` files, and
compiling its ~90 modules from source on every start (~0.1 s) is not a cost a user pays.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from results_md import machine, write_section  # noqa: E402

COMPARE = """
import json, os, sys, time
from numba.core import event
# One line per top-level compilation, from whichever process compiles: the compare trains
# in forked worker processes, which inherit this listener and this line-buffered file.
log = open(sys.argv[1] + "l", "a", buffering=1)
depth, self_start = [0], []
class Outer(event.Listener):
    def on_start(self, ev):
        if depth[0] == 0:
            self_start.append(time.perf_counter())
        depth[0] += 1
    def on_end(self, ev):
        depth[0] -= 1
        if depth[0] == 0:
            fn = getattr(ev.data.get("dispatcher"), "py_func", None)
            name = fn.__qualname__ if fn else "?"
            seconds = time.perf_counter() - self_start.pop()
            log.write(json.dumps({"pid": os.getpid(), "name": name, "seconds": seconds}) + "\\n")
event.register("numba:compile", Outer())
t0 = time.perf_counter()
from tinynet.cli import main
try:
    main(sys.argv[2:])
except SystemExit as stop:
    if stop.code not in (None, 0):
        raise
print(json.dumps({"wall": time.perf_counter() - t0}), file=open(sys.argv[1], "w"))
"""

MATMUL = """
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


SAMPLERS = """
import json, sys, time
from numba.core import event
depth, spent, starts = [0], {}, []
clock = lambda: (time.perf_counter(), time.process_time())
class Outer(event.Listener):
    def on_start(self, ev):
        if depth[0] == 0:
            starts.append(clock())
        depth[0] += 1
    def on_end(self, ev):
        depth[0] -= 1
        if depth[0] == 0:
            fn = getattr(ev.data.get("dispatcher"), "py_func", None)
            (w0, c0), (w1, c1) = starts.pop(), clock()
            w, c = spent.get(fn.__qualname__ if fn else "?", (0.0, 0.0))
            spent[fn.__qualname__ if fn else "?"] = (w + w1 - w0, c + c1 - c0)
event.register("numba:compile", Outer())
import numpy as np
from tinynet.kernels import random as tr
g = tr.Generator(0)
for sampler in sys.argv[2:]:
    getattr(g, sampler)(100, dtype=np.dtype(sys.argv[1]))
print(json.dumps(spent))
"""
SAMPLER_SETS = (("float64", ["normal", "truncated_normal", "uniform"]),   # the compare's order
                ("float32", ["uniform", "normal", "truncated_normal"]))   # a Dense layer's default first


def main_samplers(runs):
    for dtype, samplers in SAMPLER_SETS:
        for r in range(runs):
            with tempfile.TemporaryDirectory() as cache:
                _, out = run(["-c", SAMPLERS, dtype, *samplers], numba_cache_env(cache))
            spent = json.loads(out.strip().splitlines()[-1])
            wall, cpu = (sum(v[i] for v in spent.values()) for i in (0, 1))
            print(f"{dtype} run {r + 1}: total {wall:.2f} s wall / {cpu:.2f} s CPU; "
                  + ", ".join(f"{k} {w:.2f}/{c:.2f}" for k, (w, c) in spent.items()))


def numba_cache_env(cache):
    """The subprocesses' environment: numba's cache in ``cache``, Python's bytecode cache on."""
    env = dict(os.environ, NUMBA_CACHE_DIR=cache)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run(args, env):
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-3000:])
    return wall, proc.stdout


def compare_run(env, compare_args, folder):
    """(wall seconds, {kernel: compile seconds}, {pid: compile seconds}) of one compare.

    A kernel compiled by several worker processes at once (each finds the cache empty)
    counts once, with its longest time: the figure is the compile work of the set of
    kernels the compare uses, whichever process does it.
    """
    report = os.path.join(folder, "compiles.json")
    if os.path.exists(report + "l"):
        os.remove(report + "l")
    wall, _ = run(["-c", COMPARE, report, "compare", "--quiet", "--out",
                   os.path.join(folder, "out"), *compare_args], env)
    kernels, processes = {}, {}
    if os.path.exists(report + "l"):
        with open(report + "l") as f:
            records = [json.loads(line) for line in f if line.strip()]
        for pid in {r["pid"] for r in records}:
            mine = {}
            for r in records:
                if r["pid"] == pid:
                    mine[r["name"]] = mine.get(r["name"], 0.0) + r["seconds"]
            processes[pid] = sum(mine.values())
            for name, seconds in mine.items():
                kernels[name] = max(kernels.get(name, 0.0), seconds)
    return wall, kernels, processes


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quick", action="store_true",
                        help="a short compare (1 seed, 20 steps) and 2 warm runs: a smoke test")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--samplers", action="store_true",
                        help="only the random samplers' cold compile, per kernel (prints only)")
    args = parser.parse_args()
    if args.samplers:
        return main_samplers(args.runs)
    compare_args = ["--seeds", "1", "--steps", "20"] if args.quick else []
    runs = 2 if args.quick else args.runs
    with tempfile.TemporaryDirectory() as cache, tempfile.TemporaryDirectory() as folder:
        env = numba_cache_env(cache)
        cold_wall, compiles, processes = compare_run(env, compare_args, folder)
        warm_compare = [compare_run(env, compare_args, folder)[0] for _ in range(1 if args.quick else 3)]
    with tempfile.TemporaryDirectory() as cache:
        env = numba_cache_env(cache)
        _, out = run(["-c", MATMUL], env)
        _, matmul_compile = map(float, out.split())
        run(["-c", WARM], env)  # fills the cache for the layer's own kernels
        warm = [run(["-c", WARM], env)[0] for _ in range(runs)]
    compile_total = sum(compiles.values())
    kernels = ", ".join(f"{name} {t:.2f}" for name, t in sorted(compiles.items(), key=lambda kv: -kv[1]))
    command = "python benchmarks/bench_startup.py" + (" --quick" if args.quick else f" --runs {args.runs}")
    which = "`tinynet compare " + " ".join(compare_args) + "`" if compare_args else "the default `tinynet compare`"
    lines = [
        "## startup: numba compile (cold cache), warm start, default compare",
        "",
        f"Machine: {machine()}. Load average: {os.getloadavg()[0]:.1f}.",
        f"Command: `{command}`. Each figure is a fresh subprocess; cold = empty NUMBA_CACHE_DIR.",
        "",
        "| measurement | seconds | goal |",
        "|---|---|---|",
        f"| cold: numba compilation during {which} (sum of top-level compiles, each kernel once) | "
        f"{compile_total:.2f} | <= 8 |",
        f"| cold: that whole compare, wall (minus the warm compare: {cold_wall - statistics.median(warm_compare):.2f}) | "
        f"{cold_wall:.2f} | |",
        f"| cold: compile seconds per process ({len(processes)} compiled) | "
        f"{', '.join(f'{t:.2f}' for t in sorted(processes.values(), reverse=True)) or '-'} | |",
        f"| warm: the same compare, cache filled, wall (median of {len(warm_compare)}) | "
        f"{statistics.median(warm_compare):.2f} | <= 8 |",
        f"| cold: first calls of the 3 matmul products x 2 dtypes (compile) | {matmul_compile:.2f} | (was 18.1) |",
        f"| warm: `import tinynet` + Dense(784, 256, relu) forward+backward, median of {runs} | "
        f"{statistics.median(warm):.2f} | <= 1 |",
        f"| warm: all runs | {', '.join(f'{w:.2f}' for w in warm)} | |",
        "",
        f"Kernels compiled by the cold compare (seconds each): {kernels}.",
    ]
    body = "\n".join(lines)
    print(body)
    if not args.no_write:
        write_section("startup", body)


if __name__ == "__main__":
    main()
