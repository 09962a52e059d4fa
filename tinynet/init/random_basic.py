"""Raw random initializers: the scale is whatever you give, independent of the layer's size.

These are Keras's ``random_normal``, ``random_uniform`` and ``truncated_normal``, with
Keras 3's defaults (std 0.05, bounds +-0.05). Because the scale ignores the fan, a fixed
std that works for a 100-unit layer explodes or vanishes the signal in a 1000-unit one:
``Var(z) = fan_in * std^2 * E[x^2]``. That is the problem the variance-scaling schemes
(``variance_scaling.py``) solve.
"""
from .base import Initializer, check_number
from .fans import check_shape

__all__ = ["RandomNormal", "RandomUniform", "TruncatedNormal"]


class RandomNormal(Initializer):
    """``w ~ N(mean, stddev^2)``; Keras default stddev 0.05.

    >>> round(float(RandomNormal(stddev=0.01, seed=0)((784, 10)).std()), 4)
    0.01
    """

    _params = ("mean", "stddev")

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(seed)
        self.mean = check_number(mean, "mean", type(self).__name__)
        self.stddev = check_number(stddev, "stddev", type(self).__name__, minimum=0.0)

    def _sample(self, shape, dtype):
        dims = check_shape(shape, "RandomNormal", allow_zero=True)
        return self._generator().normal(dims, self.mean, self.stddev, dtype)


class RandomUniform(Initializer):
    """``w ~ U[minval, maxval)``; Keras default [-0.05, 0.05).

    A uniform on [-L, L] has std L / sqrt(3).
    """

    _params = ("minval", "maxval")

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        super().__init__(seed)
        self.minval = check_number(minval, "minval", "RandomUniform")
        self.maxval = check_number(maxval, "maxval", "RandomUniform")
        if self.minval > self.maxval:
            raise ValueError(f"RandomUniform: needs minval <= maxval; got minval={self.minval}, "
                             f"maxval={self.maxval}. Swap them.")

    def _sample(self, shape, dtype):
        dims = check_shape(shape, "RandomUniform", allow_zero=True)
        return self._generator().uniform(dims, self.minval, self.maxval, dtype)


class TruncatedNormal(RandomNormal):
    """``N(mean, stddev^2)`` with values beyond ``mean +- 2 stddev`` discarded and redrawn.

    As in Keras, ``stddev`` is the std of the *underlying* normal: the samples' own std is
    smaller, ``0.8796 * stddev`` (see ``truncation.py``). The variance-scaling schemes, in
    contrast, rescale so the final std is the formula's. Default stddev 0.05.

    >>> w = TruncatedNormal(stddev=1.0, seed=0)((1000,), dtype="float64")
    >>> bool(abs(w).max() <= 2.0), round(float(w.std()), 1)
    (True, 0.9)
    """

    def _sample(self, shape, dtype):
        dims = check_shape(shape, "TruncatedNormal", allow_zero=True)
        z = self._generator().truncated_normal(dims, -2.0, 2.0, dtype)
        return z * dtype.type(self.stddev) + dtype.type(self.mean)
