"""Lesson 4's claims, float64 and exact where the claim is exact."""
import pytest

from tinynet.lesson_tests import lesson_script

lesson = lesson_script(__file__, 4)


@pytest.mark.slow
def test_zeros_relu_never_moves():
    r = lesson.zeros_relu(engine_steps=200, long_steps=15_000)
    assert r["hidden_grad_max"] == 0.0                  # every hidden gradient exactly 0, every step
    assert r["weights_still_zero"]                      # ... so after 15,000 steps every kernel is still 0
    assert r["loss_deviation"] < 1e-12                  # loss = ln 2
    assert r["train_accuracy"] == 0.5 and r["test_accuracy"] == 0.5
    assert {n: s for n, s in r["first_nonzero"].items() if s is not None} in ({}, {"b3": 0})
    assert all(r["exactly_zero"].values()), r["exactly_zero"]   # W1, b1, W2, b2, W3: exact zeros
    assert r["b3_grad_max"] < 1e-17                     # b3: Σ(½ − y)/N, zero up to rounding


@pytest.mark.slow
def test_zeros_next_to_the_he_baseline():
    r = lesson.lesson3.init_comparison(("zeros", "He"))
    assert r["zeros"]["train_accuracy"] == 0.5 and round(r["He"]["train_accuracy"], 3) == 0.98


@pytest.mark.slow
def test_zeros_sigmoid_units_stay_identical():
    balanced = lesson.zeros_sigmoid(steps=100, balanced=True)
    assert max(balanced["grad_max"].values()) < 1e-15    # balanced classes: only rounding noise
    unbalanced = lesson.zeros_sigmoid(steps=100, balanced=False)
    assert all(v > 0 for v in unbalanced["grad_max"].values())   # non-zero gradients everywhere ...
    assert unbalanced["grad_max"]["W3"] > 1e-3
    assert unbalanced["unit_spread"] <= 1e-12            # ... yet the units of a layer stay identical


def test_random_biases_gradient_arrives_one_layer_per_step():
    for seed in (0, 1, 2):
        steps = lesson.random_biases(seed=seed)
        assert (steps["W3"], steps["W2"], steps["W1"]) == (0, 1, 2)
