"""Arithmetic, products and elementwise math: each op's forward beside its backward.

Notation in the docstrings: ``out = f(a, b)`` and ``g = dL/d(out)``; each ``backward``
returns ``dL/da, dL/db``. Binary operations broadcast like numpy, and their backward sums
the gradient back to each input's shape (``unbroadcast``). These classes see numpy arrays
only; ``tensor.py`` (the Tensor's operators) and ``functional.py`` (the same as functions)
call them.
"""
from __future__ import annotations

import numpy as np

from . import kernels
from .autograd import Function, unbroadcast


# ------------------------------------------------------------------ arithmetic
class Add(Function):
    """out = a + b;  da = g, db = g."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.shapes = a.shape, b.shape
        return a + b

    @staticmethod
    def backward(ctx, g):
        sa, sb = ctx.shapes
        return unbroadcast(g, sa), unbroadcast(g, sb)


class Sub(Function):
    """out = a - b;  da = g, db = -g."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.shapes = a.shape, b.shape
        return a - b

    @staticmethod
    def backward(ctx, g):
        sa, sb = ctx.shapes
        return unbroadcast(g, sa), unbroadcast(-g, sb)


class Mul(Function):
    """out = a * b;  da = g * b, db = g * a."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save(a, b)
        return a * b

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved
        return unbroadcast(g * b, a.shape), unbroadcast(g * a, b.shape)


class Div(Function):
    """out = a / b;  da = g / b, db = -g * a / b**2."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save(a, b)
        return a / b

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved
        return unbroadcast(g / b, a.shape), unbroadcast(-g * a / (b * b), b.shape)


class Pow(Function):
    """out = a ** b;  da = g * b * a**(b-1), db = g * out * ln(a)  (needs a > 0)."""

    @staticmethod
    def forward(ctx, a, b):
        out = a**b
        ctx.save(a, b, out)
        return out

    @staticmethod
    def backward(ctx, g):
        a, b, out = ctx.saved
        da = unbroadcast(g * b * a ** (b - 1), a.shape) if ctx.needs_input_grad[0] else None
        db = None
        if ctx.needs_input_grad[1]:
            with np.errstate(divide="ignore", invalid="ignore"):
                db = unbroadcast(g * out * np.log(a), b.shape)
        return da, db


class Neg(Function):
    """out = -a;  da = -g."""

    @staticmethod
    def forward(ctx, a):
        return -a

    @staticmethod
    def backward(ctx, g):
        return (-g,)


class MatMul(Function):
    """out = a @ b;  da = g @ bᵀ, db = aᵀ @ g.

    Two-dimensional products go through ``tinynet.kernels`` (numba or numpy backend),
    which compute ``g @ bᵀ`` and ``aᵀ @ g`` without materialising a transpose. Other
    ranks follow numpy's ``matmul`` rules (1-D operands, batched stacks).
    """

    @staticmethod
    def forward(ctx, a, b):
        _check_matmul(a, b)
        dtype = np.result_type(a, b)
        a, b = a.astype(dtype, copy=False), b.astype(dtype, copy=False)
        ctx.save(a, b)
        if a.ndim == 2 and b.ndim == 2:
            return kernels.matmul(a, b)
        return np.matmul(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved
        if a.ndim == 2 and b.ndim == 2:
            da = kernels.matmul_nt(g, b) if ctx.needs_input_grad[0] else None
            db = kernels.matmul_tn(a, g) if ctx.needs_input_grad[1] else None
            return da, db
        a2 = a[None, :] if a.ndim == 1 else a
        b2 = b[:, None] if b.ndim == 1 else b
        g2 = g
        if a.ndim == 1:
            g2 = np.expand_dims(g2, -2)
        if b.ndim == 1:
            g2 = np.expand_dims(g2, -1)
        da = unbroadcast(np.matmul(g2, np.swapaxes(b2, -1, -2)), a2.shape).reshape(a.shape)
        db = unbroadcast(np.matmul(np.swapaxes(a2, -1, -2), g2), b2.shape).reshape(b.shape)
        return da, db


def _check_matmul(a, b):
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError(f"matmul needs at least 1-D operands, got shapes {a.shape} and {b.shape}")
    k_a = a.shape[-1]
    k_b = b.shape[0] if b.ndim == 1 else b.shape[-2]
    if k_a != k_b:
        raise ValueError(
            f"matmul: cannot multiply shapes {a.shape} @ {b.shape}: the inner dimensions "
            f"{k_a} and {k_b} must be equal (did you mean to transpose one operand?)"
        )


class Linear(Function):
    """out = x @ W + b, the Dense layer's affine map as one operation.

    dx = g @ Wᵀ,  dW = xᵀ @ g,  db = Σ_rows g.  Fusing the three saves one graph node and
    one temporary per layer; it is tested against ``x @ W + b`` built from the parts.
    """

    @staticmethod
    def forward(ctx, x, w, b):
        dtype = np.result_type(x, w) if b is None else np.result_type(x, w, b)
        x, w = x.astype(dtype, copy=False), w.astype(dtype, copy=False)
        ctx.save(x, w)
        out = kernels.matmul(x, w)
        if b is not None:
            out += b
        return out

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved
        need_x, need_w, need_b = ctx.needs_input_grad
        dx = kernels.matmul_nt(g, w) if need_x else None
        dw = kernels.matmul_tn(x, g) if need_w else None
        db = g.sum(axis=0) if need_b else None
        return dx, dw, db


# ------------------------------------------------------------- elementwise math
class Exp(Function):
    """out = eᵃ;  da = g · out."""

    @staticmethod
    def forward(ctx, a):
        out = np.exp(a)
        ctx.save(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved
        return (g * out,)


class Log(Function):
    """out = ln a;  da = g / a."""

    @staticmethod
    def forward(ctx, a):
        ctx.save(a)
        return np.log(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved
        return (g / a,)


class Abs(Function):
    """out = |a|;  da = g · sign(a)  (0 at a = 0, as PyTorch)."""

    @staticmethod
    def forward(ctx, a):
        ctx.save(a)
        return np.abs(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved
        return (g * np.sign(a),)


class Clip(Function):
    """out = min(max(a, low), high);  da = g · [low ≤ a ≤ high]  (bounds inclusive, as
    PyTorch's clamp; ``None`` leaves that side open)."""

    @staticmethod
    def forward(ctx, a, low=None, high=None):
        ctx.save(a)
        ctx.low, ctx.high = low, high
        return np.clip(a, low, high)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved
        inside = np.ones(a.shape, dtype=bool)
        if ctx.low is not None:
            inside &= a >= ctx.low
        if ctx.high is not None:
            inside &= a <= ctx.high
        return (g * inside,)
