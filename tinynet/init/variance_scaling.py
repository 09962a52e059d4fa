"""VarianceScaling: the one core behind LeCun, Glorot and He initialization.

The argument (LeCun et al. 1998; Glorot & Bengio 2010; He et al. 2015): for
``z = x @ W`` with independent zero-mean weights of variance s^2,

    Var(z_j) = fan_in * s^2 * E[x_i^2].

Choosing ``s^2 = scale / n`` keeps the forward signal's scale (n = fan_in), the backward
gradient's (n = fan_out), or a compromise (n = fan_avg = (fan_in + fan_out) / 2). The
``scale`` absorbs the activation: 1 for linear/tanh-like, 2 for ReLU (it zeroes half).

Three distributions with that std, exactly as Keras 3 draws them:

* ``truncated_normal``: N(0, sigma^2) cut at +-2 sigma, with sigma = sqrt(scale/n) / t and
  t = ``truncated_std(2)`` = 0.8796..., so the *truncated* samples have std sqrt(scale/n);
* ``untruncated_normal``: N(0, scale/n);
* ``uniform``: U[-L, L] with L = sqrt(3 scale / n) (a uniform's std is L / sqrt 3).

``"normal"`` is accepted as Keras's old spelling of ``truncated_normal``. As in Keras, n
is at least 1 (``scale /= max(1, n)``), and fans come from ``compute_fans``.
"""
import math

from .base import Initializer, check_number
from .fans import check_shape, compute_fans
from .truncation import CUTOFF, truncated_std

__all__ = ["VarianceScaling", "MODES", "DISTRIBUTIONS"]

MODES = ("fan_in", "fan_out", "fan_avg")
DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "uniform")


def _choice(value, allowed, name, extra=()):
    if not isinstance(value, str) or value.lower() not in allowed + tuple(extra):
        raise ValueError(f"VarianceScaling: {name} must be one of {', '.join(allowed)}; "
                         f"got {value!r}.")
    return value.lower()


class VarianceScaling(Initializer):
    """Weights with variance ``scale / n``, n the fan chosen by ``mode``.

    Use the named cases unless you need another scale: lecun_* (scale 1, fan_in, SELU and
    linear nets), glorot_* (scale 1, fan_avg, tanh/sigmoid), he_* (scale 2, fan_in, ReLU).

    >>> w = VarianceScaling(scale=2.0, mode="fan_in", distribution="uniform", seed=0)((784, 256))
    >>> float(abs(w).max()) <= math.sqrt(3 * 2.0 / 784)
    True
    """

    _params = ("scale", "mode", "distribution")

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None):
        super().__init__(seed)
        self.scale = check_number(scale, "scale", "VarianceScaling", minimum=0.0, strict=True)
        self.mode = _choice(mode, MODES, "mode")
        distribution = _choice(distribution, DISTRIBUTIONS, "distribution", extra=("normal",))
        self.distribution = "truncated_normal" if distribution == "normal" else distribution

    def fan(self, shape):
        """The n in ``scale / n`` for this shape (at least 1, as in Keras)."""
        fan_in, fan_out = compute_fans(shape)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        return max(1.0, n)

    def std(self, shape):
        """The std of the samples this initializer draws for ``shape``: sqrt(scale / n)."""
        return math.sqrt(self.scale / self.fan(shape))

    def limit(self, shape):
        """The bound L of the uniform distribution: sqrt(3 scale / n)."""
        return math.sqrt(3.0 * self.scale / self.fan(shape))

    def _sample(self, shape, dtype):
        dims = check_shape(shape, type(self).__name__, allow_zero=False)
        std = self.std(dims)
        g = self._generator()
        if self.distribution == "uniform":
            limit = self.limit(dims)
            return g.uniform(dims, -limit, limit, dtype)
        if self.distribution == "untruncated_normal":
            return g.normal(dims, 0.0, std, dtype)
        sigma = std / truncated_std(CUTOFF)        # underlying normal's std
        return g.truncated_normal(dims, -CUTOFF, CUTOFF, dtype) * dtype.type(sigma)
