"""Deterministic initializers: zeros, ones, constant(value), identity(gain).

None of them draws a random number, and that is the lesson: every unit of a layer whose
kernel is constant computes the same function and receives the same gradient, so the
units stay identical forever (the *symmetry problem*). Zeros are the right choice for
biases, where the random kernel already breaks the symmetry.
"""
import numpy as np

from .base import Initializer, check_number
from .fans import check_shape

__all__ = ["Zeros", "Ones", "Constant", "Identity"]


class Constant(Initializer):
    """Every entry equal to ``value`` (Keras default 0.0).

    Use it for biases (e.g. a small positive bias before ReLU) or to *show* the symmetry
    problem; never for a kernel you want to train.

    >>> Constant(0.1)((2, 3))[0, 0]
    np.float32(0.1)
    """

    _params = ("value",)
    _draws = False

    def __init__(self, value=0.0):
        super().__init__(seed=None)
        self.value = check_number(value, "value", "Constant")

    def _sample(self, shape, dtype):
        dims = check_shape(shape, type(self).__name__, allow_zero=True)
        return np.full(dims, self.value, dtype=dtype)


class Zeros(Constant):
    """All zeros: the standard bias initializer; as a kernel, the symmetry problem at its worst
    (with ReLU every gradient is zero and nothing learns)."""

    _params = ()

    def __init__(self):
        super().__init__(0.0)


class Ones(Constant):
    """All ones: symmetric like any constant, and far too large for wide layers."""

    _params = ()

    def __init__(self):
        super().__init__(1.0)


class Identity(Initializer):
    """``gain * I`` for a 2-D shape (rectangular shapes get ones on the main diagonal).

    With a square linear layer the identity passes the signal through unchanged at the
    start of training (Le et al. 2015 use it for ReLU recurrent networks). Keras name:
    ``identity``; only rank-2 shapes make sense.

    >>> Identity(gain=2.0)((2, 3)).tolist()
    [[2.0, 0.0, 0.0], [0.0, 2.0, 0.0]]
    """

    _params = ("gain",)
    _draws = False

    def __init__(self, gain=1.0):
        super().__init__(seed=None)
        self.gain = check_number(gain, "gain", "Identity")

    def _sample(self, shape, dtype):
        dims = check_shape(shape, "Identity", allow_zero=True)
        if len(dims) != 2:
            raise ValueError(f"Identity: needs a 2-D shape (rows, cols); got {shape!r} of rank "
                             f"{len(dims)}. For other ranks use 'orthogonal' or reshape.")
        return self.gain * np.eye(*dims, dtype=dtype)
