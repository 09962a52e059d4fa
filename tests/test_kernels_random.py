"""tinynet.kernels.random: Philox against numpy bit for bit, samplers against their laws,
and the addressing contract (element i of call n depends on (seed, stream, n, i) only)."""
import math
import statistics

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from tinynet.kernels import philox, random as tr, samplers
from tinynet.kernels.normal_cdf import norm_cdf, norm_ppf, tail_ppf

DTYPES = [np.float32, np.float64]
SAMPLERS = ["uniform", "normal", "truncated_normal"]
FILLS = {"uniform": tr.fill_uniform, "normal": tr.fill_normal,
         "truncated_normal": tr.fill_truncated_normal}


# --------------------------------------------------------------------------- Philox oracle
@pytest.mark.parametrize("key", [0, 1, 5, 2**64 + 3, 2**128 - 1, 0x0123456789ABCDEF_FEDCBA9876543210])
@pytest.mark.parametrize("counter", [0, 7, 2**64 - 2, 2**64 - 1, 2**192 - 1, 2**256 - 1, 123 << 130])
def test_philox_raw_equals_numpy_bit_for_bit(key, counter):
    ours = philox.raw(key, counter, 21)          # 21: five full blocks and a partial one
    ref = np.random.Philox(key=key, counter=counter).random_raw(21)
    np.testing.assert_array_equal(ours, ref)


def test_mulhilo_is_the_128_bit_product():
    rng = np.random.default_rng(1)
    for a, b in [(2**64 - 1, 2**64 - 1), (0, 5), (2**63, 2)] + \
            [tuple(int(v) for v in rng.integers(0, 2**64, 2, dtype=np.uint64)) for _ in range(50)]:
        hi, lo = philox.mulhilo(np.uint64(a), np.uint64(b))
        assert (int(hi) << 64) | int(lo) == a * b


def _numpy_word(seed, stream, call, block, word):
    """Word ``word`` of Philox block (block, call, 0, 0) under key (seed, stream), by numpy."""
    gen = np.random.Philox(key=seed | (stream << 64), counter=(block + (call << 64) - 1) % 2**256)
    return int(gen.random_raw(4)[word])


