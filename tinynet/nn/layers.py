"""Activation layers and Dropout: thin Modules over ``tinynet.functional``."""
from __future__ import annotations

from .. import functional as F
from ..activations import ACTIVATIONS, lookup
from ..kernels import random as _random
from ..tensor import Tensor
from .module import Module


class Activation(Module):
    """A layer that applies one row of the activation table (``tinynet/activations.py``).

    Subclasses only name their row (``activation_name``); the math, the derivative and
    every property the diagnostics need come from the table.
    """

    activation_name = "linear"

    @property
    def activation_param(self):
        return ACTIVATIONS[self.activation_name].param

    def forward(self, x):
        if self.activation_name == "linear":
            return x
        return x.activate(self.activation_name, self.activation_param)


# Each layer names its row of the table; everything else is in the table.
class Identity(Activation): activation_name = "linear"      # noqa: E701
class ReLU(Activation): activation_name = "relu"            # noqa: E701
class Tanh(Activation): activation_name = "tanh"            # noqa: E701
class Sigmoid(Activation): activation_name = "sigmoid"      # noqa: E701
class Softsign(Activation): activation_name = "softsign"    # noqa: E701


class LeakyReLU(Activation):
    activation_name = "leaky_relu"

    def __init__(self, negative_slope=0.01):
        self.negative_slope = float(negative_slope)

    @property
    def activation_param(self):
        return self.negative_slope

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}"


#: The layer class of every row of the activation table, keyed by the row's name.
ACTIVATION_LAYERS = {cls.activation_name: cls for cls in (Identity, ReLU, LeakyReLU, Tanh, Sigmoid, Softsign)}


def get_activation(activation):
    """A Module for ``activation``: a table name (or None), an activation class or instance,
    another Module, or a plain function of a Tensor.

    A name, a class and an instance of the same activation give layers that every part of
    tinynet (fused kernels, diagnostics, the lab) treats identically: they all carry the
    table row's ``activation_name``.
    """
    if isinstance(activation, Module):
        return activation
    if isinstance(activation, type) and issubclass(activation, Module):
        return activation()
    if callable(activation):
        return _Lambda(activation)
    if activation is not None and not isinstance(activation, str):
        raise TypeError(f"activation must be a name such as 'relu', an activation layer or None; "
                        f"got {activation!r}")
    name = lookup(activation).name
    return ACTIVATION_LAYERS[name]()


def activation_spec(module):
    """(table row name, parameter) of an activation Module, or (None, None) for a custom one."""
    name = getattr(module, "activation_name", None)
    if name not in ACTIVATIONS:
        return None, None
    return name, getattr(module, "activation_param", ACTIVATIONS[name].param)


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


__all__ = ["Activation", "ACTIVATION_LAYERS", "activation_spec", "Identity", "ReLU", "LeakyReLU", "Tanh", "Sigmoid", "Softsign", "Dropout", "dropout", "get_activation"]
