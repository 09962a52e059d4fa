"""tinynet's random numbers: reproducible streams that any number of threads can fill.

    from tinynet.kernels import random as tr
    g = tr.Generator(seed=0, stream=0)
    g.uniform((784, 256))                     # U[0, 1), float32
    g.normal(10, mean=0.0, std=0.05, dtype=np.float64)
    g.truncated_normal((3, 3), a=-2.0, b=2.0) # N(0, 1) conditioned on [a, b]
    tr.manual_seed(42)                        # what tinynet.manual_seed calls

A :class:`Generator` is a *counter-based* stream: the n-th call's element i is a pure
function of (seed, stream, n, i), computed from one Philox4x64-10 block (the bit generator
of ``numpy.random.Philox``, checked against it bit for bit; see :mod:`.philox`). Three
consequences a learner can rely on:

* same seed and stream, same sequence of calls -> the same numbers, bit for bit, on any
  number of threads (``NUMBA_NUM_THREADS``) and with any chunking;
* every call advances the generator's call counter, so two successive calls give fresh
  numbers, and the numbers of call n do not depend on the *sizes* of calls 0..n-1;
* a different ``stream`` (same seed) is a different key, hence an independent stream;
  :meth:`Generator.spawn` hands one out, e.g. one per initializer call.

The ``fill_*`` functions are the low-level form: they fill a flat array with elements
``offset, offset + 1, ...`` of call ``call`` of stream (seed, stream). Filling an array in
pieces gives exactly what filling it whole gives, which is how chunking invariance is
tested. The sampling methods themselves (24/53-bit uniforms, Box-Muller, inverse-CDF
truncated normal) are documented in :mod:`.samplers`.
"""
import math
import operator

import numpy as np

from ..checks import NotAWholeNumber

from ..dtypes import FLOAT_DTYPES as _FLOAT_DTYPES
from ..dtypes import float_dtype
from ..shapes import check_shape
from . import samplers as _kernels
from .normal_cdf import norm_cdf
from .philox import MASK64, round_keys


# --------------------------------------------------------------------------- argument checks
def _check_word(name, value):
    """An integer in [0, 2^64), the range of one Philox key word (a bool is refused, as the
    initializers refuse it: ``manual_seed(True)`` is almost certainly a mistake)."""
    try:
        if isinstance(value, (bool, np.bool_)):
            raise TypeError
        value = operator.index(value)
    except TypeError:
        raise NotAWholeNumber(f"{name} must be an integer in [0, 2**64); got {value!r} "
                        f"of type {type(value).__name__}") from None
    if not 0 <= value <= MASK64:
        raise ValueError(f"{name} must be in [0, 2**64); got {value}. "
                         f"Use a non-negative integer (e.g. {name}=0).")
    return value


def _check_dtype(dtype):
    return float_dtype(dtype, "sampler")


def _check_shape(shape):
    return check_shape(shape, "sampler", allow_zero=True)


def _check_out(out):
    if not isinstance(out, np.ndarray) or out.ndim != 1 or not out.flags.c_contiguous \
            or not out.flags.writeable or out.dtype not in _FLOAT_DTYPES:
        got = (f"{out.dtype} array of shape {out.shape}" if isinstance(out, np.ndarray)
               else type(out).__name__)
        raise TypeError(f"out must be a writable, contiguous 1-D float32 or float64 array; "
                        f"got {got}. Fill a flat buffer (np.empty(n, dtype)) and reshape it.")
    return out


def _check_finite(**values):
    for name, v in values.items():
        if not math.isfinite(v):
            raise ValueError(f"{name} must be a finite number; got {v}")


def _below(value, dtype):
    """The largest number of ``dtype`` strictly below ``value``."""
    v = dtype.type(value)
    return np.nextafter(v, dtype.type(-np.inf)) if float(v) >= value else v


def _at_least(value, dtype):
    """The smallest number of ``dtype`` that is >= ``value`` (the bound itself if exact)."""
    v = dtype.type(value)
    return np.nextafter(v, dtype.type(np.inf)) if float(v) < value else v


def _at_most(value, dtype):
    """The largest number of ``dtype`` that is <= ``value``."""
    v = dtype.type(value)
    return np.nextafter(v, dtype.type(-np.inf)) if float(v) > value else v


def _kernel(name, out, offset):
    """The compiled sampler for ``out``'s dtype: its serial build for a small request."""
    builds = getattr(_kernels, f"_{name}_{'f32' if out.dtype == np.float32 else 'f64'}")
    return _kernels.kernel(builds, out, offset)


# --------------------------------------------------------------------------- fill functions
def fill_uniform(out, seed, stream, call, offset=0, low=0.0, high=1.0):
    """Fill ``out`` with elements ``offset...`` of call ``call`` of stream (seed, stream), U[low, high).

    ``out`` is a flat float32/float64 array; the method is in :mod:`.samplers`.
    """
    out = _check_out(out)
    low, high = float(low), float(high)
    _check_finite(low=low, high=high)
    if low > high:
        raise ValueError(f"uniform needs low <= high; got low={low}, high={high}. Swap them.")
    if low == high:
        out.fill(low)
        return out
    rk = round_keys((_check_word("seed", seed), _check_word("stream", stream)))
    top = _below(high, out.dtype)
    offset = _check_offset(offset)
    _kernel("uniform", out, offset)(out, rk, np.uint64(_check_word("call", call)),
                                    offset, low, high - low, high, top)
    return out


