"""``--threads N`` for the benchmark scripts: cap every thread pool before it starts.

OpenBLAS, numba and PyTorch (OpenMP) read their thread counts from the environment once,
at import, so this module must be imported before numpy. On a machine shared with other
busy processes, pools of spinning threads slow each other down badly; one thread per
contender measures the engines rather than the scheduler.
"""
import os
import sys


def apply_from_argv(argv=None):
    """Set the pools' sizes from ``--threads N`` in argv (if present); return N or None."""
    argv = sys.argv[1:] if argv is None else argv
    if "--threads" not in argv:
        return None
    n = argv[argv.index("--threads") + 1]
    if not n.isdigit() or int(n) < 1:
        raise SystemExit(f"--threads expects a positive integer, got {n!r}")
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
        os.environ[var] = n
    return int(n)
