"""Every random initializer draws the distribution its formula promises.

Bands are a few standard errors wide, computed from the number of samples n:
  mean      SE = sigma / sqrt(n)
  std       SE = (sigma / 2) * sqrt((2 + kappa) / n)     (kappa: the excess kurtosis)
  kurtosis  SE <= sqrt(24 / n)                           (the normal's; lighter tails give less)
Small shapes are pooled over successive calls of one seeded instance (each call is a new
stream) until n >= N_MIN. Seeds are fixed, so a pass is reproducible; the bands (5 SE) make
a wrong formula fail by many SE, not by chance.
"""
import math

import numpy as np
import pytest

from tinynet import init

N_MIN = 30_000
K = 5.0  # band width in standard errors
SHAPES = [(784, 10), (10, 784), (3, 3, 16, 32)]

T = init.truncated_std(2.0)


def truncated_kurtosis(c=2.0):
    """Excess kurtosis of N(0,1) cut to [-c, c]: E[Z^4] = 3 E[Z^2] - 2 c^3 phi(c) / m."""
    phi = math.exp(-c * c / 2) / math.sqrt(2 * math.pi)
    m = math.erf(c / math.sqrt(2))
    m2 = 1 - 2 * c * phi / m
    m4 = 3 * m2 - 2 * c ** 3 * phi / m
    return m4 / m2 ** 2 - 3


KURTOSIS = {"uniform": -1.2, "normal": 0.0, "truncated": truncated_kurtosis()}


def glorot_std(fi, fo):
    return math.sqrt(2 / (fi + fo))


# name -> (factory(seed), kind, std(fan_in, fan_out), mean)
SCHEMES = {
    "lecun_normal": (lambda s: init.LecunNormal(seed=s), "truncated", lambda i, o: math.sqrt(1 / i)),
    "lecun_uniform": (lambda s: init.LecunUniform(seed=s), "uniform", lambda i, o: math.sqrt(1 / i)),
    "glorot_normal": (lambda s: init.GlorotNormal(seed=s), "truncated", glorot_std),
    "glorot_uniform": (lambda s: init.GlorotUniform(seed=s), "uniform", glorot_std),
    "he_normal": (lambda s: init.HeNormal(seed=s), "truncated", lambda i, o: math.sqrt(2 / i)),
    "he_uniform": (lambda s: init.HeUniform(seed=s), "uniform", lambda i, o: math.sqrt(2 / i)),
    "vs_fan_out_untruncated": (lambda s: init.VarianceScaling(0.5, "fan_out", "untruncated_normal", seed=s),
                               "normal", lambda i, o: math.sqrt(0.5 / o)),
    "vs_fan_avg_normal_alias": (lambda s: init.VarianceScaling(3.0, "fan_avg", "normal", seed=s),
                                "truncated", lambda i, o: math.sqrt(3.0 / ((i + o) / 2))),
    "kaiming_normal": (lambda s: init.KaimingNormal(seed=s), "normal", lambda i, o: math.sqrt(2) / math.sqrt(i)),
    "kaiming_uniform_fan_out_tanh": (lambda s: init.KaimingUniform(mode="fan_out", nonlinearity="tanh", seed=s),
                                     "uniform", lambda i, o: (5 / 3) / math.sqrt(o)),
    "kaiming_normal_leaky": (lambda s: init.KaimingNormal(a=0.2, seed=s), "normal",
                             lambda i, o: math.sqrt(2 / 1.04) / math.sqrt(i)),
    "xavier_normal": (lambda s: init.XavierNormal(gain=2.0, seed=s), "normal", lambda i, o: 2 * glorot_std(i, o)),
    "xavier_uniform": (lambda s: init.XavierUniform(seed=s), "uniform", glorot_std),
    "random_normal": (lambda s: init.RandomNormal(0.0, 0.2, seed=s), "normal", lambda i, o: 0.2),
    "random_uniform": (lambda s: init.RandomUniform(-0.3, 0.3, seed=s), "uniform", lambda i, o: 0.3 / math.sqrt(3)),
    "truncated_normal": (lambda s: init.TruncatedNormal(0.0, 0.1, seed=s), "truncated", lambda i, o: 0.1 * T),
}


def pooled(initializer, shape, dtype=np.float32):
    size = math.prod(shape)
    calls = max(1, math.ceil(N_MIN / size))
    return np.concatenate([initializer(shape, dtype).ravel() for _ in range(calls)]).astype(np.float64)


def excess_kurtosis(w):
    c = w - w.mean()
    return float(np.mean(c ** 4) / np.mean(c ** 2) ** 2 - 3)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("name", list(SCHEMES))
def test_sample_moments_and_support_match_the_formula(name, shape):
    make, kind, std_of = SCHEMES[name]
    fan_in, fan_out = init.compute_fans(shape)
    sigma = std_of(fan_in, fan_out)
    w = pooled(make(11), shape)
    n = w.size
    kappa = KURTOSIS[kind]
    assert abs(w.mean()) < K * sigma / math.sqrt(n)
    assert abs(w.std() - sigma) < K * (sigma / 2) * math.sqrt((2 + kappa) / n)
    assert abs(excess_kurtosis(w) - kappa) < K * math.sqrt(24 / n)
    top = np.abs(w).max()
    if kind == "uniform":
        limit = math.sqrt(3) * sigma
        assert top <= np.float32(limit)                 # never outside [-L, L]
        assert top > limit * (1 - 20 / n)               # and reaching it: P(miss) = e^-20
    elif kind == "truncated":
        underlying = sigma / T
        assert top <= np.float32(2 * underlying)        # inside +-2 sigma_underlying
        assert top > 1.9 * underlying                   # the cut is at 2, not tighter
    else:
        assert top > 3.5 * sigma                        # untruncated: tails beyond any 2-sigma cut


