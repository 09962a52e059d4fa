"""PyTorch's TestNNInit (test/nn/test_init.py), adapted to tinynet.

PyTorch fills a tensor in place in its (out, in, k...) layout; tinynet returns an array
in its (fan_in, fan_out) / (k..., in, out) layout, so each shape is built the tinynet way
and the fans read from it. Each distribution claim keeps PyTorch's test: a Kolmogorov-Smirnov
test against the claimed distribution must give p > 0.0001 (PyTorch uses scipy's kstest;
the same statistic and its asymptotic p-value are computed here, so scipy is not needed).

Deliberate differences, asserted as tinynet documents them:
- a zero-element shape is a ValueError for the fan-based schemes (PyTorch warns and does
  nothing): an empty kernel has no fan and is almost always a wiring mistake;
- ``Orthogonal`` flattens to (prod(shape[:-1]), shape[-1]) as Keras does (PyTorch:
  (shape[0], prod(shape[1:])) in its layout);
- PyTorch's ``sparse_`` is ``init.torch_sparse`` (in tinynet's layout each *row* is one
  input's outgoing weights); ``init.Sparse`` is Martens's rule (per unit, incoming);
- PyTorch's ``generator=`` argument is tinynet's ``seed=``;
- the ``dirac_`` tests are in test_init_conv.py; deprecation warnings have no counterpart.
"""
import math
import random
import string

import numpy as np
import pytest
from numba import vectorize

from tinynet import init


@vectorize(["float64(float64)"])
def _phi(x):
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def _ks_pvalue(samples, cdf):
    """Kolmogorov-Smirnov p-value of ``samples`` against ``cdf`` (asymptotic, Stephens 1970)."""
    x = np.sort(np.asarray(samples, dtype=np.float64).ravel())
    n = x.size
    f = cdf(x)
    d = max(np.max(np.arange(1, n + 1) / n - f), np.max(f - np.arange(n) / n))
    t = (math.sqrt(n) + 0.12 + 0.11 / math.sqrt(n)) * d
    k = np.arange(1, 101)
    return float(np.clip(2 * np.sum((-1.0) ** (k - 1) * np.exp(-2 * k * k * t * t)), 0, 1))


def is_normal(values, mean, std):
    return _ks_pvalue(values, lambda x: _phi((x - mean) / std)) > 0.0001


def is_trunc_normal(values, mean, std, a, b):
    lo, hi = _phi((a - mean) / std), _phi((b - mean) / std)
    return _ks_pvalue(values, lambda x: (_phi((x - mean) / std) - lo) / (hi - lo)) > 0.0001


def is_uniform(values, a, b):
    return _ks_pvalue(values, lambda x: np.clip((x - a) / (b - a), 0, 1)) > 0.0001


@pytest.fixture(autouse=True)
def _seed():
    random.seed(123)


def random_shape(dims, size_min, size_max):
    return tuple(random.randint(size_min, size_max) for _ in range(dims))


def random_float(a, b):
    return (b - a) * random.random() + a


def fans(shape):
    """fan_in, fan_out of a tinynet-layout shape (what PyTorch reads from its own layout)."""
    receptive = math.prod(shape[:-2])
    return shape[-2] * receptive, shape[-1] * receptive


# ------------------------------------------------------------------------ calculate_gain
def test_calculate_gain_linear():
    for fn in ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose2d", "conv_transpose2d", "conv_transpose3d"]:
        assert init.calculate_gain(fn) == 1


def test_calculate_gain_nonlinear():
    expected = {"sigmoid": 1, "tanh": 1.6666666666666667, "relu": 1.4142135623730951,
                "leaky_relu": 1.4141428569978354, "selu": 0.75}
    for fn, gain in expected.items():
        assert init.calculate_gain(fn) == gain


def test_calculate_gain_leaky_relu():
    for param, gain in [(None, 1.4141428569978354), (0, 1.4142135623730951), (0.01, 1.4141428569978354),
                        (10, 0.14071950894605836)]:
        assert init.calculate_gain("leaky_relu", param) == gain


def test_calculate_gain_leaky_relu_only_accepts_numbers():
    for param in [True, [1], {"a": "b"}]:
        with pytest.raises(ValueError):
            init.calculate_gain("leaky_relu", param)


