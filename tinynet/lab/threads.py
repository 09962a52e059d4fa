"""Run the lab's small matrix products on one BLAS thread.

The lab multiplies small matrices (a few hundred rows by 64 columns) thousands of times.
Split across threads, such a product spends more time starting and synchronising the
threads than computing, and OpenBLAS threads that spin while waiting burn whole cores --
on a busy two-core machine, 450x64 by 64x64 products took 15x more CPU time on two
threads than on one, and even a Fashion-MNIST batch product (128x784 by 784x256, float32)
took 12x longer, wall clock. ``single_blas_thread()`` limits OpenBLAS (the library numpy ships with) to
one thread for the duration of a block and restores the previous count afterwards.

OpenBLAS is found among the libraries already loaded into the process (Linux:
/proc/self/maps); anywhere it cannot be found, the block runs unchanged.
"""
from __future__ import annotations

import contextlib
import ctypes

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