@pytest.mark.parametrize("name", list(SCHEMES))
def test_shape_1x1_uses_the_formula_with_fans_of_one(name):
    """For a 1x1 kernel the fans are (1, 1): check the bounds that formula implies."""
    make, kind, std_of = SCHEMES[name]
    sigma = std_of(1, 1)
    initializer = make(5)
    w = np.array([initializer((1, 1))[0, 0] for _ in range(15)], dtype=np.float64)
    assert initializer((1, 1)).shape == (1, 1)
    if hasattr(initializer, "std"):
        assert initializer.std((1, 1)) == pytest.approx(sigma, rel=1e-15)
    if kind == "uniform":
        assert np.abs(w).max() <= np.float32(math.sqrt(3) * sigma)
    elif kind == "truncated":
        assert np.abs(w).max() <= np.float32(2 * sigma / T)
    # 15 draws, not all tiny: the scale is sigma, not sigma / sqrt(fan) of a larger fan
    assert np.abs(w).max() > 0.5 * sigma


def test_variance_scaling_std_and_limit_are_keras_formulas():
    vs = init.VarianceScaling(2.0, "fan_avg", "uniform")
    assert vs.std((3, 3, 16, 32)) == math.sqrt(2.0 / 216.0)
    assert vs.limit((3, 3, 16, 32)) == math.sqrt(3 * 2.0 / 216.0)
    # fans below one are clamped to one, as Keras does: scale /= max(1, fan)
    assert init.VarianceScaling(1.0, "fan_avg").fan(()) == 1.0
    assert init.HeNormal().std((1, 1)) == math.sqrt(2.0)


def test_truncated_variance_scaling_is_a_rescaled_standard_truncated_normal():
    from tinynet.kernels import random as tr
    w = init.HeNormal(seed=4)((784, 10), dtype=np.float64)
    z = tr.Generator(4, stream=0).truncated_normal((784, 10), -2.0, 2.0, np.float64)
    np.testing.assert_array_equal(w, z * (math.sqrt(2 / 784) / T))


def test_raw_initializers_keep_their_mean_and_bounds():
    w = pooled(init.RandomNormal(mean=1.5, stddev=0.2, seed=1), (100, 100))
    assert abs(w.mean() - 1.5) < K * 0.2 / math.sqrt(w.size)
    u = pooled(init.RandomUniform(minval=0.5, maxval=2.0, seed=1), (100, 100))
    assert u.min() >= 0.5 and u.max() <= 2.0 and u.min() < 0.5 + 1e-3 and u.max() > 2.0 - 1e-3
    t = pooled(init.TruncatedNormal(mean=-1.0, stddev=0.5, seed=1), (100, 100))
    assert t.min() >= np.float32(-2.0) and t.max() <= np.float32(0.0)
    assert abs(t.std() - 0.5 * T) < K * 0.25 * T * math.sqrt(2 / t.size)


def test_keras_defaults():
    assert init.RandomNormal().get_config() == {"mean": 0.0, "stddev": 0.05, "seed": None}
    assert init.RandomUniform().get_config() == {"minval": -0.05, "maxval": 0.05, "seed": None}
    assert init.TruncatedNormal().get_config() == {"mean": 0.0, "stddev": 0.05, "seed": None}
    assert init.VarianceScaling().get_config() == {
        "scale": 1.0, "mode": "fan_in", "distribution": "truncated_normal", "seed": None}
    assert init.Orthogonal().gain == 1.0 and init.Identity().gain == 1.0
    assert init.Constant().value == 0.0


def test_dtype_none_is_float32_and_float64_is_drawn_in_float64():
    assert init.HeUniform(seed=0)((50, 40)).dtype == np.float32
    for scheme in (init.HeNormal, init.GlorotUniform, init.KaimingNormal, init.Orthogonal):
        w = scheme(seed=0)((50, 40), dtype=np.float64)
        assert w.dtype == np.float64
        # drawn in float64: most values are not float32 numbers cast up
        assert np.mean(w.astype(np.float32).astype(np.float64) != w) > 0.99


def test_constants_and_identity():
    np.testing.assert_array_equal(init.Zeros()((3, 2)), np.zeros((3, 2), np.float32))
    np.testing.assert_array_equal(init.Ones()((4,), dtype=np.float64), np.ones(4))
    np.testing.assert_array_equal(init.Constant(0.25)((2, 2)), np.full((2, 2), 0.25, np.float32))
    np.testing.assert_array_equal(init.Identity(gain=3.0)((2, 3)), [[3, 0, 0], [0, 3, 0]])
    assert init.Zeros()((0, 5)).shape == (0, 5)       # bias of an empty layer: fine, no fan needed
