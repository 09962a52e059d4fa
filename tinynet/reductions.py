"""Reductions: sum, mean, max/min and log-softmax, each forward beside its backward.

``axis`` is None (everything), an int or a tuple of ints, as in numpy; the backward
broadcasts ``g`` back over the reduced axes.
"""
from __future__ import annotations

import numpy as np

from .autograd import Function


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


class Max(Function):
    """out = max a over ``axis``;  da = g at the arg-max, 0 elsewhere.

    Ties: the whole gradient goes to the *first* maximal element in C order along the
    reduced axes (the one ``np.argmax`` returns), so the gradient sums to g exactly as
    for a unique maximum. PyTorch's ``max(dim)`` likewise routes it to the one index it
    returns; its full reduction ``max()``/``amax`` instead splits g evenly among ties.
    """

    pick = staticmethod(np.argmax)

    @classmethod
    def forward(cls, ctx, a, axis=None, keepdims=False):
        if a.size == 0:
            raise ValueError(f"{cls.__name__.lower()}: cannot reduce an empty array of shape {a.shape}")
        axes = tuple(range(a.ndim)) if axis is None else tuple(int(i) % a.ndim for i in np.atleast_1d(axis))
        kept = a.ndim - len(axes)
        # the reduced axes moved to the end and merged into one: one pick per kept position
        moved = np.moveaxis(a, axes, tuple(range(kept, a.ndim)))
        flat = moved.reshape(moved.shape[:kept] + (-1,))
        index = cls.pick(flat, axis=-1)[..., None]
        ctx.axes, ctx.moved_shape, ctx.index = axes, moved.shape, index
        out = np.take_along_axis(flat, index, axis=-1)[..., 0]
        return np.expand_dims(out, axes) if keepdims else out

    @staticmethod
    def backward(ctx, g):
        kept = len(ctx.moved_shape) - len(ctx.axes)
        g = np.asarray(g).reshape(ctx.moved_shape[:kept])        # also drops keepdims' 1s
        flat = np.zeros(ctx.moved_shape[:kept] + (int(np.prod(ctx.moved_shape[kept:])),), g.dtype)
        np.put_along_axis(flat, ctx.index, g[..., None], axis=-1)
        return (np.moveaxis(flat.reshape(ctx.moved_shape), tuple(range(kept, len(ctx.moved_shape))), ctx.axes),)


class Min(Max):
    """out = min a over ``axis``;  da = g at the arg-min (ties: the first, as for ``Max``)."""

    pick = staticmethod(np.argmin)


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
