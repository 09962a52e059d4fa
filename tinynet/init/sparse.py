"""Sparse initialization (Martens 2010) and PyTorch's ``sparse_``.

Martens ("Deep learning via Hessian-free optimization", 2010, section 5) limits the number
of non-zero *incoming* weights of every unit (15 in his experiments) and sets the biases to
0: each unit then sums a few inputs at full strength instead of many at a tiny scale, so
units differ from each other without saturating. Sutskever et al. (2013) describe the
scheme with the non-zero weights drawn from a unit Gaussian, the default here.

In tinynet's layout (fan_in, fan_out) a unit's incoming weights are a column, so
:class:`Sparse` keeps ``min(nonzero, fan_in)`` random entries of every column.

PyTorch's ``torch.nn.init.sparse_(w, sparsity, std=0.01)`` is a different rule: in its
(out, in) layout it zeroes ``ceil(sparsity * out)`` entries of every *column* of ``w``,
i.e. of the outgoing weights of each input. :func:`torch_sparse` draws that, in tinynet's
layout: every *row* (one input's outgoing weights) gets ``ceil(sparsity * fan_out)`` zeros.

>>> w = Sparse(nonzero=3, seed=0)((10, 4), dtype="float64")
>>> (w != 0).sum(axis=0).tolist()            # 3 incoming weights per unit
[3, 3, 3, 3]
>>> v = torch_sparse((4, 10), sparsity=0.5, seed=0, dtype="float64")
>>> (v == 0).sum(axis=1).tolist()            # ceil(0.5 * 10) zeros per input
[5, 5, 5, 5]
"""
import math
import numbers

import numpy as np

from .base import Initializer, check_number, resolve_dtype
from .fans import check_shape

__all__ = ["Sparse", "torch_sparse"]


def _keep_first(keys, count, axis):
    """A boolean mask with ``count`` True entries along ``axis``: where ``keys`` rank lowest."""
    ranks = np.argsort(np.argsort(keys, axis=axis), axis=axis)
    return ranks < count


def _matrix(shape, who):
    dims = check_shape(shape, who, allow_zero=False)
    if len(dims) != 2:
        raise ValueError(f"{who}: needs a 2-D shape (fan_in, fan_out), as PyTorch's sparse_; "
                         f"got {shape!r} of rank {len(dims)}.")
    return dims


class Sparse(Initializer):
    """Each unit gets ``min(nonzero, fan_in)`` non-zero incoming weights ~ N(0, std²); the rest 0.

    Martens 2010 (15 incoming weights per unit, biases 0). ``nonzero`` counts weights, not a
    fraction, so the scale of a unit's input does not shrink as layers get wider.
    """

    _params = ("nonzero", "std")

    def __init__(self, nonzero=15, std=1.0, seed=None):
        super().__init__(seed)
        if isinstance(nonzero, bool) or not isinstance(nonzero, numbers.Integral) or nonzero < 1:
            raise ValueError(f"Sparse: nonzero must be a positive integer (weights kept per unit); "
                             f"got {nonzero!r}.")
        self.nonzero = int(nonzero)
        self.std = check_number(std, "std", "Sparse", minimum=0.0)

    def _sample(self, shape, dtype):
        dims = _matrix(shape, "Sparse")
        g = self._generator()
        values = g.normal(dims, 0.0, self.std, dtype)
        keys = g.uniform(dims, dtype=np.float64)
        return np.where(_keep_first(keys, min(self.nonzero, dims[0]), axis=0), values, dtype.type(0))


def torch_sparse(shape, sparsity, std=0.01, seed=None, dtype=None):
    """An array drawn as PyTorch's ``sparse_(w, sparsity, std)``, in tinynet's layout.

    Every row (the outgoing weights of one input) has ``ceil(sparsity * fan_out)`` zeros; the
    other entries are N(0, std²). See the module docstring for how this differs from Martens.
    """
    dtype = resolve_dtype(dtype, "torch_sparse")
    dims = _matrix(shape, "torch_sparse")
    sparsity = check_number(sparsity, "sparsity", "torch_sparse", minimum=0.0)
    if sparsity > 1:
        raise ValueError(f"torch_sparse: sparsity is the fraction of zeros, in [0, 1]; got {sparsity}.")
    std = check_number(std, "std", "torch_sparse", minimum=0.0)
    g = Sparse(seed=seed)._generator()
    values = g.normal(dims, 0.0, std, dtype)
    keys = g.uniform(dims, dtype=np.float64)
    zeros = _keep_first(keys, math.ceil(sparsity * dims[1]), axis=1)
    return np.where(zeros, dtype.type(0), values)
