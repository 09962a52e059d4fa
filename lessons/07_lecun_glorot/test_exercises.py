"""Grader for lesson 7. `tinynet check 7` grades your exercises.py; plain pytest grades the
reference solution (set TINYNET_GRADE=learner to grade yours with pytest).

The checks are statistical with bands of ~6 standard errors computed from the sample size,
so a correct initializer passes (a false alarm is rarer than 1 in 10^8) and a wrong
formula — off by a few percent or more — fails.
"""
import math

import numpy as np
import pytest

from tinynet.lesson_tests import graded_module

LESSON = 7
TRUNCATED_STD = 0.87962566103423978     # std of a standard normal cut at +-2
TRUNCATED_KURTOSIS = -0.6345            # excess kurtosis of the same (uniform: -1.2, normal: 0)


def _draw(fn, shape, seed):
    try:
        w = fn(shape, np.random.default_rng(seed))
    except NotImplementedError:
        raise
    except Exception as error:
        raise AssertionError(f"{fn.__name__}({shape}, rng) raised {type(error).__name__}: {error}") from None
    assert isinstance(w, np.ndarray), f"{fn.__name__} returned a {type(w).__name__}; return a numpy array"
    assert w.shape == tuple(shape), f"{fn.__name__}{shape} returned shape {w.shape}; expected {shape}"
    assert np.all(np.isfinite(w)), f"{fn.__name__}{shape} returned NaN or inf values"
    return np.asarray(w, dtype=np.float64)


def check_distribution(name, w, std, kurtosis, bound=None):
    """Mean ~0, std = ``std`` and excess kurtosis = ``kurtosis`` within sampling error."""
    n = w.size
    sample_std = w.std()
    rel_se = math.sqrt((kurtosis + 2) / (4 * n))            # std error of a sample std, relative
    assert abs(w.mean()) < 6 * std / math.sqrt(n), (
        f"{name}: mean {w.mean():.3g} is not 0 (weights must be centred)")
    assert abs(sample_std / std - 1) < 6 * rel_se, (
        f"{name}: std {sample_std:.5g}, expected {std:.5g} (off by {sample_std / std - 1:+.1%}). "
        "Check the fan, the square root, and std versus variance.")
    measured_kurtosis = np.mean((w - w.mean()) ** 4) / w.var() ** 2 - 3
    assert abs(measured_kurtosis - kurtosis) < 0.12, (
        f"{name}: the shape of the distribution is wrong (excess kurtosis {measured_kurtosis:.2f}, "
        f"expected {kurtosis:.2f}: uniform -1.2, normal 0, normal truncated at 2σ -0.64)")
    if bound is not None:
        assert np.abs(w).max() <= bound * (1 + 1e-12), (
            f"{name}: a weight of magnitude {np.abs(w).max():.5g} lies beyond the bound {bound:.5g}")
        assert np.abs(w).max() > 0.98 * bound, (
            f"{name}: no weight comes near the bound {bound:.5g} (largest {np.abs(w).max():.5g})")


def check_reproducible(fn, shape):
    a, b, c = _draw(fn, shape, 7), _draw(fn, shape, 7), _draw(fn, shape, 8)
    assert np.array_equal(a, b), (f"{fn.__name__}: the same seed gave different weights; draw only from "
                                  "the rng argument (not np.random.*)")
    assert not np.array_equal(a, c), f"{fn.__name__}: different seeds gave the same weights"


def check_glorot_uniform(impl):
    for shape in [(300, 400), (784, 10)]:
        limit = math.sqrt(6 / (shape[0] + shape[1]))
        w = _draw(impl.glorot_uniform, shape, 0)
        check_distribution(f"glorot_uniform{shape}", w, limit / math.sqrt(3), -1.2, bound=limit)
    check_reproducible(impl.glorot_uniform, (20, 30))


def check_lecun_normal(impl):
    for shape in [(300, 400), (784, 10)]:
        std = 1 / math.sqrt(shape[0])
        w = _draw(impl.lecun_normal, shape, 0)
        check_distribution(f"lecun_normal{shape}", w, std, TRUNCATED_KURTOSIS,
                           bound=2 * std / TRUNCATED_STD)
    check_reproducible(impl.lecun_normal, (20, 30))


EXERCISES = {"glorot_uniform": check_glorot_uniform, "lecun_normal": check_lecun_normal}


@pytest.mark.parametrize("name", list(EXERCISES))
def test_exercise(name):
    EXERCISES[name](graded_module(__file__, LESSON))