@pytest.mark.parametrize("seed,stream,call", [(0, 0, 0), (7, 3, 2), (2**64 - 1, 2**64 - 1, 1)])
def test_uniform_bits_trace_back_to_numpy_philox(seed, stream, call):
    """End to end: element i of call n is the documented slice of the documented block."""
    k = samplers.BLOCKS_PER_TILE
    f32 = tr.fill_uniform(np.empty(3 * 8 * k, np.float32), seed, stream, call)
    f64 = tr.fill_uniform(np.empty(3 * 4 * k, np.float64), seed, stream, call)
    for i in [0, 1, k - 1, k, 5 * k + 17, 8 * k + 3, 3 * 8 * k - 1]:
        tile, slot, col = i // (8 * k), (i % (8 * k)) // k, i % k
        word = _numpy_word(seed, stream, call, tile * k + col, slot // 2)
        half = word >> 32 if slot % 2 == 0 else word & 0xFFFFFFFF
        assert f32[i] == np.float32((half >> 8) * 2.0**-24)
    for i in [0, k + 1, 4 * k + 2, 3 * 4 * k - 1]:
        tile, slot, col = i // (4 * k), (i % (4 * k)) // k, i % k
        word = _numpy_word(seed, stream, call, tile * k + col, slot)
        assert f64[i] == (word >> 11) * 2.0**-53


# --------------------------------------------------------------------------- normal CDF helpers
def test_norm_ppf_matches_python_statistics_and_inverts_the_cdf():
    ref = statistics.NormalDist()
    for p in [1e-12, 1e-6, 0.01, 0.0749, 0.075, 0.3, 0.5, 0.77, 0.925, 0.99, 1 - 1e-9]:
        assert norm_ppf(p) == pytest.approx(ref.inv_cdf(p), rel=1e-14, abs=1e-15)
    for p in np.logspace(-300, -1, 60):            # deep lower tail: relative accuracy
        assert norm_cdf(norm_ppf(p)) == pytest.approx(p, rel=1e-12)
    assert norm_ppf(0.0) == -math.inf and norm_ppf(1.0) == math.inf


def test_tail_ppf_agrees_with_norm_ppf_in_its_range():
    t = np.concatenate([np.logspace(-307, np.log10(0.0749), 400), [1e-11, 1.4e-11, 1.5e-11, 0.07]])
    ref = np.array([norm_ppf(v) for v in t])
    out = np.array([tail_ppf(v) for v in t])
    np.testing.assert_allclose(out, ref, rtol=1e-14)


# --------------------------------------------------------------------------- moments
def _check_moments(x, mean, var, ex_kurt, m4c=None):
    """Sample mean, variance and excess kurtosis within 6 standard errors of the law's."""
    n = x.size
    x = x.astype(np.float64)
    d = x - x.mean()
    s2 = (d**2).mean()
    m4c = (ex_kurt + 3) * var**2 if m4c is None else m4c
    assert abs(x.mean() - mean) < 6 * math.sqrt(var / n)
    assert abs(s2 - var) < 6 * math.sqrt((m4c - var**2) / n)
    # standard error of the kurtosis estimate: sqrt(Var(d^4) / n) / sigma^4 (24/n if normal)
    kurt_se = max(math.sqrt(24 / n), math.sqrt(((d**8).mean() - (d**4).mean() ** 2) / n) / s2**2)
    assert abs((d**4).mean() / s2**2 - 3 - ex_kurt) < 6 * kurt_se + 0.01


def _truncnorm_moments(a, b):
    """Mean, variance, excess kurtosis of N(0,1) on [a, b] from the raw-moment recursion
    m_k = (k-1) m_{k-2} + (a^(k-1) phi(a) - b^(k-1) phi(b)) / Z."""
    if a > 0:                                       # mirror so that Z keeps its digits
        m, v, k = _truncnorm_moments(-b, -a)
        return -m, v, k
    phi = lambda t: 0.0 if math.isinf(t) else math.exp(-t * t / 2) / math.sqrt(2 * math.pi)
    tpow = lambda t, k: 0.0 if math.isinf(t) else t**k
    z = norm_cdf(b) - norm_cdf(a)
    m = [1.0, (phi(a) - phi(b)) / z]
    for k in range(2, 5):
        m.append((k - 1) * m[k - 2] + (tpow(a, k - 1) * phi(a) - tpow(b, k - 1) * phi(b)) / z)
    mu = m[1]
    var = m[2] - mu**2
    c4 = m[4] - 4 * mu * m[3] + 6 * mu**2 * m[2] - 3 * mu**4
    return mu, var, c4 / var**2 - 3


@pytest.mark.parametrize("dtype", DTYPES)
def test_uniform_moments_and_range(dtype):
    x = tr.Generator(1).uniform(1_000_000, dtype=dtype)
    assert x.dtype == dtype and x.min() >= 0.0 and x.max() < 1.0
    bits = 24 if dtype == np.float32 else 53
    assert np.all(np.floor(x.astype(np.float64) * 2.0**bits) == x.astype(np.float64) * 2.0**bits)
    _check_moments(x, 0.5, 1 / 12, -1.2)
    y = tr.Generator(1).uniform(100_000, low=-3.0, high=5.0, dtype=dtype)
    assert y.min() >= -3.0 and y.max() < 5.0
    _check_moments(y, 1.0, 64 / 12, -1.2)


@pytest.mark.parametrize("dtype", DTYPES)
def test_normal_moments(dtype):
    x = tr.Generator(2).normal(1_000_000, dtype=dtype)
    assert x.dtype == dtype
    _check_moments(x, 0.0, 1.0, 0.0)
    y = tr.Generator(2, stream=1).normal(200_000, mean=3.0, std=0.5, dtype=dtype)
    _check_moments(y, 3.0, 0.25, 0.0)


@pytest.mark.parametrize("dtype", DTYPES)
def test_normal_tails_and_pairs(dtype):
    """Tail frequencies of |z| > 3 and the independence of the Box-Muller pair partners."""
    x = tr.Generator(3).normal(2_000_000, dtype=dtype).astype(np.float64)
    p3 = 2 * norm_cdf(-3.0)
    assert abs(np.mean(np.abs(x) > 3) - p3) < 6 * math.sqrt(p3 / x.size)
    k = samplers.BLOCKS_PER_TILE
    tiles = x[: x.size // (8 * k) * 8 * k].reshape(-1, 8, k)
    cos_part, sin_part = tiles[:, 0::2, :].ravel(), tiles[:, 1::2, :].ravel()
    for f in (lambda t: t, lambda t: t * t):        # uncorrelated, and so are their squares
        r = np.corrcoef(f(cos_part), f(sin_part))[0, 1]
        assert abs(r) < 6 / math.sqrt(cos_part.size)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("a,b", [(-2.0, 2.0), (3.0, 4.0), (5.0, math.inf), (-math.inf, -6.0),
                                 (-1.0, 0.5), (0.0, math.inf), (-0.1, 0.1)])
def test_truncated_normal_moments_and_bounds(a, b, dtype):
    x = tr.Generator(4).truncated_normal(400_000, a=a, b=b, dtype=dtype)
    assert x.dtype == dtype and x.min() >= a and x.max() <= b
    mu, var, ex_kurt = _truncnorm_moments(a, b)
    _check_moments(x, mu, var, ex_kurt, m4c=(ex_kurt + 3) * var**2)


def test_truncated_pm2_kurtosis_is_the_known_value():
    assert _truncnorm_moments(-2, 2)[2] == pytest.approx(-0.6341, abs=1e-3)
    assert _truncnorm_moments(-2, 2)[1] == pytest.approx(0.7737413, abs=1e-6)


def test_truncated_far_tail_distribution_is_right():
    """On [5, inf) the shape is nearly exponential: P(x > 5.5 | x > 5) = Q(5.5)/Q(5)."""
    x = tr.Generator(5).truncated_normal(400_000, a=5.0, b=math.inf, dtype=np.float64)
    p = norm_cdf(-5.5) / norm_cdf(-5.0)
    assert abs(np.mean(x > 5.5) - p) < 6 * math.sqrt(p * (1 - p) / x.size)


# --------------------------------------------------------------------------- addressing contract
@settings(deadline=None, max_examples=25)
@given(sampler=st.sampled_from(SAMPLERS), dtype=st.sampled_from(DTYPES),
       cuts=st.lists(st.integers(0, 5000), max_size=5), call=st.integers(0, 3))
def test_filling_in_pieces_equals_filling_whole(sampler, dtype, cuts, call):
    n = 5000
    whole = FILLS[sampler](np.empty(n, dtype), 11, 2, call)
    pieces = np.empty(n, dtype)
    edges = [0] + sorted(cuts) + [n]
    for lo, hi in zip(edges[:-1], edges[1:]):
        chunk = np.empty(hi - lo, dtype)
        FILLS[sampler](chunk, 11, 2, call, offset=lo)
        pieces[lo:hi] = chunk
    np.testing.assert_array_equal(pieces, whole)


@pytest.mark.parametrize("sampler", SAMPLERS)
def test_calls_advance_and_depend_only_on_their_number(sampler):
    g = tr.Generator(9)
    first, second = getattr(g, sampler)(100), getattr(g, sampler)(100)
    assert g.calls == 2 and not np.array_equal(first, second)
    h = tr.Generator(9)
    getattr(h, sampler)(12345)                      # a different size for call 0 ...
    np.testing.assert_array_equal(getattr(h, sampler)(100), second)   # ... same call 1
    np.testing.assert_array_equal(getattr(tr.Generator(9), sampler)(100), first)
    assert not np.array_equal(getattr(tr.Generator(9, stream=1), sampler)(100), first)
    assert not np.array_equal(getattr(tr.Generator(10), sampler)(100), first)


def test_a_prefix_of_a_longer_draw_is_the_shorter_draw():
    for sampler in SAMPLERS:
        long = getattr(tr.Generator(3), sampler)(3000)
        np.testing.assert_array_equal(getattr(tr.Generator(3), sampler)(17), long[:17])


def test_state_restore_spawn_and_shapes():
    g = tr.Generator(5, stream=2)
    g.normal(3)
    saved = g.state
    a = g.uniform((2, 3), dtype=np.float64)
    g.state = saved
    np.testing.assert_array_equal(g.uniform((2, 3), dtype=np.float64), a)
    assert a.shape == (2, 3) and a.dtype == np.float64
    child = g.spawn(7)
    assert (child.seed, child.stream, child.calls) == (5, 7, 0)
    assert g.normal(0).shape == (0,) and g.normal((4, 0, 2)).shape == (4, 0, 2)
    assert g.truncated_normal(()).shape == ()


def test_manual_seed_resets_the_global_generator():
    x = tr.manual_seed(123).normal(10)
    assert tr.default_generator().calls == 1
    tr.manual_seed(123)
    np.testing.assert_array_equal(tr.default_generator().normal(10), x)


def test_uniform_never_rounds_up_to_high():
    x = tr.Generator(0).uniform(200_000, low=1.0, high=1.0 + 2.0**-20, dtype=np.float32)
    assert x.max() < 1.0 + 2.0**-20 and x.min() >= 1.0


# --------------------------------------------------------------------------- errors
def test_errors_say_what_was_expected():
    g = tr.Generator(0)
    with pytest.raises(TypeError, match="float32 or float64"):
        g.normal(3, dtype=np.int32)
    with pytest.raises(TypeError, match="float32 or float64"):
        g.uniform(3, dtype="float16")
    with pytest.raises(ValueError, match=">= 0"):
        g.uniform(-1)
    with pytest.raises(ValueError, match=">= 0"):
        g.normal((3, -2))
    with pytest.raises(TypeError, match="shape"):
        g.normal(2.5)
    with pytest.raises(ValueError, match="a <= b"):
        g.truncated_normal(3, a=1.0, b=-1.0)
    with pytest.raises(ValueError, match="a <= b"):
        g.truncated_normal(3, a=math.inf, b=math.inf)
    with pytest.raises(ValueError, match="probability"):
        g.truncated_normal(3, a=50.0, b=60.0)
    with pytest.raises(ValueError, match="low <= high"):
        g.uniform(3, low=1.0, high=0.0)
    with pytest.raises(ValueError, match="std"):
        g.normal(3, std=-1.0)
    with pytest.raises(ValueError, match=r"\[0, 2\*\*64\)"):
        tr.Generator(-1)
    with pytest.raises(TypeError, match="integer"):
        tr.Generator(1.5)
    with pytest.raises(TypeError, match="contiguous 1-D"):
        tr.fill_normal(np.empty((4, 4), np.float32)[:, 0], 0, 0, 0)
    assert g.calls == 0                             # failed calls do not advance the stream
