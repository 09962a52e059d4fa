"""MaxPool2D and AvgPool2D on NHWC maps (no padding: windows that fit, as Keras "valid")."""
from __future__ import annotations

from ..conv_ops import _two, avg_pool2d, max_pool2d
from .module import Module


class _Pool2D(Module):
    _fn = None

    def __init__(self, pool_size=2, strides=None, name=None):
        self.pool_size = _two(pool_size, f"{type(self).__name__}: pool_size")
        self.strides = self.pool_size if strides is None else _two(strides, f"{type(self).__name__}: strides")
        self.name = name

    def forward(self, x):
        if x.ndim != 4:
            raise ValueError(f"{type(self).__name__} expects NHWC input (batch, height, width, "
                             f"channels); got shape {x.shape}.")
        kh, kw = self.pool_size
        if kh > x.shape[1] or kw > x.shape[2]:
            raise ValueError(f"{type(self).__name__}: the pool window {self.pool_size} is larger than "
                             f"the input of shape {x.shape} ({x.shape[1]}x{x.shape[2]}).")
        return type(self)._fn(x, self.pool_size, self.strides)

    def extra_repr(self):
        return f"pool_size={self.pool_size}, strides={self.strides}"


class MaxPool2D(_Pool2D):
    """The largest value of each ``pool_size`` window, per channel (stride = pool_size by default)."""

    _fn = staticmethod(max_pool2d)


class AvgPool2D(_Pool2D):
    """The mean of each ``pool_size`` window, per channel (stride = pool_size by default)."""

    _fn = staticmethod(avg_pool2d)
