"""Flatten and Reshape: change the view of each example, keep the batch axis."""
from __future__ import annotations

from .. import functional as F
from .module import Module


class Flatten(Module):
    """``(N, d1, d2, ...) -> (N, d1·d2·...)``: a conv map into a Dense layer."""

    def forward(self, x):
        return F.reshape(x, (x.shape[0], -1))


class Reshape(Module):
    """``(N, ...) -> (N, *shape)``; e.g. ``Reshape((28, 28, 1))`` turns flat pixels into NHWC."""

    def __init__(self, shape):
        self.shape = tuple(int(d) for d in shape)

    def forward(self, x):
        return F.reshape(x, (x.shape[0], *self.shape))

    def extra_repr(self):
        return f"{self.shape}"