def test_calculate_gain_only_accepts_valid_nonlinearities():
    for n in [2, 5, 25]:
        name = "".join(random.choice(string.ascii_lowercase) for _ in range(n))
        with pytest.raises(ValueError):
            init.calculate_gain(name)


# ------------------------------------------------------------------- raw distributions
@pytest.mark.parametrize("dims", [1, 2, 4])
def test_uniform(dims):
    shape = random_shape(dims, 30, 50)
    a = random_float(-3, 3)
    b = a + random_float(1, 5)
    assert is_uniform(init.RandomUniform(a, b, seed=0)(shape, dtype="float64"), a, b)


@pytest.mark.parametrize("dims", [1, 2, 4])
def test_normal(dims):
    shape = random_shape(dims, 30, 50)
    mean, std = random_float(-3, 3), random_float(1, 5)
    assert is_normal(init.RandomNormal(mean, std, seed=0)(shape, dtype="float64"), mean, std)


@pytest.mark.parametrize("dims", [1, 2, 4])
def test_trunc_normal(dims):
    shape = random_shape(dims, 30, 50)
    mean, std = random_float(-3, 3), random_float(0.01, 1)
    a, b = random_float(mean - 2 * std, mean), random_float(mean, mean + 2 * std)
    values = init.trunc_normal(shape, mean=mean, std=std, a=a, b=b, seed=0, dtype="float64")
    assert is_trunc_normal(values, mean, std, a, b)


def test_trunc_normal_seed():
    """PyTorch's test_trunc_normal_generator: the same seed, the same draw; bounds [0, 1]."""
    values = init.trunc_normal((5,), a=0, b=1, seed=42, dtype="float64")
    np.testing.assert_array_equal(values, init.trunc_normal((5,), a=0, b=1, seed=42, dtype="float64"))
    assert is_trunc_normal(values, mean=0, std=1, a=0, b=1)


def test_trunc_normal_bounds_are_absolute_unlike_keras():
    w = init.trunc_normal((20000,), mean=0.0, std=10.0, a=-2.0, b=2.0, seed=0, dtype="float64")
    assert w.min() >= -2.0 and w.max() <= 2.0          # Keras's truncated_normal would cut at ±20


# ------------------------------------------------------------------ fixed initializers
@pytest.mark.parametrize("dims", [1, 2, 4])
def test_constant_ones_and_zeros(dims):
    shape = random_shape(dims, 1, 5)
    val = random_float(1, 10)
    np.testing.assert_array_equal(init.Constant(val)(shape, dtype="float64"), np.full(shape, val))
    np.testing.assert_array_equal(init.Ones()(shape), np.ones(shape))
    np.testing.assert_array_equal(init.Zeros()(shape), np.zeros(shape))


def test_eye():
    shape = random_shape(2, 1, 5)
    w = init.Identity()(shape)
    for i in range(shape[0]):
        for j in range(shape[1]):
            assert w[i][j] == (1 if i == j else 0)


def test_eye_only_works_on_2d_inputs():
    for dims in [1, 3]:
        with pytest.raises(ValueError):
            init.Identity()(random_shape(dims, 1, 3))


# ----------------------------------------------------------------------- xavier, kaiming
@pytest.mark.parametrize("fn", [init.xavier_uniform, init.xavier_normal, init.kaiming_uniform, init.kaiming_normal])
def test_errors_on_inputs_smaller_than_2d(fn):
    for dims in [0, 1]:
        with pytest.raises(ValueError):
            fn(random_shape(dims, 1, 1))


@pytest.mark.parametrize("fn", [init.kaiming_uniform, init.kaiming_normal, init.xavier_uniform, init.xavier_normal])
def test_zero_element_shape_is_an_error_not_a_warning(fn):
    """PyTorch warns "Initializing zero-element tensors is a no-op"; tinynet refuses (documented)."""
    with pytest.raises(ValueError, match="empty"):
        fn((1, 0))


@pytest.mark.parametrize("use_gain", [True, False])
@pytest.mark.parametrize("dims", [2, 4])
def test_xavier_uniform_and_normal(use_gain, dims):
    shape = random_shape(dims, 20, 25)
    gain = random_float(0.1, 2) if use_gain else 1
    fan_in, fan_out = fans(shape)
    expected_std = gain * math.sqrt(2.0 / (fan_in + fan_out))
    bounds = expected_std * math.sqrt(3)
    assert is_uniform(init.xavier_uniform(shape, gain=gain, seed=0, dtype="float64"), -bounds, bounds)
    assert is_normal(init.xavier_normal(shape, gain=gain, seed=1, dtype="float64"), 0, expected_std)


