"""Operations that know their own derivative.

Every differentiable operation is a subclass of :class:`Function` with two static
methods that sit side by side::

    class Mul(Function):
        @staticmethod
        def forward(ctx, a, b):          # numpy arrays in, numpy array out
            ctx.save(a, b)
            return a * b

        @staticmethod
        def backward(ctx, grad):         # dL/d(out) in, one dL/d(input) per input out
            a, b = ctx.saved
            return grad * b, grad * a

``Function.apply`` unwraps tensors, runs ``forward`` and, when gradients are wanted,
links the result to a :class:`Context` that ``Tensor.backward`` later calls.
Each subclass registers itself in ``Function.registry``, so the test suite can check that
every operation has a gradient check.
"""
from __future__ import annotations

import contextlib

import numpy as np

_grad_enabled = True


def grad_enabled():
    return _grad_enabled


@contextlib.contextmanager
def no_grad():
    """Inside this block, operations record nothing (evaluation, parameter updates)."""
    global _grad_enabled
    previous, _grad_enabled = _grad_enabled, False
    try:
        yield
    finally:
        _grad_enabled = previous


class Context:
    """What one operation remembers between its forward and its backward."""

    __slots__ = ("fn", "inputs", "saved", "needs_input_grad", "freed", "__dict__")

    def __init__(self, fn, inputs):
        self.fn = fn
        self.inputs = inputs
        self.needs_input_grad = tuple([t is not None and t.requires_grad for t in inputs])
        self.saved = ()
        self.freed = False

    @property
    def op_name(self):
        """The op's name in messages and reprs: its class, or the ``label`` it set (an
        activation names its row: ``ReLU`` rather than ``Activate``)."""
        return self.__dict__.get("label") or self.fn.__name__

    def save(self, *arrays):
        self.saved = arrays

    def run_backward(self, grad):
        if self.freed:
            raise RuntimeError(
                f"backward through {self.op_name} a second time: its saved values were freed "
                "by the first backward(). Call backward(retain_graph=True) the first time, or "
                "recompute the forward pass."
            )
        grads = self.fn.backward(self, grad)
        if not isinstance(grads, tuple):
            grads = (grads,)
        return grads

    def free(self):
        self.saved = ()
        self.__dict__.clear()
        self.freed = True


class Function:
    """Base class of differentiable operations (see the module docstring)."""

    registry: dict = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        Function.registry[cls.__name__] = cls

    @staticmethod
    def forward(ctx, *args):  # pragma: no cover - documented interface
        raise NotImplementedError("a Function subclass must define forward(ctx, *args)")

    @staticmethod
    def backward(ctx, grad):  # pragma: no cover - documented interface
        raise NotImplementedError("a Function subclass must define backward(ctx, grad)")

    @classmethod
    def apply(cls, *inputs, **params):
        """Run ``forward`` on the inputs' arrays; record the op if a gradient is wanted.

        ``inputs`` are Tensors (or None for an absent optional input, e.g. no bias);
        ``params`` are plain Python values passed to ``forward`` by keyword. The result
        is made by the first tensor input's ``wrap_result``, so this module needs no import
        of ``tensor.py``: the engine reads bottom-up, autograd below the Tensor.
        """
        first, wanted = None, False   # the first tensor input; does any input require grad?
        for t in inputs:
            if t is not None:
                if first is None:
                    first = t
                if t.requires_grad:
                    wanted = True
        if first is None:
            raise TypeError(f"{cls.__name__}.apply needs at least one tensor input")
        track = wanted and _grad_enabled
        ctx = Context(cls, inputs if track else ())
        out = first.wrap_result(cls.forward(ctx, *[None if t is None else t.data for t in inputs], **params))
        if track:
            out.requires_grad = True
            out._ctx = ctx
        return out


def unbroadcast(grad, shape):
    """Sum ``grad`` down to ``shape``: the backward of numpy broadcasting.

    Broadcasting copies an input along new leading axes and along axes of size 1; the
    gradient of a copy is the sum of the copies' gradients.
    """
    if grad.shape == shape:
        return grad
    extra = grad.ndim - len(shape)
    if extra:
        grad = grad.sum(axis=tuple(range(extra)))
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if axes:
        grad = grad.sum(axis=axes, keepdims=True)
    return grad.reshape(shape)
