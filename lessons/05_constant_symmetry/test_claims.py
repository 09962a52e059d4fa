"""Lesson 5's claims, float64.

Measured: constant 0.5 keeps one distinct unit per hidden layer (spread exactly 0) through
15,000 steps, accuracy 0.587 train / 0.56 test; Dropout(0.2) gives a spread of ~1e-3 after
100 steps. A perturbation of std 1e-6 survives training (the spread stays ~4e-6, it never
collapses back to 0) but does not grow within 15,000 steps: accuracy stays that of the
constant start.
"""
import pytest

from tinynet.lesson_tests import lesson_script

lesson = lesson_script(__file__, 5)


@pytest.mark.slow
def test_constant_units_stay_identical_in_tinynet():
    r = lesson.constant_engine(steps=300)
    assert max(r["spread"]) <= 1e-12
    assert r["distinct"] == [1, 1]


@pytest.mark.slow
def test_constant_units_stay_identical_for_15000_steps():
    r = lesson.constant_run(steps=15_000)
    assert max(r["spread"]) <= 1e-12
    assert r["distinct"] == [1, 1]
    assert r["train_accuracy"] <= 0.65 and r["test_accuracy"] <= 0.65
    assert (round(r["train_accuracy"], 3), round(r["test_accuracy"], 2)) == (0.587, 0.56)   # README


@pytest.mark.slow
def test_dropout_breaks_the_symmetry():
    r = lesson.dropout_run(steps=100)
    assert min(r["spread"]) > 1e-6
    assert r["distinct"][0] > 1 and r["distinct"][1] > 1
    assert [float(f"{v:.0e}") for v in r["spread"]] == [2e-3, 6e-4], r["spread"]   # the README's figures


@pytest.mark.slow
def test_tiny_noise_is_never_undone():
    r = lesson.noise_run(steps=15_000, noise=1e-6, seeds=range(2))
    for start, end in zip(r["start_spread"], r["end_spread"]):
        assert end > 1e-6 and end > 0.5 * start       # gradient descent does not re-symmetrize


def test_he_is_between_4_5e5_and_1e6_times_the_noise():
    ratio = sorted(lesson.he_to_noise_ratio(1e-6).values())
    assert round(ratio[0], -4) == 4.5e5 and round(ratio[-1]) == 1e6, ratio


@pytest.mark.slow
def test_constant_next_to_the_he_baseline():
    r = lesson.lesson3.init_comparison(("constant 0.5", "He"))
    assert round(r["constant 0.5"]["train_accuracy"], 3) == 0.587 and round(r["He"]["train_accuracy"], 3) == 0.98
