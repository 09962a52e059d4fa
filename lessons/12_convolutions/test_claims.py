"""Lesson 12's claims: with fan = kh·kw·C_in He keeps the scale through 8 conv layers; with
fan = C_in the RMS grows by 3 per 3x3 layer (3^8 after 8, as predicted); glorot_uniform
shrinks it as predicted; on Fashion-MNIST the right fan trains, the bug diverges, and
glorot_uniform trains behind He."""
import numpy as np
import pytest

from tinynet.lesson_tests import NO_FASHION_MNIST, have_fashion_mnist, lesson_script

lesson = lesson_script(__file__, 12)
pytestmark = pytest.mark.skipif(not have_fashion_mnist(), reason=NO_FASHION_MNIST)


@pytest.fixture(scope="module")
def at_init():
    (x, _), _ = lesson.load_small_fashion_mnist(train=256, test=1)
    return lesson.init_experiment(x)


def test_the_right_fan_keeps_the_scale(at_init):
    rms = at_init["rms"]["He, fan = kh·kw·C_in"]
    assert np.all((rms > 0.5) & (rms < 2)), rms


def test_the_channels_only_fan_explodes_by_three_per_layer(at_init):
    ratio = at_init["excess"] / at_init["predicted_excess"]
    assert np.all((ratio > 0.5) & (ratio < 2)), ratio
    assert at_init["excess"][-1] > 1000
    np.testing.assert_allclose(at_init["predicted_excess"], 3.0 ** np.arange(1, 9))


def test_glorot_shrinks_as_predicted(at_init):
    ratio = at_init["glorot_ratio"] / at_init["predicted_glorot_ratio"]
    assert np.all((ratio > 0.5) & (ratio < 2)), ratio
    assert at_init["predicted_glorot_ratio"][-1] == pytest.approx(np.sqrt(9 / 153) * 2 ** -3.5)


@pytest.mark.slow
def test_training_right_fan_trains_bug_diverges_glorot_behind():
    runs = lesson.training_experiment(steps=150)
    he, bug, glorot = (runs[name] for name in lesson.SCHEMES)
    assert not he["diverged"] and he["losses"][-10:].mean() < 1.0 and he["test_accuracy"] > 0.7
    assert bug["initial_loss"] > 1000 and bug["diverged"]
    assert not glorot["diverged"] and glorot["losses"][-10:].mean() < 1.2 and glorot["test_accuracy"] > 0.6
    assert he["losses"][-10:].mean() < glorot["losses"][-10:].mean()
    assert lesson.first_step_below(he["losses"]) < lesson.first_step_below(glorot["losses"])
