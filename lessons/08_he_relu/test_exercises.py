"""Grader for lesson 8. `tinynet check 8` grades your exercises.py; plain pytest grades the
reference solution (set TINYNET_GRADE=learner to grade yours with pytest).

Distributions are checked statistically: std within ~6 standard errors computed from the
sample size, mean ~0, the shape of the distribution (excess kurtosis: uniform -1.2,
normal 0, normal truncated at 2σ -0.63) and the bounds.
"""
import math

import numpy as np
import pytest

from tinynet.lesson_tests import graded_module, call_exercise

LESSON = 8
TRUNCATED_STD = 0.87962566103423978
KURTOSIS = {"uniform": -1.2, "normal": 0.0, "truncated": -0.6345}


def _weights(fn, shape, seed, *, call_shape=True):
    args = (shape, np.random.default_rng(seed)) if call_shape else (np.random.default_rng(seed),)
    w = call_exercise(fn, *args)
    assert isinstance(w, np.ndarray), f"{fn.__name__} returned a {type(w).__name__}; return a numpy array"
    assert w.shape == tuple(shape), f"{fn.__name__} returned shape {w.shape}; expected {tuple(shape)}"
    assert np.all(np.isfinite(w)), f"{fn.__name__} returned NaN or inf values"
    return np.asarray(w, dtype=np.float64)


def check_distribution(name, w, std, family, bound=None):
    n, kurtosis = w.size, KURTOSIS[family]
    sample_std = w.std()
    assert abs(w.mean()) < 6 * std / math.sqrt(n), f"{name}: mean {w.mean():.3g} is not 0"
    rel_se = math.sqrt((kurtosis + 2) / (4 * n))
    assert abs(sample_std / std - 1) < 6 * rel_se, (
        f"{name}: std {sample_std:.5g}, expected {std:.5g} (off by {sample_std / std - 1:+.1%}). "
        "Check the fan, the factor, the square root, and std versus variance.")
    measured = np.mean((w - w.mean()) ** 4) / w.var() ** 2 - 3
    assert abs(measured - kurtosis) < 0.12, (
        f"{name}: expected a {family} distribution (excess kurtosis {kurtosis:.2f}), "
        f"the weights have {measured:.2f}")
    if bound is not None:
        assert np.abs(w).max() <= bound * (1 + 1e-12), (
            f"{name}: a weight of magnitude {np.abs(w).max():.5g} lies beyond {bound:.5g}")
        assert np.abs(w).max() > 0.98 * bound, f"{name}: no weight comes near the bound {bound:.5g}"


def check_reproducible(fn, shape=(20, 30), call_shape=True):
    a, b = _weights(fn, shape, 7, call_shape=call_shape), _weights(fn, shape, 7, call_shape=call_shape)
    assert np.array_equal(a, b), f"{fn.__name__}: the same seed gave different weights; draw only from rng"


SHAPES = [(300, 400), (784, 10)]


def check_he_normal(impl):
    for shape in SHAPES:
        std = math.sqrt(2 / shape[0])
        w = _weights(impl.he_normal, shape, 0)
        check_distribution(f"he_normal{shape}", w, std, "truncated", bound=2 * std / TRUNCATED_STD)
    check_reproducible(impl.he_normal)


def check_calculate_gain(impl):
    expected = {("linear", None): 1.0, ("conv2d", None): 1.0, ("conv_transpose3d", None): 1.0,
                ("sigmoid", None): 1.0, ("tanh", None): 5 / 3, ("relu", None): math.sqrt(2),
                ("selu", None): 0.75, ("leaky_relu", None): math.sqrt(2 / (1 + 0.01 ** 2)),
                ("leaky_relu", 0.2): math.sqrt(2 / 1.04), ("leaky_relu", 0): math.sqrt(2)}
    for (name, param), value in expected.items():
        got = call_exercise(impl.calculate_gain, name, param)
        assert got is not None and math.isclose(got, value, rel_tol=1e-12), (
            f"calculate_gain({name!r}, {param!r}) = {got}, expected {value!r}")
    try:
        impl.calculate_gain("swish")
    except ValueError:
        return
    except NotImplementedError:
        raise
    except Exception as error:
        raise AssertionError(f"calculate_gain('swish') raised {type(error).__name__}; "
                             "raise ValueError naming the accepted nonlinearities") from None
    raise AssertionError("calculate_gain('swish') returned a value; raise ValueError for unknown names")


def check_fixed_a(impl):
    for shape in SHAPES:
        limit = math.sqrt(6 / sum(shape))
        check_distribution(f"fixed_a{shape}", _weights(impl.fixed_a, shape, 0), limit / math.sqrt(3),
                           "uniform", bound=limit)
    check_reproducible(impl.fixed_a)


def check_fixed_b(impl):
    for shape in SHAPES:
        check_distribution(f"fixed_b{shape}", _weights(impl.fixed_b, shape, 0), math.sqrt(2 / shape[0]),
                           "normal")
    check_reproducible(impl.fixed_b)


def check_fixed_c(impl):
    for shape in SHAPES:
        check_distribution(f"fixed_c{shape}", _weights(impl.fixed_c, shape, 0), math.sqrt(1 / shape[0]),
                           "normal")
    check_reproducible(impl.fixed_c)


def check_fixed_d(impl):
    for shape in SHAPES:
        limit = math.sqrt(3 / shape[0])
        check_distribution(f"fixed_d{shape}", _weights(impl.fixed_d, shape, 0), limit / math.sqrt(3),
                           "uniform", bound=limit)
    check_reproducible(impl.fixed_d)


def check_fixed_e(impl):
    samples = [_weights(impl.fixed_e, (784, 10), seed, call_shape=False) for seed in range(10)]
    limit = math.sqrt(6 / 794)
    check_distribution("fixed_e (10 draws pooled)", np.concatenate(samples), limit / math.sqrt(3),
                       "uniform", bound=limit)
    check_reproducible(impl.fixed_e, (784, 10), call_shape=False)


def check_what_it_draws(impl):
    for fan_in, fan_out in [(784, 10), (256, 256), (30, 7)]:
        expected = {"A": None, "B": math.sqrt(2 / fan_in / 3), "C": 1 / fan_in, "D": math.sqrt(3) / fan_in}
        for snippet, value in expected.items():
            got = call_exercise(impl.what_it_draws, snippet, fan_in, fan_out)
            if value is None:
                assert got is None, (f"what_it_draws('A', ...) = {got}: snippet A cannot run "
                                     "(np.random.normal takes loc and scale, not low/high); return None")
            else:
                assert got is not None and math.isclose(got, value, rel_tol=1e-9), (
                    f"what_it_draws({snippet!r}, {fan_in}, {fan_out}) = {got}, but snippet {snippet} "
                    f"draws weights with std {value:.6g}")


EXERCISES = {"he_normal": check_he_normal, "calculate_gain": check_calculate_gain,
             "fixed_a": check_fixed_a, "fixed_b": check_fixed_b, "fixed_c": check_fixed_c,
             "fixed_d": check_fixed_d, "fixed_e": check_fixed_e, "what_it_draws": check_what_it_draws}


@pytest.mark.parametrize("name", list(EXERCISES))
def test_exercise(name):
    EXERCISES[name](graded_module(__file__, LESSON))
