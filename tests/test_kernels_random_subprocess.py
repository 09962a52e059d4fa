"""tinynet.kernels.random gives the same bytes on 1 thread, on 2 threads, and without JIT."""
import hashlib
import importlib
import os
import subprocess
import sys

import numba
import numpy as np
import pytest

from tinynet.kernels import random as tr

# Each draw spans several parallel tasks, so the threads really do split the work.
SCRIPT = """
import hashlib, sys
import numpy as np
from tinynet.kernels import random as tr
n = int(sys.argv[1])
g = tr.Generator(2024, stream=3)
h = hashlib.sha256()
for dt in (np.float32, np.float64):
    h.update(g.uniform(n, dtype=dt).tobytes())
    h.update(g.normal(n, mean=1.0, std=2.0, dtype=dt).tobytes())
    h.update(g.truncated_normal(n, dtype=dt).tobytes())
    h.update(g.truncated_normal(n, a=4.0, b=float("inf"), dtype=dt).tobytes())
print(h.hexdigest())
"""


def _digest_here(n):
    g = tr.Generator(2024, stream=3)
    h = hashlib.sha256()
    for dt in (np.float32, np.float64):
        h.update(g.uniform(n, dtype=dt).tobytes())
        h.update(g.normal(n, mean=1.0, std=2.0, dtype=dt).tobytes())
        h.update(g.truncated_normal(n, dtype=dt).tobytes())
        h.update(g.truncated_normal(n, a=4.0, b=float("inf"), dtype=dt).tobytes())
    return h.hexdigest()


def _digest_in_subprocess(n, **env):
    out = subprocess.run([sys.executable, "-c", SCRIPT, str(n)], capture_output=True, text=True,
                         env={**os.environ, **env}, timeout=600)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


@pytest.mark.slow
def test_same_bytes_with_one_thread_as_with_all_threads():
    n = 1_100_000                               # > SERIAL_MAX_TASKS tasks: the parallel build
    assert numba.get_num_threads() >= 1
    assert _digest_in_subprocess(n, NUMBA_NUM_THREADS="1") == _digest_here(n)


@pytest.mark.slow
def test_same_bytes_without_jit():
    n = 1500                                    # plain Python is slow; two tiles are enough
    assert _digest_in_subprocess(n, NUMBA_DISABLE_JIT="1") == _digest_here(n)


SMALL_DRAWS = """
import numpy as np
from numba.np.ufunc import parallel
from tinynet.kernels import random as tr, samplers
g = tr.Generator(0)
for dt in (np.float32, np.float64):
    g.uniform(100, dtype=dt); g.normal(100, dtype=dt); g.truncated_normal(100, dtype=dt)
names = ["_uniform_f32", "_uniform_f64", "_normal_f32", "_normal_f64", "_truncated_f32", "_truncated_f64"]
hits = sum(sum(getattr(samplers, n).serial.stats.cache_hits.values()) for n in names)
print(parallel._is_initialized, hits)
"""


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("NUMBA_DISABLE_JIT", "0") not in ("", "0"), reason="needs the JIT")
def test_small_draws_load_the_serial_build_from_the_cache_and_never_start_threads():
    """In a fresh process, small draws run the serial machine code read from the on-disk
    cache: had the serial build loaded the parallel build's cache entry, numba's thread pool
    would be started. (The first run of this script fills the cache; the second reads it.)"""
    pool = importlib.import_module("numba.np.ufunc.parallel")
    if not hasattr(pool, "_is_initialized"):
        pytest.skip("this numba does not expose whether its thread pool started")
    for _ in range(2):
        out = subprocess.run([sys.executable, "-c", SMALL_DRAWS], capture_output=True, text=True,
                             timeout=600)
        assert out.returncode == 0, out.stderr
    started, hits = out.stdout.split()
    assert started == "False"
    assert int(hits) == 6
