"""Lesson 9's claims: the singular values of a product of Gaussian layers spread like the
depth whatever the width, orthogonal ones not at all (Pennington et al. 2017); orthogonal
deep linear nets learn with a bounded, depth-independent delay while Gaussian ones slow
down until they do not learn (Saxe et al. 2013); LSUV brings every layer to unit variance
in one rescale and trains as well as He (Mishkin & Matas 2015)."""
import numpy as np
import pytest

from tinynet.lesson_tests import lesson_script, have_fashion_mnist, NO_FASHION_MNIST


lesson = lesson_script(__file__, 9)


def test_gaussian_spread_grows_like_depth_at_every_width():
    """var(λ)/mean(λ)² of W₁⋯W_L is about L for width 32 and 128 alike (wide limit: L)."""
    for depth in (4, 16):
        for width, draws in ((32, 16), (128, 2)):
            spread = lesson.product_spectrum(depth, width, "gaussian", draws)["spread"]
            assert 0.75 * depth < spread < 1.35 * depth, (depth, width, spread)


def test_orthogonal_product_has_no_spread():
    r = lesson.product_spectrum(16, 64, "orthogonal", 1)
    assert r["spread"] < 1e-20 and abs(r["mean"] - 1) < 1e-12


@pytest.mark.slow
def test_readme_tables():
    spectra = lesson.spectrum_sweep()
    shown = {(w, d): f"{r['spread']:.3g}" for (s, w, d), r in spectra.items() if s == "gaussian"}
    assert [shown[(32, d)] for d in (1, 2, 4, 8, 16)] == ["1.02", "2.11", "4.42", "9.08", "19.2"], shown
    assert [shown[(256, d)] for d in (1, 2, 4, 8, 16)] == ["1.01", "2.02", "4.08", "7.77", "16.4"], shown
    sweep = lesson.depth_sweep()
    steps = {key: value[0] for key, value in sweep.items()}
    assert [steps[("orthogonal", d)] for d in (1, 2, 4, 8, 16, 32)] == [9, 21, 42, 56, 80, 70], steps
    assert [steps[("gaussian", d)] for d in (1, 2, 4, 8, 16, 32)] == [9, 23, 72, 506, "never", "never"], steps


def test_orthogonal_learning_time_stops_growing_with_depth():
    """A bounded delay: depth 32 is no slower than 1.25 x depth 16, and both within 10 x depth 1."""
    times = {d: lesson.learning_time(d, "orthogonal", max_steps=400)[0] for d in (1, 16, 32)}
    assert all(isinstance(t, int) for t in times.values()), times
    assert times[32] <= 1.25 * times[16] and times[32] <= 10 * times[1], times


def test_gaussian_init_diverges_at_depth_32():
    outcome, curve = lesson.steps_to_one_percent(32, "gaussian", lr=0.3, max_steps=1000)
    assert outcome == "diverged", (outcome, curve[:5])


@pytest.mark.slow
def test_gaussian_init_is_far_slower_at_depth_8():
    gaussian, _ = lesson.learning_time(8, "gaussian")
    orthogonal, _ = lesson.learning_time(8, "orthogonal")
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
    """In every seed LSUV ends at most 5 % above He, and below it on average."""
    train, _ = lesson.data.load_standardized_fashion_mnist()
    pairs = []
    for seed in lesson.LSUV_SEEDS:
        result = lesson.lsuv_experiment(depth=20, width=128, steps=300, seed=seed, train=train)
        pairs.append(tuple(result["curves"][k][-50:].mean() for k in ("LSUV", "He")))
    assert all(lsuv <= 1.05 * he for lsuv, he in pairs), pairs
    assert np.mean([p[0] for p in pairs]) <= np.mean([p[1] for p in pairs]), pairs
