"""Run a snippet in a fresh Python with extra environment variables, and get back the array it saved.

    array = array_from_subprocess(code, NUMBA_NUM_THREADS="1")

``code`` saves one array with ``np.save(sys.argv[1], ...)``. A fresh process is the only way
to change what numba reads at start-up (NUMBA_NUM_THREADS, NUMBA_DISABLE_JIT), so the tests
that compare thread counts or the compiled and plain-Python kernels all go through here.
"""
import os
import subprocess
import sys
import tempfile

import numpy as np


def array_from_subprocess(code, timeout=300, **env):
    """The array ``code`` saved to ``sys.argv[1]``, run with ``env`` added to this environment."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "out.npy")
        proc = subprocess.run([sys.executable, "-c", code, path], env={**os.environ, **env},
                              capture_output=True, text=True, timeout=timeout)
        assert proc.returncode == 0, proc.stderr
        return np.load(path)
