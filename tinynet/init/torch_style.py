"""PyTorch-style initializers: xavier_* and kaiming_*, drawn as ``torch.nn.init`` draws them.

Same formulas as PyTorch, two differences of *layout* and none of *distribution*:

* tinynet (like Keras) stores a Dense kernel as ``(fan_in, fan_out)`` and a convolution as
  ``(k..., in, out)``; PyTorch stores ``(out, in)`` and ``(out, in, k...)``. The fans are
  read from tinynet's layout with ``compute_fans``, so ``kaiming_normal((784, 256))`` here
  has the std of ``kaiming_normal_(torch.empty(256, 784))``.
* as in PyTorch, rank < 2 is refused (a vector has no fan_in/fan_out).

Formulas (g = ``calculate_gain``):

    xavier_uniform   U[-L, L],  L = g * sqrt(6 / (fan_in + fan_out))
    xavier_normal    N(0, s^2), s = g * sqrt(2 / (fan_in + fan_out))       (untruncated)
    kaiming_uniform  U[-L, L],  L = sqrt(3) * g(nonlinearity, a) / sqrt(fan)
    kaiming_normal   N(0, s^2), s = g(nonlinearity, a) / sqrt(fan)         (untruncated)

with fan = fan_in or fan_out by ``mode``. Note PyTorch's default nonlinearity for kaiming
is ``leaky_relu`` with a = 0, whose gain is sqrt(2): the ReLU gain. Keras's he_normal is a
*truncated* normal with the same final std; the tails differ (kurtosis 0 vs -0.63).

The lower-case functions take a shape and return an array; the classes (``KaimingNormal``
...) are the same draws as Initializers, which ``init.get("kaiming_normal")`` returns.
"""
import math

import numpy as np

from .base import Initializer, check_number, resolve_dtype
from .fans import check_shape, compute_fans
from .gain import calculate_gain

__all__ = ["XavierUniform", "XavierNormal", "KaimingUniform", "KaimingNormal",
           "xavier_uniform", "xavier_normal", "kaiming_uniform", "kaiming_normal", "trunc_normal"]


def _torch_fans(shape, who):
    dims = check_shape(shape, who, allow_zero=False)
    if len(dims) < 2:
        raise ValueError(f"{who}: fan_in and fan_out need a shape of rank >= 2, as in PyTorch; "
                         f"got {shape!r}. For a bias use init.Zeros() or a Keras-style scheme.")
    return dims, compute_fans(dims)


class XavierUniform(Initializer):
    """PyTorch's ``xavier_uniform_``: U[-L, L], L = gain * sqrt(6 / (fan_in + fan_out)).

    Glorot & Bengio 2010; with gain 1 the same distribution as ``GlorotUniform``.
    """

    _params = ("gain",)
    _normal = False

    def __init__(self, gain=1.0, seed=None):
        super().__init__(seed)
        self.gain = check_number(gain, "gain", type(self).__name__)

    def std(self, shape):
        _, (fan_in, fan_out) = _torch_fans(shape, type(self).__name__)
        return self.gain * math.sqrt(2.0 / (fan_in + fan_out))

    def _sample(self, shape, dtype):
        dims, _ = _torch_fans(shape, type(self).__name__)
        return _draw(self._generator(), dims, self.std(dims), self._normal, dtype)


class XavierNormal(XavierUniform):
    """PyTorch's ``xavier_normal_``: N(0, s^2), s = gain * sqrt(2 / (fan_in + fan_out)), untruncated.

    Glorot & Bengio 2010. Keras's glorot_normal has the same std but truncates at 2 sigma.
    """

    _normal = True


