"""Thread counts where tinynet starts work: OpenBLAS on one thread for tinynet's commands.

The lab multiplies small matrices (a few hundred rows by 64 columns) thousands of times.
Split across threads, such a product spends more time starting and synchronising the
threads than computing, and OpenBLAS threads that spin while waiting burn whole cores --
on a busy two-core machine, 450x64 by 64x64 products took 15x more CPU time on two
threads than on one, and even a Fashion-MNIST batch product (128x784 by 784x256, float32)
took 12x longer, wall clock. ``single_blas_thread()`` limits OpenBLAS (the library numpy ships with) to
one thread for the duration of a block and restores the previous count afterwards.

OpenBLAS is found among the libraries already loaded into the process (Linux:
/proc/self/maps); anywhere it cannot be found, the block runs unchanged.

Since training's products run on tinynet's own kernels (``tinynet.kernels``), OpenBLAS
only serves the odd numpy call of a lesson or a diagnostic (a QR for the orthogonal
initializer, a Jacobian's SVD), where a second thread gains little and its spinning costs
a whole core on a busy machine. ``command_environment(env)`` gives a subprocess that
tinynet starts (a lesson's lesson.py) the same setting, without touching the user's own
environment: variables the user already set are kept.

``tinynet compare`` runs its fits in worker processes, one per core
(:mod:`tinynet.lab.workers`). Each worker calls :func:`one_thread_per_worker`: tinynet's
kernels and OpenBLAS on one thread each, so that two workers on two cores never wait
for each other's threads. With ``--jobs 1`` the fits run in the command's own process,
under ``single_blas_thread()``, and large products still share the kernels' threads.
"""
from __future__ import annotations

import contextlib
import ctypes
import os
import sys

_PREFIXES = ("scipy_openblas", "openblas")
_SUFFIXES = ("64_", "")


def _openblas_controls():
    """(get_num_threads, set_num_threads) of the loaded OpenBLAS, or None."""
    try:
        with open("/proc/self/maps", encoding="utf-8") as f:
            paths = sorted({line.split()[-1] for line in f if "openblas" in line.lower() and "/" in line})
    except OSError:
        return None
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for prefix in _PREFIXES:
            for suffix in _SUFFIXES:
                get = getattr(lib, f"{prefix}_get_num_threads{suffix}", None)
                put = getattr(lib, f"{prefix}_set_num_threads{suffix}", None)
                if get is not None and put is not None:
                    get.restype, put.argtypes = ctypes.c_int, [ctypes.c_int]
                    return get, put
    return None


@contextlib.contextmanager
def single_blas_thread():
    """``with single_blas_thread(): ...`` runs the block with OpenBLAS on one thread."""
    controls = _openblas_controls()
    if controls is None:
        yield
        return
    get, put = controls
    before = get()
    put(1)
    try:
        yield
    finally:
        put(before)


def one_thread_per_worker():
    """For the rest of this process (a worker): tinynet's kernels and OpenBLAS on one thread,
    and every random draw on the samplers' serial build.

    The serial build gives the same bits as the parallel one (``kernels/samplers.py``), and
    in a forked worker it is the only safe one: numba's OpenMP threading layer ends a
    forked child that enters a parallel region ("fork() called from a process already
    using GNU OpenMP") once the parent has used it."""
    from .. import kernels
    from ..kernels import samplers

    kernels.set_num_threads(1)
    samplers.SERIAL_MAX_TASKS = sys.maxsize
    controls = _openblas_controls()
    if controls is not None:
        controls[1](1)


#: Variables that size OpenBLAS's pool (and the OpenMP pools of other BLAS builds).
BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def command_environment(env=None):
    """A copy of ``env`` (default: os.environ) for a subprocess tinynet starts: BLAS pools on
    one thread, unless the user set any of ``BLAS_THREAD_VARIABLES`` themselves.

    tinynet's own matrix products are sized by ``tinynet.kernels.set_num_threads`` (default:
    NUMBA_NUM_THREADS), which this leaves alone.
    """
    env = dict(os.environ if env is None else env)
    if not any(name in env for name in BLAS_THREAD_VARIABLES):
        env["OPENBLAS_NUM_THREADS"] = "1"
    return env
