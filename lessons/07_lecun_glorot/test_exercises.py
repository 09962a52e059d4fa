"""Grader for lesson 7: `tinynet check 7` or `pytest lessons/07_lecun_glorot/` grades your
exercises.py (TINYNET_GRADE=reference grades the reference solution).

The checks are statistical with bands of ~6 standard errors computed from the sample size,
so a correct initializer passes (a false alarm is rarer than 1 in 10^8) and a wrong
formula — off by a few percent or more — fails.
"""
import math

import numpy as np
import pytest

from tinynet.lesson_tests import TRUNCATED_STD, call_exercise, check_distribution, graded_module

LESSON = 7


def _draw(fn, shape, seed):
    w = call_exercise(fn, shape, np.random.default_rng(seed))
    assert isinstance(w, np.ndarray), f"{fn.__name__} returned a {type(w).__name__}; return a numpy array"
    assert w.shape == tuple(shape), f"{fn.__name__}{shape} returned shape {w.shape}; return a kernel of the shape asked for"
    assert np.all(np.isfinite(w)), f"{fn.__name__}{shape} returned NaN or inf values"
    return np.asarray(w, dtype=np.float64)


def check_reproducible(fn, shape):
    a, b, c = _draw(fn, shape, 7), _draw(fn, shape, 7), _draw(fn, shape, 8)
    assert np.array_equal(a, b), (f"{fn.__name__}: the same seed gave different weights; draw only from "
                                  "the rng argument (not np.random.*)")
    assert not np.array_equal(a, c), f"{fn.__name__}: different seeds gave the same weights"


def check_glorot_uniform(impl):
    for shape in [(300, 400), (784, 10)]:
        fan_in, fan_out = shape
        limit = math.sqrt(6 / (fan_in + fan_out))
        fans = {"only fan_in in the limit": math.sqrt((fan_in + fan_out) / fan_in),
                "only fan_out in the limit": math.sqrt((fan_in + fan_out) / fan_out)}
        w = _draw(impl.glorot_uniform, shape, 0)
        check_distribution(f"glorot_uniform{shape}", w, limit / math.sqrt(3), "uniform", bound=limit, fans=fans)
    check_reproducible(impl.glorot_uniform, (20, 30))


def check_lecun_normal(impl):
    for shape in [(300, 400), (784, 10)]:
        fan_in, fan_out = shape
        std = 1 / math.sqrt(fan_in)
        fans = {"the std follows fan_out, not fan_in": math.sqrt(fan_in / fan_out),
                "the std follows fan_in + fan_out": math.sqrt(fan_in / (fan_in + fan_out))}
        w = _draw(impl.lecun_normal, shape, 0)
        check_distribution(f"lecun_normal{shape}", w, std, "truncated", bound=2 * std / TRUNCATED_STD, fans=fans)
    check_reproducible(impl.lecun_normal, (20, 30))


HINTS = {
    "glorot_uniform": [
        "Choose the weights' variance so that neither the forward signal nor the backward gradient "
        "grows or shrinks from layer to layer, then pick the uniform distribution with that variance.",
        "Forward wants fan_in·Var(W) = 1, backward wants fan_out·Var(W) = 1; the compromise averages the "
        "fans: Var(W) = 2/(fan_in + fan_out). A uniform on [−l, l] has variance l²/3. W has shape (fan_in, fan_out).",
        "Read the two fans from the shape, solve l²/3 = 2/(fan_in + fan_out) for the limit l, and draw "
        "every entry from the generator's uniform between −l and l, with the requested shape.",
    ],
    "lecun_normal": [
        "Draw from a normal whose tails are cut off, then stretch the result so its spread is exactly "
        "the one the variance rule asks for. Cut means redrawn, not squashed onto the edge.",
        "Target: Var(W) = 1/fan_in, so std 1/sqrt(fan_in). A standard normal restricted to [−2, 2] has "
        "std c ≈ 0.8796 (the docstring's formula), so a truncated draw z times (1/sqrt(fan_in))/c has the target std.",
        "Draw standard normals of the kernel's shape; find the entries beyond ±2 and draw new values for "
        "exactly those, repeating until none is left; then multiply everything by the target std and "
        "divide by c.",
    ],
}


EXERCISES = {"glorot_uniform": check_glorot_uniform, "lecun_normal": check_lecun_normal}


@pytest.mark.parametrize("name", list(EXERCISES))
def test_exercise(name):
    EXERCISES[name](graded_module(__file__, LESSON))
