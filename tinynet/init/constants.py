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
    """Every entry equal to ``value`` (Keras default 0.0), or an array ``value`` broadcast
    to the shape asked for (as Keras's ``Constant(value=array)``).

    Use it for biases (e.g. a small positive bias before ReLU) or to *show* the symmetry
    problem; never for a kernel you want to train. An array value is how ``init.get(array)``
    turns a given array into an initializer.

    >>> Constant(0.1)((2, 3))[0, 0]
    np.float32(0.1)
    >>> Constant([1.0, 2.0])((2, 2), dtype="float64").tolist()
    [[1.0, 2.0], [1.0, 2.0]]
    """

    _params = ("value",)
    _draws = False

    def __init__(self, value=0.0):
        super().__init__(seed=None)
        if np.ndim(value) == 0:
            self.value = check_number(value, "value", type(self).__name__)
            return
        array = np.array(value, dtype=np.float64)       # a copy: later edits to `value` do not leak in
        if not np.all(np.isfinite(array)):
            raise TypeError(f"{type(self).__name__}: value must be finite numbers; got {value!r}.")
        self.value = array

    def get_config(self):
        value = self.value.tolist() if isinstance(self.value, np.ndarray) else self.value
        return {"value": value} if "value" in self._params else {}

    def _sample(self, shape, dtype):
        dims = check_shape(shape, type(self).__name__, allow_zero=True)
        if not isinstance(self.value, np.ndarray):
            return np.full(dims, self.value, dtype=dtype)
        try:
            return np.array(np.broadcast_to(self.value, dims), dtype=dtype)
        except ValueError:
            raise ValueError(f"{type(self).__name__}: the value array of shape {self.value.shape} cannot "
                             f"fill the shape {dims}; give an array of shape {dims} (or one that "
                             f"broadcasts to it).") from None


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
