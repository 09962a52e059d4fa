"""Fused Dense: ``a = f(x @ W + b)`` as one operation instead of two.

The plain Dense layer records two graph nodes, ``Linear`` (``functional.py``) and an
activation (``activations.py``), and makes numpy walk the (N, M) pre-activation three
times forward (matmul output, ``+ b``, ``f``) and three times backward (``f'``, ``g·f'``,
``Σ_rows``). The fused version below does the same math with one node and one pass on
each side around the matrix products:

forward     Z = X·W                         (``kernels.matmul``: BLAS or numba)
            A = f(Z + b)                    one numba pass, written over Z in place
backward    dZ = g ⊙ f'(A)                  one numba pass that also sums the rows:
            db = Σ_rows dZ
            dX = dZ·Wᵀ,  dW = Xᵀ·dZ         (``kernels.matmul_nt`` / ``matmul_tn``)

Every derivative is written with the *output* A, so Z need not be kept:

    relu        f' = [A > 0]                 leaky_relu  f' = 1 if A > 0 else s   (s ≥ 0)
    tanh        f' = 1 − A²                  sigmoid     f' = A (1 − A)
    softsign    f' = (1 − |A|)²              since 1 − |z|/(1 + |z|) = 1/(1 + |z|)

``tests/test_fused_dense.py`` checks the result and every gradient against the plain
``linear`` + activation graph it replaces.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from . import kernels
from .autograd import Function
from .tensor import Tensor

#: Activation names the fused kernel knows, and the code the numba loops switch on.
ACTIVATIONS = {"relu": 1, "leaky_relu": 2, "tanh": 3, "sigmoid": 4, "softsign": 5}


@njit(cache=True)
def _bias_activation_inplace(z, b, code, slope):
    """z[i, j] ← f(z[i, j] + b[j]) for every row i: the forward epilogue, one pass.

    Row by row so both z and b are read contiguously. ``b`` may be empty (no bias).
    """
    n, m = z.shape
    has_bias = b.shape[0] == m
    zero, half, one = z.dtype.type(0.0), z.dtype.type(0.5), z.dtype.type(1.0)
    for i in range(n):
        for j in range(m):
            v = z[i, j] + b[j] if has_bias else z[i, j]
            if code == 1:
                v = v if v > 0 else v * zero
            elif code == 2:
                v = v if v > 0 else v * slope
            elif code == 3:
                v = math.tanh(v)
            elif code == 4:
                v = half * (one + math.tanh(half * v))  # σ(v) = ½(1 + tanh(v/2)), never overflows
            elif code == 5:
                v = v / (one + abs(v))
            z[i, j] = v


@njit(cache=True)
def _activation_grad(g, a, code, slope, dz, db):
    """dz = g ⊙ f'(a) and db = Σ_rows dz, in one pass over the (N, M) arrays."""
    n, m = g.shape
    zero, one = a.dtype.type(0.0), a.dtype.type(1.0)
    for j in range(m):
        db[j] = zero
    for i in range(n):
        for j in range(m):
            y = a[i, j]
            if code == 1:
                d = g[i, j] if y > 0 else g[i, j] * zero
            elif code == 2:
                d = g[i, j] if y > 0 else g[i, j] * slope
            elif code == 3:
                d = g[i, j] * (one - y * y)
            elif code == 4:
                d = g[i, j] * (y * (one - y))
            else:
                s = one - abs(y)
                d = g[i, j] * (s * s)
            dz[i, j] = d
            db[j] += d


class DenseActivation(Function):
    """out = f(x @ W + b) for f in ``ACTIVATIONS``, one node (see the module docstring).

    dx = dZ·Wᵀ, dW = xᵀ·dZ, db = Σ_rows dZ with dZ = g ⊙ f'(out).
    """

    @staticmethod
    def forward(ctx, x, w, b, activation="relu", negative_slope=0.01):
        dtype = np.result_type(x, w) if b is None else np.result_type(x, w, b)
        x, w = x.astype(dtype, copy=False), w.astype(dtype, copy=False)
        bias = np.empty(0, dtype) if b is None else b.astype(dtype, copy=False)
        code, slope = ACTIVATIONS[activation], dtype.type(negative_slope)
        out = kernels.matmul(x, w)
        if not (out.flags.c_contiguous and out.flags.writeable):
            out = np.ascontiguousarray(out)
        _bias_activation_inplace(out, bias, code, slope)
        ctx.save(x, w, out)
        ctx.code, ctx.slope = code, slope
        return out

    @staticmethod
    def backward(ctx, g):
        x, w, out = ctx.saved
        need_x, need_w, need_b = ctx.needs_input_grad
        g = np.ascontiguousarray(g, dtype=out.dtype)
        dz = np.empty_like(out)
        db = np.empty(out.shape[1], out.dtype)
        _activation_grad(g, out, ctx.code, ctx.slope, dz, db)
        dx = kernels.matmul_nt(dz, w) if need_x else None
        dw = kernels.matmul_tn(x, dz) if need_w else None
        return dx, dw, (db if need_b else None)


def dense(x, weight, bias=None, activation="relu", negative_slope=0.01):
    """``activation(x @ weight + bias)`` as one fused node; ``weight`` is (fan_in, fan_out).

    ``activation`` is one of ``ACTIVATIONS``; ``negative_slope`` (≥ 0) is leaky_relu's.
    """
    if activation not in ACTIVATIONS:
        raise ValueError(
            f"fused dense: unknown activation {activation!r}; expected one of {sorted(ACTIVATIONS)} "
            "(for no activation use functional.linear)"
        )
    if negative_slope < 0:
        raise ValueError(
            f"fused dense: negative_slope must be >= 0 (the backward reads the sign from the "
            f"output), got {negative_slope}; use functional.linear and leaky_relu instead"
        )
    x, weight = _as_tensor(x), _as_tensor(weight)
    if x.ndim != 2 or weight.ndim != 2 or x.shape[1] != weight.shape[0]:
        raise ValueError(
            f"fused dense: expected x (N, fan_in) and weight (fan_in, fan_out) with matching "
            f"fan_in, got x {x.shape} and weight {weight.shape}"
        )
    if bias is not None:
        bias = _as_tensor(bias)
        if bias.shape != (weight.shape[1],):
            raise ValueError(
                f"fused dense: bias must have shape ({weight.shape[1]},) to match the weight "
                f"{weight.shape}, got {bias.shape}"
            )
    return DenseActivation.apply(x, weight, bias, activation=activation, negative_slope=float(negative_slope))


def _as_tensor(x):
    return x if isinstance(x, Tensor) else Tensor(x)
