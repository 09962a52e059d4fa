"""Orthogonal initialization (Saxe, McClelland & Ganguli 2013).

A square orthogonal W preserves every vector's norm, ``|x W| = |x|``: all singular values
are 1, so a deep *linear* network's Jacobian neither explodes nor vanishes in any
direction ("dynamical isometry"), and learning time can be independent of depth.

Construction (Keras's, for any rank >= 2): flatten the shape to a matrix of
``rows = prod(shape[:-1])`` by ``cols = shape[-1]``, draw a Gaussian matrix A of shape
(max, min), take its QR decomposition A = QR, and fix the signs

    Q <- Q * sign(diag(R)).

Without the fix the result is *not* uniformly (Haar) distributed: LAPACK's Householder QR
makes diag(R) non-positive by construction, which ties each column's sign to the
Gaussian draw; multiplying by sign(diag(R)) makes the factorisation unique (R with a
positive diagonal), and the Q of a Gaussian matrix under that convention is Haar
distributed (Mezzadri 2007, "How to generate random matrices from the classical compact
groups"). If rows < cols the result is transposed, so W has orthonormal rows
(W W^T = gain^2 I) instead of orthonormal columns (W^T W = gain^2 I).

The QR runs in float64 whatever the requested dtype, then the result is rounded once.
"""
import math

import numpy as np

from .base import Initializer, check_number
from .fans import check_shape

__all__ = ["Orthogonal", "haar_orthogonal"]


def haar_orthogonal(gaussian):
    """The Q factor of a tall Gaussian matrix with the sign fix: orthonormal columns, Haar."""
    q, r = np.linalg.qr(gaussian)
    signs = np.where(np.diagonal(r) < 0, -1.0, 1.0)   # sign(0) counts as +1 (probability 0)
    return q * signs


class Orthogonal(Initializer):
    """``gain`` times a random orthogonal matrix (rank >= 2; higher ranks flattened as Keras).

    Use it for deep linear or tanh networks and recurrent kernels; it is also the start of
    LSUV (``lsuv.py``). ``gain`` scales every singular value (e.g. sqrt(2) for ReLU).

    >>> w = Orthogonal(gain=1.0, seed=0)((256, 256), dtype="float64")
    >>> bool(np.allclose(w.T @ w, np.eye(256)))
    True
    """

    _params = ("gain",)

    def __init__(self, gain=1.0, seed=None):
        super().__init__(seed)
        self.gain = check_number(gain, "gain", "Orthogonal")

    def _sample(self, shape, dtype):
        dims = check_shape(shape, "Orthogonal", allow_zero=False)
        if len(dims) < 2:
            raise ValueError(f"Orthogonal: needs a shape of rank >= 2 (a matrix, or a kernel "
                             f"flattened to one); got {shape!r} of rank {len(dims)}. For a bias "
                             f"vector use 'zeros'.")
        rows, cols = math.prod(dims[:-1]), dims[-1]
        tall = (max(rows, cols), min(rows, cols))
        a = self._generator().normal(tall, 0.0, 1.0, np.float64)
        q = haar_orthogonal(a)
        if rows < cols:
            q = q.T
        return (self.gain * q).reshape(dims).astype(dtype, copy=False)
