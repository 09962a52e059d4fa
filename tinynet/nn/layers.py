"""Activation layers and Dropout: thin Modules over ``tinynet.functional``."""
from __future__ import annotations

from .. import functional as F
from ..kernels import random as _random
from ..tensor import Tensor
from .module import Module


class Identity(Module):
    def forward(self, x):
        return x


class ReLU(Module):
    def forward(self, x):
        return F.relu(x)


class LeakyReLU(Module):
    def __init__(self, negative_slope=0.01):
        self.negative_slope = float(negative_slope)

    def forward(self, x):
        return F.leaky_relu(x, self.negative_slope)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}"


class Tanh(Module):
    def forward(self, x):
        return F.tanh(x)


class Sigmoid(Module):
    def forward(self, x):
        return F.sigmoid(x)


class Softsign(Module):
    def forward(self, x):
        return F.softsign(x)


ACTIVATIONS = {
    None: Identity,
    "linear": Identity,
    "relu": ReLU,
    "leaky_relu": LeakyReLU,
    "tanh": Tanh,
    "sigmoid": Sigmoid,
    "softsign": Softsign,
}


def get_activation(activation):
    """A Module for ``activation``: a name from ACTIVATIONS, a Module, or a function."""
    if isinstance(activation, Module):
        return activation
    if callable(activation):
        return _Lambda(activation)
    if activation not in ACTIVATIONS:
        names = ", ".join(repr(k) for k in ACTIVATIONS if k is not None)
        raise ValueError(f"unknown activation {activation!r}; choose one of {names} or None")
    return ACTIVATIONS[activation]()


class _Lambda(Module):
    def __init__(self, fn):
        self.fn = fn

    def forward(self, x):
        return self.fn(x)

    def extra_repr(self):
        return getattr(self.fn, "__name__", "fn")


class Dropout(Module):
    """Zero each element with probability ``p`` in training, scale the rest by 1/(1−p).

    The scaling keeps E[output] = input, so evaluation simply passes the input through.
    The mask comes from tinynet's global generator (``tn.manual_seed``).
    """

    def __init__(self, p=0.5):
        if not 0 <= p < 1:
            raise ValueError(f"Dropout probability must be in [0, 1), got {p}")
        self.p = float(p)

    def forward(self, x):
        if not self.training or self.p == 0:
            return x
        keep = _random.default_generator().uniform(x.shape, dtype=x.dtype) >= self.p
        mask = keep.astype(x.dtype) / x.dtype.type(1 - self.p)
        return F.mul(x, Tensor(mask))

    def extra_repr(self):
        return f"p={self.p}"


def dropout(x, p=0.5, training=True):
    """Functional dropout (see :class:`Dropout`)."""
    layer = Dropout(p)
    layer.training = training
    return layer(x)


__all__ = ["Identity", "ReLU", "LeakyReLU", "Tanh", "Sigmoid", "Softsign", "Dropout", "dropout", "get_activation"]
