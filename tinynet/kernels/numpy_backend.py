"""The plain-numpy twin of :mod:`tinynet.kernels.matmul`: the same three products, by BLAS.

    c = matmul(a, b, c)        # a @ b
    c = matmul_tn(a, b, c)     # a.T @ b
    c = matmul_nt(a, b, c)     # a @ b.T

It is the reference the numba kernels are tested against and the ``"blas"`` backend of
``tinynet.kernels.use`` (also accepted as ``"numpy"``), so a learner can swap one for the
other and compare speed and results. ``a.T`` and ``b.T`` are views (swapped strides); numpy hands them to BLAS with a
"transposed" flag instead of copying. Each function writes into the C-contiguous (m, n)
array ``c`` (``None``: a new one) and returns it, matching the numba kernels' calling convention.
"""
import numpy as np


def matmul(a, b, c=None):
    """c = a @ b;  a (m, k), b (k, n)."""
    return np.matmul(a, b, out=c)


def matmul_tn(a, b, c=None):
    """c = a.T @ b;  a (k, m), b (k, n)."""
    return np.matmul(a.T, b, out=c)


def matmul_nt(a, b, c=None):
    """c = a @ b.T;  a (m, k), b (n, k)."""
    return np.matmul(a, b.T, out=c)
