"""Lesson 13's claims: in a 50-layer Glorot ReLU MLP the signal dies (loss stays at ln 10) and
BatchNorm restores it (the loss leaves ln 10) while its gradient explodes towards the input
at init; in a residual MLP of 100 blocks the stream's second moment follows q_0 (1 + c)^l
(explodes with default init), stays put with a zero last layer and stays below e^{c/2} q_0
with the 1/√(2L) rule; the last two train, the first diverges."""
import math

import numpy as np
import pytest

from tinynet.lesson_tests import NO_FASHION_MNIST, have_fashion_mnist, lesson_script

lesson = lesson_script(__file__, 13)
pytestmark = pytest.mark.skipif(not have_fashion_mnist(), reason=NO_FASHION_MNIST)


@pytest.fixture(scope="module")
def data_sets():
    return lesson.data.load_standardized_fashion_mnist(train=lesson.TRAIN_IMAGES)


@pytest.fixture(scope="module")
def residual_init(data_sets):
    return lesson.residual_init_experiment(data_sets[0][0][:256])


def test_default_residual_stack_explodes_as_the_recursion_predicts(residual_init):
    name = "default init (glorot_uniform)"
    q, predicted = residual_init["measured"][name], residual_init["predicted"][name]
    assert residual_init["c_default"] == pytest.approx(0.5)
    assert q[-1] / q[0] > 1e15
    for block in (1, 10, 50, 100):                    # within a factor 10 after up to 100 blocks
        assert abs(math.log10(q[block] / predicted[block])) < 1, (block, q[block], predicted[block])


def test_zero_last_layer_keeps_the_stream_and_depth_scaling_bounds_it(residual_init):
    q = residual_init["measured"]["zero last layer (Fixup/SkipInit)"]
    np.testing.assert_allclose(q, q[0], rtol=1e-12)
    q = residual_init["measured"]["1/√(2L) on the branch output (GPT-2)"]
    predicted = residual_init["predicted"]["1/√(2L) on the branch output (GPT-2)"]
    np.testing.assert_allclose(q, predicted, rtol=0.1)
    assert q[-1] / q[0] < 1.1 * math.exp(0.25)


@pytest.mark.slow
def test_batchnorm_restores_the_signal_and_its_gradient_explodes_at_init(data_sets):
    runs = lesson.batchnorm_experiment(*data_sets)
    plain, bn = runs["Glorot, no normalization"], runs["Glorot + BatchNorm"]
    assert plain["rms"][-1] < 1e-6 and np.all(plain["gradient_ratio"] < 1e-6)
    assert np.all((bn["rms"] > 0.5) & (bn["rms"] < 1.0))
    assert bn["gradient_ratio"][0] / bn["gradient_ratio"][-1] > 1e3
    assert np.abs(plain["losses"] - math.log(10)).max() < 0.05
    assert bn["losses"][-10:].mean() < 2.2 and bn["test_accuracy"] > 0.15


@pytest.mark.slow
def test_residual_default_diverges_and_both_rules_train(data_sets):
    runs = lesson.residual_training_experiment(*data_sets)
    default = runs["default init (glorot_uniform)"]
    assert default["initial_loss"] > 1e6 and default["diverged"]
    for name in ("zero last layer (Fixup/SkipInit)", "1/√(2L) on the branch output (GPT-2)"):
        assert not runs[name]["diverged"]
        assert runs[name]["losses"][-10:].mean() < 0.8 and runs[name]["test_accuracy"] > 0.7, name