class KaimingUniform(Initializer):
    """PyTorch's ``kaiming_uniform_``: U[-L, L], L = sqrt(3) * gain(nonlinearity, a) / sqrt(fan).

    He et al. 2015. ``a`` is the negative slope of leaky_relu (0: plain ReLU, gain sqrt 2);
    ``mode`` "fan_in" keeps the forward variance, "fan_out" the backward one.
    """

    _params = ("a", "mode", "nonlinearity")
    _normal = False

    def __init__(self, a=0.0, mode="fan_in", nonlinearity="leaky_relu", seed=None):
        super().__init__(seed)
        who = type(self).__name__
        self.a = check_number(a, "a", who)
        if mode not in ("fan_in", "fan_out"):
            raise ValueError(f"{who}: mode must be 'fan_in' or 'fan_out' (PyTorch's modes); "
                             f"got {mode!r}.")
        self.mode = mode
        calculate_gain(nonlinearity, self.a)          # fail now on an unknown name
        self.nonlinearity = nonlinearity

    def std(self, shape):
        _, (fan_in, fan_out) = _torch_fans(shape, type(self).__name__)
        fan = fan_in if self.mode == "fan_in" else fan_out
        return calculate_gain(self.nonlinearity, self.a) / math.sqrt(fan)

    def _sample(self, shape, dtype):
        dims, _ = _torch_fans(shape, type(self).__name__)
        return _draw(self._generator(), dims, self.std(dims), self._normal, dtype)


class KaimingNormal(KaimingUniform):
    """PyTorch's ``kaiming_normal_``: N(0, s^2), s = gain(nonlinearity, a) / sqrt(fan), untruncated.

    He et al. 2015. Keras's he_normal has the same std (for ReLU) but truncates at 2 sigma.

    >>> w = kaiming_normal((784, 256), seed=0)
    >>> round(float(w.std()), 4)                  # sqrt(2/784) = 0.0505
    0.0505
    """

    _normal = True


def _draw(generator, dims, std, normal, dtype):
    if normal:
        return generator.normal(dims, 0.0, std, dtype)
    limit = math.sqrt(3.0) * std
    return generator.uniform(dims, -limit, limit, dtype)


def xavier_uniform(shape, gain=1.0, seed=None, dtype=None):
    """An array drawn as PyTorch's ``xavier_uniform_`` (tinynet layout, see the module doc)."""
    return XavierUniform(gain, seed)(shape, resolve_dtype(dtype, "xavier_uniform"))


def xavier_normal(shape, gain=1.0, seed=None, dtype=None):
    """An array drawn as PyTorch's ``xavier_normal_`` (untruncated normal)."""
    return XavierNormal(gain, seed)(shape, resolve_dtype(dtype, "xavier_normal"))


def kaiming_uniform(shape, a=0.0, mode="fan_in", nonlinearity="leaky_relu", seed=None, dtype=None):
    """An array drawn as PyTorch's ``kaiming_uniform_`` (tinynet layout, see the module doc)."""
    return KaimingUniform(a, mode, nonlinearity, seed)(shape, resolve_dtype(dtype, "kaiming_uniform"))


def kaiming_normal(shape, a=0.0, mode="fan_in", nonlinearity="leaky_relu", seed=None, dtype=None):
    """An array drawn as PyTorch's ``kaiming_normal_`` (untruncated normal)."""
    return KaimingNormal(a, mode, nonlinearity, seed)(shape, resolve_dtype(dtype, "kaiming_normal"))


def trunc_normal(shape, mean=0.0, std=1.0, a=-2.0, b=2.0, seed=None, dtype=None):
    """An array drawn as PyTorch's ``trunc_normal_(w, mean, std, a, b)``: N(mean, std²)
    conditioned on [a, b], where ``a`` and ``b`` are *absolute* values (PyTorch's rule), not
    multiples of ``std`` (Keras's ``truncated_normal`` cuts at mean ± 2·stddev).

    >>> w = trunc_normal((1000,), mean=0.5, std=1.0, a=0.0, b=1.0, seed=0, dtype="float64")
    >>> bool(w.min() >= 0.0 and w.max() <= 1.0)
    True
    """
    dtype = resolve_dtype(dtype, "trunc_normal")
    dims = check_shape(shape, "trunc_normal", allow_zero=True)
    mean = check_number(mean, "mean", "trunc_normal")
    std = check_number(std, "std", "trunc_normal", minimum=0.0, strict=True)
    a, b = check_number(a, "a", "trunc_normal"), check_number(b, "b", "trunc_normal")
    if not a < b:
        raise ValueError(f"trunc_normal: needs a < b (the absolute cut-offs); got a={a}, b={b}.")
    g = XavierUniform(seed=seed)._generator()
    z = g.truncated_normal(dims, (a - mean) / std, (b - mean) / std, dtype)
    return np.clip(z * dtype.type(std) + dtype.type(mean), dtype.type(a), dtype.type(b))
