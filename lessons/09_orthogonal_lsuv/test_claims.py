"""Lesson 9's claims: orthogonal init makes deep linear nets learn at a depth-independent
speed (Saxe et al. 2013); LSUV brings every layer to unit variance in one rescale and
trains at least as well as He (Mishkin & Matas 2015)."""
import numpy as np
import pytest

from tinynet.lesson_tests import lesson_script, have_fashion_mnist, NO_FASHION_MNIST


lesson = lesson_script(__file__, 9)


@pytest.mark.slow
def test_orthogonal_learning_time_nearly_independent_of_depth():
    shallow, _ = lesson.steps_to_one_percent(4, "orthogonal", max_steps=1000)
    deep, _ = lesson.steps_to_one_percent(32, "orthogonal", max_steps=1000)
    assert isinstance(shallow, int) and isinstance(deep, int), (shallow, deep)
    assert deep <= 4 * shallow, (shallow, deep)


def test_gaussian_init_diverges_at_depth_32():
    outcome, curve = lesson.steps_to_one_percent(32, "gaussian", max_steps=1000)
    assert outcome == "diverged", (outcome, curve[:5])


@pytest.mark.slow
def test_gaussian_init_is_far_slower_at_depth_8():
    gaussian, _ = lesson.steps_to_one_percent(8, "gaussian", max_steps=2000)
    orthogonal, _ = lesson.steps_to_one_percent(8, "orthogonal", max_steps=2000)
    assert isinstance(orthogonal, int)
    assert gaussian in ("never", "diverged") or gaussian > 4 * orthogonal, (gaussian, orthogonal)


def test_lsuv_unit_variance_in_at_most_two_passes():
    import tinynet as tn
    rng = np.random.default_rng(0)
    x = rng.standard_normal((1000, 64)) * 2.0 + 0.5
    tn.manual_seed(0)
    model = lesson.relu_mlp(30, 96, 64)
    report = lesson.init.lsuv(model, x[:500], tol=0.1, max_iter=10, seed=0)
    assert all(r.converged and r.iterations <= 2 for r in report), report
    held_out = np.array(lesson.preactivation_variances(model, x[500:]))
    assert np.all(np.abs(held_out - 1) < 0.15), held_out   # on data LSUV never saw


@pytest.mark.slow
@pytest.mark.skipif(not have_fashion_mnist(), reason=NO_FASHION_MNIST)
def test_lsuv_trains_at_least_as_well_as_he():
    result = lesson.lsuv_experiment(depth=20, width=128, steps=300, seed=0)
    lsuv, he = (result["curves"][k][-50:].mean() for k in ("LSUV", "He"))
    assert lsuv <= he * 1.05, (lsuv, he)