def fill_normal(out, seed, stream, call, offset=0, mean=0.0, std=1.0):
    """Fill ``out`` with elements ``offset...`` of call ``call`` of stream (seed, stream), N(mean, std^2)."""
    out = _check_out(out)
    mean, std = float(mean), float(std)
    _check_finite(mean=mean, std=std)
    if std < 0:
        raise ValueError(f"std must be >= 0; got {std}. A standard deviation has no sign.")
    rk = round_keys((_check_word("seed", seed), _check_word("stream", stream)))
    offset = _check_offset(offset)
    _kernel("normal", out, offset)(out, rk, np.uint64(_check_word("call", call)),
                                   offset, mean, std)
    return out


def fill_truncated_normal(out, seed, stream, call, offset=0, a=-2.0, b=2.0):
    """Fill ``out`` with elements ``offset...`` of call ``call``: N(0, 1) conditioned on [a, b].

    ``a`` may be -inf and ``b`` +inf. Values lie in [a, b] after rounding to ``out.dtype``.
    """
    out = _check_out(out)
    a, b = float(a), float(b)
    if math.isnan(a) or math.isnan(b) or a > b or a == math.inf or b == -math.inf:
        raise ValueError(f"truncated_normal needs an interval a <= b with a < inf and b > -inf; "
                         f"got a={a}, b={b}. For the standard +-2 sigma cut use a=-2.0, b=2.0.")
    if a == b:
        out.fill(a)
        return out
    # Mirror an interval on the positive side so that Phi is evaluated where it is small.
    lo, hi, sign = (-b, -a, -1.0) if a > 0 else (a, b, 1.0)
    p_low, p_high = norm_cdf(lo), norm_cdf(hi)
    if not p_high > p_low:
        raise ValueError(f"the interval [{a}, {b}] holds a probability below 1e-300 under N(0, 1), "
                         f"which float64 cannot represent; bring it within about 37 of the mean.")
    rk = round_keys((_check_word("seed", seed), _check_word("stream", stream)))
    offset = _check_offset(offset)
    _kernel("truncated", out, offset)(out, rk, np.uint64(_check_word("call", call)),
                                      offset, p_low, p_high - p_low, lo, hi, sign,
                                      _at_least(a, out.dtype), _at_most(b, out.dtype))
    return out


def _check_offset(offset):
    offset = operator.index(offset)
    if not 0 <= offset < 2 ** 62:
        raise ValueError(f"offset must be in [0, 2**62); got {offset}")
    return offset


# --------------------------------------------------------------------------- Generator
class Generator:
    """A random stream identified by (seed, stream); every sampling call advances it.

    The n-th call (n = 0, 1, ...) fills element i from Philox block (i // per_block, n)
    under the key (seed, stream), so results are bit-identical on any thread count.
    ``state`` captures (seed, stream, calls) and can be assigned back to replay.
    """

    def __init__(self, seed=0, stream=0):
        self._seed = _check_word("seed", seed)
        self._stream = _check_word("stream", stream)
        self._calls = 0

    @property
    def seed(self):
        return self._seed

    @property
    def stream(self):
        return self._stream

    @property
    def calls(self):
        """How many sampling calls this generator has made (the next call's number)."""
        return self._calls

    @property
    def state(self):
        """A plain dict ``{"seed", "stream", "calls"}``; assign it back to restore."""
        return {"seed": self._seed, "stream": self._stream, "calls": self._calls}

    @state.setter
    def state(self, value):
        try:
            seed, stream, calls = value["seed"], value["stream"], value["calls"]
        except (TypeError, KeyError):
            raise TypeError(f"state must be a dict with keys 'seed', 'stream', 'calls' "
                            f"(as returned by Generator.state); got {value!r}") from None
        self._seed = _check_word("seed", seed)
        self._stream = _check_word("stream", stream)
        self._calls = _check_word("calls", calls)

    def spawn(self, stream):
        """A fresh generator with the same seed and another stream (an independent key)."""
        return Generator(self._seed, stream)

    def _draw(self, fill, shape, dtype, **params):
        dims, dt = _check_shape(shape), _check_dtype(dtype)
        out = np.empty(math.prod(dims), dtype=dt)
        fill(out, self._seed, self._stream, self._calls, 0, **params)   # checks params first
        self._calls += 1
        return out.reshape(dims)

    def uniform(self, shape, low=0.0, high=1.0, dtype=np.float32):
        """Samples of U[low, high) with the given shape (an int or a tuple) and dtype."""
        return self._draw(fill_uniform, shape, dtype, low=low, high=high)

    def normal(self, shape, mean=0.0, std=1.0, dtype=np.float32):
        """Samples of N(mean, std^2) (Box-Muller on each pair's own Philox bits)."""
        return self._draw(fill_normal, shape, dtype, mean=mean, std=std)

    def truncated_normal(self, shape, a=-2.0, b=2.0, dtype=np.float32):
        """Samples of the standard normal conditioned on [a, b] (inverse CDF; a may be -inf, b +inf).

        For N(mu, sigma^2) cut at mu +- 2 sigma, use ``mu + sigma * g.truncated_normal(shape)``.
        """
        return self._draw(fill_truncated_normal, shape, dtype, a=a, b=b)

    def __repr__(self):
        return f"Generator(seed={self._seed}, stream={self._stream}, calls={self._calls})"


# --------------------------------------------------------------------------- the global stream
_default = Generator(0)


def default_generator():
    """The global generator: initializers without a seed and Dropout draw from it."""
    return _default


def manual_seed(seed):
    """Reset the global generator to ``Generator(seed)`` (stream 0, no calls) and return it."""
    global _default
    _default = Generator(seed)
    return _default
