"""Lesson 6's claims, measured: the scale of the init decides whether the signal survives."""
import numpy as np
import pytest

from tinynet.lesson_tests import lesson_script


lesson = lesson_script(__file__, 6)


@pytest.fixture(scope="module")
def scale():
    return lesson.scale_experiment(depth=10, width=256, batch=500, seed=0)


def test_small_sigma_vanishes_in_tanh_and_relu(scale):
    for activation in ("tanh", "relu"):
        r = scale[(activation, 0.01)]
        assert r["ratio"] < 1e-3, (activation, r["ratio"])
        assert np.all(np.diff(r["stds"]) < 0), "the std shrinks at every layer"
        # and it follows the small-signal prediction (σ·√fan_in or σ·√(fan_in/2))^9 within 2x
        assert 0.5 < r["ratio"] / r["predicted_ratio"] < 2.0, (activation, r["ratio"], r["predicted_ratio"])


def test_unit_sigma_explodes_relu_and_saturates_tanh(scale):
    relu = scale[("relu", 1.0)]
    assert relu["ratio"] > 1e3 and 0.5 < relu["ratio"] / relu["predicted_ratio"] < 2.0, relu["ratio"]
    tanh = scale[("tanh", 1.0)]
    assert tanh["saturated_last"] > 0.8, tanh["saturated_last"]   # most units pinned at +-1
    assert tanh["stds"][-1] > 0.9                                  # std ~1: a sign pattern, not a signal


@pytest.mark.parametrize("seed", range(5))
def test_times_ten_init_starts_at_infinite_or_huge_loss(seed):
    r = lesson.times_ten_start(seed)
    assert r["naive_loss"] == np.inf                       # sigmoid rounds to 1.0: log(0)
    assert np.isfinite(r["stable_loss"]) and r["stable_loss"] > 100 * r["ln2"], r["stable_loss"]


def test_readme_figures(scale):
    """The measured values the README quotes (seed 0, 10 layers of 256, batch 500)."""
    shown = {key: f"{r['ratio']:.1e}" for key, r in scale.items()}
    assert shown[("tanh", 0.01)] == "6.8e-08" and shown[("relu", 0.01)] == "2.6e-09"
    assert shown[("relu", 1.0)] == "2.6e+09"
    assert round(100 * scale[("tanh", 1.0)]["saturated_last"]) == 89
    losses = [lesson.times_ten_start(seed)["stable_loss"] for seed in range(3)]
    assert (round(min(losses)), round(max(losses))) == (315, 685), losses
