"""Shaping, indexing and joining: each forward beside its backward.

None of these changes a value, so every backward only moves gradients back to where the
values came from: a reshape reshapes back, an index scatters (and *adds*, for an index
that repeats), a concatenation splits.
"""
from __future__ import annotations

import numpy as np

from .autograd import Function, unbroadcast


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


class Index(Function):
    """out = a[key] for ints, slices, None, Ellipsis, integer arrays and boolean masks;
    da = zeros of a's shape with g added at ``key`` (``np.add.at``), so an element picked
    twice, as by ``a[[0, 0]]``, receives both gradients."""

    @staticmethod
    def forward(ctx, a, key=None):
        ctx.shape, ctx.dtype, ctx.key = a.shape, a.dtype, key
        return np.array(a[key])        # a copy: the graph never aliases its input

    @staticmethod
    def backward(ctx, g):
        grad = np.zeros(ctx.shape, dtype=g.dtype)
        if _picks_each_element_once(ctx.key):
            grad[ctx.key] = g                 # ints, slices, masks: no element is picked twice
        else:
            np.add.at(grad, ctx.key, g)       # integer arrays may repeat: add, do not overwrite
        return (grad,)


def _picks_each_element_once(key):
    """True for keys of ints, slices, None, Ellipsis and at most one boolean mask."""
    parts = key if isinstance(key, tuple) else (key,)
    masks = 0
    for k in parts:
        if isinstance(k, np.ndarray) and k.dtype == bool:
            masks += 1
        elif not isinstance(k, (int, np.integer, slice, type(None), type(Ellipsis))):
            return False
    return masks <= 1


class Concatenate(Function):
    """out = the inputs joined along ``axis``;  each input's gradient is its slice of g."""

    @staticmethod
    def forward(ctx, *arrays, axis=0):
        ctx.axis = axis
        ctx.bounds = np.cumsum([x.shape[axis] for x in arrays])[:-1]
        return np.concatenate(arrays, axis=axis)

    @staticmethod
    def backward(ctx, g):
        return tuple(np.split(g, ctx.bounds, axis=ctx.axis))


class Stack(Function):
    """out = the inputs stacked along a new ``axis``;  input i's gradient is g's slice i."""

    @staticmethod
    def forward(ctx, *arrays, axis=0):
        ctx.axis = axis
        return np.stack(arrays, axis=axis)

    @staticmethod
    def backward(ctx, g):
        return tuple(np.moveaxis(g, ctx.axis, 0))


class Where(Function):
    """out = a where ``condition`` else b (broadcast);  da = g where condition, db = g elsewhere."""

    @staticmethod
    def forward(ctx, a, b, condition=None):
        ctx.condition, ctx.shapes = condition, (a.shape, b.shape)
        return np.where(condition, a, b)

    @staticmethod
    def backward(ctx, g):
        sa, sb = ctx.shapes
        zero = np.zeros((), g.dtype)
        return (unbroadcast(np.where(ctx.condition, g, zero), sa),
                unbroadcast(np.where(ctx.condition, zero, g), sb))
