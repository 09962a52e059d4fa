"""Every differentiable operation as a function: ``add(a, b)``, ``relu(a)``, ``concatenate``...

Each function accepts Tensors, numpy arrays or numbers, turns its first argument into a
Tensor and calls the Tensor's method, so an operation is written once (its Function in
``ops``, ``reductions``, ``shaping`` or ``activations``, called by the Tensor) and has
two faces: ``x.relu()`` and ``relu(x)``.

>>> import numpy as np
>>> concatenate([np.zeros(2), np.ones(1)]).data
array([0., 0., 1.])
>>> where(np.array([True, False]), np.array([1.0, 2.0]), 0.0).data
array([1., 0.])
"""
from __future__ import annotations

import numpy as np

from .ops import Linear
from .shaping import Concatenate, Stack, Where
from .tensor import Tensor, as_tensor

_tensor = as_tensor  # the name losses.py and older code import


def _first(a, b):
    return as_tensor(a, b if isinstance(b, Tensor) else None)


# ------------------------------------------------------------------ arithmetic
def add(a, b):
    return _first(a, b) + b


def sub(a, b):
    return _first(a, b) - b


def mul(a, b):
    return _first(a, b) * b


def div(a, b):
    return _first(a, b) / b


def pow(a, b):  # noqa: A001 - mirrors the operator's name
    return _first(a, b) ** b


def neg(a):
    return -as_tensor(a)


def matmul(a, b):
    return as_tensor(a) @ b


def linear(x, weight, bias=None):
    """``x @ weight + bias`` in one node (weight in Keras layout: (fan_in, fan_out))."""
    return Linear.apply(as_tensor(x), as_tensor(weight), None if bias is None else as_tensor(bias))


# ------------------------------------------------------------------ reductions
def sum(a, axis=None, keepdims=False):  # noqa: A001
    return as_tensor(a).sum(axis, keepdims)


def mean(a, axis=None, keepdims=False):
    return as_tensor(a).mean(axis, keepdims)


def max(a, axis=None, keepdims=False):  # noqa: A001
    return as_tensor(a).max(axis, keepdims)


def min(a, axis=None, keepdims=False):  # noqa: A001
    return as_tensor(a).min(axis, keepdims)


def var(a, axis=None, keepdims=False, ddof=0):
    return as_tensor(a).var(axis, keepdims, ddof)


def std(a, axis=None, keepdims=False, ddof=0):
    return as_tensor(a).std(axis, keepdims, ddof)


def argmax(a, axis=None):
    return np.argmax(np.asarray(a), axis=axis)


def log_softmax(a, axis=-1):
    return as_tensor(a).log_softmax(axis)


def softmax(a, axis=-1):
    return as_tensor(a).softmax(axis)


# ------------------------------------------------------------- shaping, joining
def reshape(a, shape):
    return as_tensor(a).reshape(tuple(shape))


def transpose(a, axes=None):
    return as_tensor(a).transpose(*(() if axes is None else (tuple(axes),)))


def concatenate(tensors, axis=0):
    """Join along an existing ``axis`` (``np.concatenate``); each input's gradient is its slice."""
    return Concatenate.apply(*_joinable(tensors, "concatenate"), axis=axis)


def stack(tensors, axis=0):
    """Join along a new ``axis`` (``np.stack``); input i's gradient is slice i of the output's."""
    return Stack.apply(*_joinable(tensors, "stack"), axis=axis)


def where(condition, a, b):
    """``a`` where ``condition`` (a boolean array or Tensor) is True, else ``b``; broadcasts.

    The gradient flows to ``a`` where the condition holds and to ``b`` elsewhere.
    """
    cond = np.asarray(condition)
    if cond.dtype != bool:
        raise TypeError(f"where: condition must be boolean (e.g. x > 0), got dtype {cond.dtype}")
    a, b = _first(a, b), _first(b, a)
    return Where.apply(a, b, condition=cond)


def _joinable(tensors, who):
    if isinstance(tensors, (Tensor, np.ndarray)) or not hasattr(tensors, "__iter__"):
        raise TypeError(f"{who} takes a list of tensors or arrays, got {type(tensors).__name__}")
    items = [as_tensor(t) for t in tensors]
    if not items:
        raise ValueError(f"{who} needs at least one tensor")
    return items


# ------------------------------------------------------------------ elementwise
def exp(a):
    return as_tensor(a).exp()


def log(a):
    return as_tensor(a).log()


def sqrt(a):
    return as_tensor(a).sqrt()


def abs(a):  # noqa: A001
    return as_tensor(a).abs()


def clip(a, low=None, high=None):
    return as_tensor(a).clip(low, high)


def activate(a, name, param=None):
    """The activation ``name`` from the table in ``activations.py``."""
    return as_tensor(a).activate(name, param)


def relu(a):
    return as_tensor(a).relu()


def leaky_relu(a, negative_slope=0.01):
    return as_tensor(a).leaky_relu(negative_slope)


def tanh(a):
    return as_tensor(a).tanh()


def sigmoid(a):
    return as_tensor(a).sigmoid()


def softsign(a):
    return as_tensor(a).softsign()
