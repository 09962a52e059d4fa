"""Elementwise functions and log-softmax, each forward beside its backward.

``out = f(a)`` and ``g = dL/d(out)``; every backward returns ``g * f'(a)``, written with
whatever the forward already computed (tanh' = 1 - out², sigmoid' = out (1 - out)).
"""
from __future__ import annotations

import numpy as np

from .autograd import Function


class Exp(Function):
    """out = eˣ;  da = g · out."""

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


class ReLU(Function):
    """out = max(a, 0);  da = g · [a > 0]  (the gradient at exactly 0 is taken as 0)."""

    @staticmethod
    def forward(ctx, a):
        out = np.maximum(a, 0)
        ctx.save(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved
        return (g * (out > 0),)


class LeakyReLU(Function):
    """out = a if a > 0 else s·a;  da = g · (1 if a > 0 else s).  Default s = 0.01 (PyTorch)."""

    @staticmethod
    def forward(ctx, a, negative_slope=0.01):
        ctx.save(a)
        ctx.slope = negative_slope
        return np.where(a > 0, a, a * a.dtype.type(negative_slope))

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved
        return (np.where(a > 0, g, g * g.dtype.type(ctx.slope)),)


class Tanh(Function):
    """out = tanh a;  da = g · (1 − out²)."""

    @staticmethod
    def forward(ctx, a):
        out = np.tanh(a)
        ctx.save(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved
        return (g * (1 - out * out),)


class Sigmoid(Function):
    """out = 1 / (1 + e⁻ᵃ);  da = g · out · (1 − out).

    Computed as ½(1 + tanh(a/2)), which never overflows for large |a|.
    """

    @staticmethod
    def forward(ctx, a):
        out = 0.5 * (1 + np.tanh(0.5 * a))
        ctx.save(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved
        return (g * out * (1 - out),)


class Softsign(Function):
    """out = a / (1 + |a|);  da = g / (1 + |a|)²  (Glorot & Bengio 2010 compare it to tanh)."""

    @staticmethod
    def forward(ctx, a):
        denom = 1 + np.abs(a)
        ctx.save(denom)
        return a / denom

    @staticmethod
    def backward(ctx, g):
        (denom,) = ctx.saved
        return (g / (denom * denom),)


class LogSoftmax(Function):
    """out = a − logΣexp(a) along ``axis``;  da = g − softmax(a) · Σ g.

    The log-sum-exp subtracts the maximum first, so no exponential overflows.
    """

    @staticmethod
    def forward(ctx, a, axis=-1):
        shifted = a - a.max(axis=axis, keepdims=True)
        out = shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))
        ctx.save(out)
        ctx.axis = axis
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved
        return (g - np.exp(out) * g.sum(axis=ctx.axis, keepdims=True),)


def _t(a):
    from .functional import _tensor

    return _tensor(a)


def exp(a):
    return Exp.apply(_t(a))


def log(a):
    return Log.apply(_t(a))


def relu(a):
    return ReLU.apply(_t(a))


def leaky_relu(a, negative_slope=0.01):
    return LeakyReLU.apply(_t(a), negative_slope=float(negative_slope))


def tanh(a):
    return Tanh.apply(_t(a))


def sigmoid(a):
    return Sigmoid.apply(_t(a))


def softsign(a):
    return Softsign.apply(_t(a))


def log_softmax(a, axis=-1):
    return LogSoftmax.apply(_t(a), axis=axis)


def softmax(a, axis=-1):
    """exp(log_softmax(a)): probabilities along ``axis``, differentiable through both ops."""
    return exp(log_softmax(a, axis))
