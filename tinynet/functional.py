"""Differentiable operations, each forward beside its backward.

Notation in the docstrings: ``out = f(a, b)`` and ``g = dL/d(out)``; each ``backward``
returns ``dL/da, dL/db``. Binary operations broadcast like numpy, and their backward sums
the gradient back to each input's shape (``unbroadcast``).
"""
from __future__ import annotations

import numpy as np

from . import kernels
from .autograd import Function, unbroadcast
from .tensor import Tensor


def _tensor(x, like=None):
    """Wrap a non-Tensor operand; a Python number takes the other operand's dtype."""
    if isinstance(x, Tensor):
        return x
    if like is not None and isinstance(x, (int, float, bool, np.integer)):
        return Tensor(np.asarray(x, dtype=like.dtype))
    return Tensor(x)


def _pair(a, b):
    a = _tensor(a, b if isinstance(b, Tensor) else None)
    return a, _tensor(b, a)


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


# ------------------------------------------------------------------ reductions
class Sum(Function):
    """out = Σ a over ``axis``;  da = g broadcast back over the summed axes."""

    @staticmethod
    def forward(ctx, a, axis=None, keepdims=False):
        ctx.shape, ctx.axis, ctx.keepdims = a.shape, axis, keepdims
        return np.asarray(a.sum(axis=axis, keepdims=keepdims))

    @staticmethod
    def backward(ctx, g):
        if not ctx.keepdims and ctx.axis is not None:
            g = np.expand_dims(g, ctx.axis)
        return (np.broadcast_to(g, ctx.shape).copy(),)


class Mean(Function):
    """out = (1/n) Σ a over ``axis``;  da = g / n broadcast back."""

    @staticmethod
    def forward(ctx, a, axis=None, keepdims=False):
        ctx.shape, ctx.axis, ctx.keepdims = a.shape, axis, keepdims
        n = a.size if axis is None else np.prod([a.shape[i] for i in np.atleast_1d(axis)])
        ctx.n = max(int(n), 1)
        return np.asarray(a.mean(axis=axis, keepdims=keepdims))

    @staticmethod
    def backward(ctx, g):
        if not ctx.keepdims and ctx.axis is not None:
            g = np.expand_dims(g, ctx.axis)
        return (np.broadcast_to(g / ctx.n, ctx.shape).copy(),)


# --------------------------------------------------------------------- shaping
class Reshape(Function):
    """out = a viewed with a new shape;  da = g viewed with a's shape."""

    @staticmethod
    def forward(ctx, a, shape):
        ctx.shape = a.shape
        return a.reshape(shape)

    @staticmethod
    def backward(ctx, g):
        return (g.reshape(ctx.shape),)


class Transpose(Function):
    """out = a with permuted axes;  da = g with the inverse permutation."""

    @staticmethod
    def forward(ctx, a, axes=None):
        ctx.axes = axes
        return np.transpose(a, axes)

    @staticmethod
    def backward(ctx, g):
        inverse = None if ctx.axes is None else tuple(np.argsort(ctx.axes))
        return (np.transpose(g, inverse),)


# --------------------------------------------------------------- the functions
def add(a, b):
    return Add.apply(*_pair(a, b))


def sub(a, b):
    return Sub.apply(*_pair(a, b))


def mul(a, b):
    return Mul.apply(*_pair(a, b))


def div(a, b):
    return Div.apply(*_pair(a, b))


def pow(a, b):  # noqa: A001 - mirrors the operator's name
    return Pow.apply(*_pair(a, b))


def neg(a):
    return Neg.apply(_tensor(a))


def matmul(a, b):
    return MatMul.apply(_tensor(a), _tensor(b))


def linear(x, weight, bias=None):
    """``x @ weight + bias`` in one node (weight in Keras layout: (fan_in, fan_out))."""
    return Linear.apply(_tensor(x), _tensor(weight), None if bias is None else _tensor(bias))


def sum(a, axis=None, keepdims=False):  # noqa: A001
    return Sum.apply(_tensor(a), axis=_axis(axis), keepdims=keepdims)


def mean(a, axis=None, keepdims=False):
    return Mean.apply(_tensor(a), axis=_axis(axis), keepdims=keepdims)


def reshape(a, shape):
    return Reshape.apply(_tensor(a), shape=tuple(shape))


def transpose(a, axes=None):
    return Transpose.apply(_tensor(a), axes=None if axes is None else tuple(axes))


def _axis(axis):
    return tuple(axis) if isinstance(axis, list) else axis


from .activations import (  # noqa: E402,F401  (the elementwise functions)
    exp, leaky_relu, log, log_softmax, relu, sigmoid, softmax, softsign, tanh,
)
