"""Lesson 8's claims: He keeps the scale through 30 ReLU layers, Xavier halves the variance
per layer, and on Fashion-MNIST a 30-layer MLP learns with He while Xavier stalls at ln 10."""
import numpy as np
import pytest

from tinynet.lesson_tests import lesson_script, have_fashion_mnist, NO_FASHION_MNIST


lesson = lesson_script(__file__, 8)


@pytest.fixture(scope="module")
def depth_runs():
    return [lesson.depth_experiment(seed=seed, depth=30, width=256, batch=200) for seed in range(10)]


@pytest.mark.slow
def test_xavier_shrinks_like_one_halving_per_layer(depth_runs):
    for run in depth_runs:
        ratio = run["Xavier"]["ratio"]
        assert ratio < 1e-3
        assert 1 / 3 < ratio / run["halving_prediction"] < 3, (ratio, run["halving_prediction"])


@pytest.mark.slow
def test_he_keeps_the_scale(depth_runs):
    # At finite width the std performs a random walk in log scale (each layer multiplies the
    # squared norm by a chi-square-like factor of relative variance ~5/width), so a single
    # 30-layer draw lands in [0.5, 2] most of the time, not always: assert the typical
    # (median) ratio and that at least 7 of 10 seeds fall in the band.
    ratios = np.array([run["He"]["ratio"] for run in depth_runs])
    assert 0.5 <= np.median(ratios) <= 2.0, ratios
    assert np.mean((ratios >= 0.5) & (ratios <= 2.0)) >= 0.7, ratios


@pytest.mark.slow
@pytest.mark.skipif(not have_fashion_mnist(), reason=NO_FASHION_MNIST)
def test_he_learns_while_xavier_stalls_on_fashion_mnist():
    losses = lesson.training_experiment(steps=200, seed=0)
    he, xavier = losses["He"], losses["Xavier"]
    step = lesson.first_step_below(he, 2.0)
    assert step is not None and step <= 60, step           # "within ~50 steps"
    assert he[-20:].mean() < 1.6, he[-20:].mean()
    assert np.abs(xavier[:200] - np.log(10)).max() < 0.05  # sits at ln 10 for all 200 steps
