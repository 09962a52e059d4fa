"""PLACEHOLDER (numpy-backed) with the final interface; replaced by the Philox kernels."""
import numpy as np


class Generator:
    """A random stream identified by (seed, stream); every draw advances it."""

    def __init__(self, seed=0, stream=0):
        self.seed = int(seed)
        self.stream = int(stream)
        self._rng = np.random.default_rng([self.seed, self.stream])

    def uniform(self, shape, low=0.0, high=1.0, dtype=np.float32):
        return (low + (high - low) * self._rng.random(shape)).astype(dtype)

    def normal(self, shape, mean=0.0, std=1.0, dtype=np.float32):
        return (mean + std * self._rng.standard_normal(shape)).astype(dtype)

    def truncated_normal(self, shape, a=-2.0, b=2.0, dtype=np.float32):
        out = self._rng.standard_normal(int(np.prod(shape)))
        bad = (out < a) | (out > b)
        while bad.any():
            out[bad] = self._rng.standard_normal(int(bad.sum()))
            bad = (out < a) | (out > b)
        return out.reshape(shape).astype(dtype)


_default = Generator(0)


def default_generator():
    return _default


def manual_seed(seed):
    global _default
    _default = Generator(seed)
    return _default
