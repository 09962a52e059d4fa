"""Initializer: the protocol every weight initializer follows, and where its numbers come from.

An initializer is a callable ``init(shape, dtype=None) -> np.ndarray`` with a
``get_config()`` dict that ``from_config`` turns back into an equal initializer, as in
Keras. ``dtype=None`` means tinynet's default dtype (float32 unless
``tinynet.set_default_dtype`` changed it); float64 is drawn in float64, not cast up.

Seeds (where tinynet deliberately differs from Keras)
-----------------------------------------------------
* ``seed=None``: each call draws from tinynet's global generator, looked up at call time,
  so ``tinynet.manual_seed(s)`` makes a whole model reproducible.
* ``seed=s``: the instance's n-th call (n = 0, 1, ...) draws from the independent stream
  ``Generator(s, stream=n)``. ``HeNormal(seed=0)`` built afresh always gives the same first
  array, yet two layers that *share* one instance get different weights.

Keras 3 repeats the same values on every call of a seeded initializer, so two layers
sharing ``HeNormal(seed=0)`` start identical -- a symmetry the network can never break.
tinynet gives the layers different streams instead.
"""
import numbers

import numpy as np

from ..dtypes import float_dtype
from ..kernels import random as tr

__all__ = ["Initializer", "resolve_dtype", "check_number"]

def resolve_dtype(dtype, who):
    """``None`` -> the default float dtype; float32/float64 as given; anything else a TypeError."""
    return float_dtype(dtype, who, allow_none=True)


def check_number(value, name, who, minimum=None, strict=False):
    """A finite real number (bools refused), optionally >= or > ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
        raise TypeError(f"{who}: {name} must be a finite number; got {value!r}.")
    value = float(value)
    if minimum is not None and (value <= minimum if strict else value < minimum):
        relation = ">" if strict else ">="
        raise ValueError(f"{who}: {name} must be {relation} {minimum}; got {value}. "
                         f"Pass a {'positive' if strict else 'non-negative'} {name}.")
    return value


def _check_seed(seed, who):
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or not 0 <= seed < 2 ** 64:
        raise ValueError(f"{who}: seed must be None or an integer in [0, 2**64); got {seed!r}. "
                         f"Use e.g. seed=0, or seed=None to draw from tinynet.manual_seed's stream.")
    return int(seed)


class Initializer:
    """Base class: subclasses implement ``_sample(shape, dtype)`` and list their ``_params``.

    ``_params`` names the constructor arguments that ``get_config`` reports (besides the
    seed, which every random initializer takes). ``_draws`` is False for initializers that
    use no random numbers (zeros, ones, constant, identity).
    """

    _params = ()
    _draws = True

    def __init__(self, seed=None):
        self.seed = _check_seed(seed, type(self).__name__)
        self._calls = 0

    # ------------------------------------------------------------------ randomness
    def _generator(self):
        """The generator for this call (see the module docstring for the seed rule)."""
        if self.seed is None:
            return tr.default_generator()
        g = tr.Generator(self.seed, stream=self._calls)
        self._calls += 1
        return g

    # ------------------------------------------------------------------ the protocol
    def __call__(self, shape, dtype=None):
        dtype = resolve_dtype(dtype, type(self).__name__)
        return self._sample(shape, dtype)

    def _sample(self, shape, dtype):  # pragma: no cover - interface
        raise NotImplementedError(f"{type(self).__name__} must define _sample(shape, dtype)")

    def get_config(self):
        """The constructor arguments, as a plain dict (``from_config`` inverts it)."""
        config = {name: getattr(self, name) for name in self._params}
        if self._draws:
            config["seed"] = self.seed
        return config

    @classmethod
    def from_config(cls, config):
        """A fresh initializer built from ``get_config()``'s dict (its call count restarts)."""
        if not isinstance(config, dict):
            raise TypeError(f"{cls.__name__}.from_config expects a dict such as "
                            f"{{'seed': 0}}; got {config!r}.")
        try:
            return cls(**config)
        except TypeError as err:
            raise TypeError(f"{cls.__name__}.from_config: bad config {config!r} ({err}). "
                            f"Use the dict returned by get_config().") from None

    def clone(self):
        """A fresh, equal initializer (``from_config(get_config())``), as Keras's ``clone``.

        Its call counter restarts: a seeded clone gives the arrays the original gave from
        its first call on; an unseeded one draws from the global generator.
        """
        return type(self).from_config(self.get_config())

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"