@pytest.mark.parametrize("use_a", [True, False])
@pytest.mark.parametrize("dims", [2, 4])
@pytest.mark.parametrize("mode", ["fan_in", "fan_out"])
def test_kaiming_uniform_and_normal(use_a, dims, mode):
    shape = random_shape(dims, 20, 25)
    a = random_float(0.1, 2) if use_a else 0
    fan_in, fan_out = fans(shape)
    n = fan_in if mode == "fan_in" else fan_out
    expected_std = math.sqrt(2.0 / ((1 + a ** 2) * n))
    bounds = expected_std * math.sqrt(3.0)
    assert is_uniform(init.kaiming_uniform(shape, a=a, mode=mode, seed=0, dtype="float64"), -bounds, bounds)
    assert is_normal(init.kaiming_normal(shape, a=a, mode=mode, seed=1, dtype="float64"), 0, expected_std)


# ---------------------------------------------------------------------------------- sparse
def test_sparse_only_works_on_2d_inputs():
    for dims in [1, 3]:
        with pytest.raises(ValueError):
            init.torch_sparse(random_shape(dims, 1, 3), random_float(0.1, 0.9))
        with pytest.raises(ValueError):
            init.Sparse()(random_shape(dims, 1, 3))


@pytest.mark.parametrize("use_random_std", [True, False])
def test_sparse_default_std(use_random_std):
    fan_in, fan_out = random_shape(2, 30, 35)
    sparsity = random_float(0.1, 0.2)
    std = random_float(0.01, 0.2) if use_random_std else 0.01       # 0.01: PyTorch's default
    if use_random_std:
        w = init.torch_sparse((fan_in, fan_out), sparsity=sparsity, std=std, seed=0, dtype="float64")
    else:
        w = init.torch_sparse((fan_in, fan_out), sparsity=sparsity, seed=0, dtype="float64")
    for row in w:                     # PyTorch's columns of (out, in) are tinynet's rows
        assert np.sum(row == 0) >= math.ceil(sparsity * fan_out)
    assert is_normal(w[w != 0], 0, std)


def test_martens_sparse_keeps_k_incoming_weights_per_unit():
    w = init.Sparse(nonzero=15, std=1.0, seed=0)((100, 40), dtype="float64")
    assert np.all(np.sum(w != 0, axis=0) == 15)
    assert is_normal(w[w != 0], 0, 1.0)
    narrow = init.Sparse(nonzero=15, seed=0)((6, 3))
    assert np.all(np.sum(narrow != 0, axis=0) == 6)         # min(15, fan_in)


# ------------------------------------------------------------------------------ orthogonal
@pytest.mark.parametrize("use_gain", [True, False])
@pytest.mark.parametrize("shape", [(3, 4), (4, 3), (20, 2, 3, 4), (2, 3, 4, 5)])
def test_orthogonal(use_gain, shape):
    gain = random_float(0.1, 2) if use_gain else 1.0
    w = init.Orthogonal(gain=gain, seed=0)(shape)           # float32, as PyTorch's test
    rows, cols = math.prod(shape[:-1]), shape[-1]            # Keras's flattening (see the module doc)
    flat = w.reshape(rows, cols).astype(np.float64)
    if rows > cols:
        np.testing.assert_allclose(flat.T @ flat, np.eye(cols) * gain ** 2, atol=1e-6, rtol=0)
    else:
        np.testing.assert_allclose(flat @ flat.T, np.eye(rows) * gain ** 2, atol=1e-6, rtol=0)


def test_the_ks_check_fails_a_wrong_distribution():
    """The statistical check itself, both ways: it passes the right law and fails near misses."""
    x = init.RandomNormal(0.0, 1.0, seed=5)((200, 200), dtype="float64")
    assert is_normal(x, 0, 1.0)
    assert not is_normal(x, 0, 1.1) and not is_normal(x, 0.1, 1.0)
    u = init.RandomUniform(-1.0, 1.0, seed=5)((200, 200), dtype="float64")
    assert is_uniform(u, -1, 1) and not is_uniform(u, -1.1, 1.1) and not is_normal(u, 0, 1 / math.sqrt(3))
