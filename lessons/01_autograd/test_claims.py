"""Lesson 1's claims, measured in float64."""
import importlib.util
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def _load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


lesson = _load(HERE / "lesson.py", "tinynet_lesson_01_script")
reference = _load(HERE.parent / "solutions" / "lesson_01.py", "tinynet_lesson_01_reference_for_claims")
bugs = _load(HERE.parent / "solutions" / "bugs_01.py", "tinynet_lesson_01_bugs_for_claims")


def test_autograd_is_the_chain_rule_exactly():
    result = lesson.chain_rule()
    assert result["max_error_a"] <= 1e-15 and result["max_error_b"] <= 1e-15


def test_gradients_accumulate():
    result = lesson.accumulation(1.5)
    assert result["dy_dx"] == 4.0                      # 2x + 1: both uses of x add up
    assert result["after_second_backward"] == 8.0      # a second backward adds, it does not replace


def test_correct_gradient_passes_and_planted_bug_fails_the_check():
    result = lesson.gradient_check()
    assert result["correct"] < 2e-7
    assert result["buggy"] > 1e-2                      # >> 2e-7
    assert f"{result['correct']:.0e}" == "3e-11" and round(result["buggy"], 1) == 0.5   # the README's figures


def test_hand_written_pieces_pass_the_check_and_a_bug_does_not():
    """The reference backward functions chained by hand: Σ tanh(a⊙b), checked with the
    reference central differences; the same with tanh' taken as 1 − u²."""
    a, b = lesson.example_inputs(1)

    def hand_gradient(tanh_backward):
        u = a * b
        du = tanh_backward(u, reference.sum_backward(np.tanh(u), 1.0))
        return np.concatenate([g.ravel() for g in reference.mul_backward(a, b, du)])

    def numerical():
        ga = reference.numerical_gradient(lambda v: float(np.sum(np.tanh(v * b))), a.copy())
        gb = reference.numerical_gradient(lambda v: float(np.sum(np.tanh(a * v))), b.copy())
        return np.concatenate([ga.ravel(), gb.ravel()])

    g_numerical = numerical()
    good = reference.relative_difference(hand_gradient(reference.tanh_backward), g_numerical)
    bad = reference.relative_difference(hand_gradient(bugs.tanh_backward_of_x_not_tanh), g_numerical)
    assert good < 2e-7
    assert bad > 1e3 * 2e-7


def test_step_size_tradeoff():
    """Truncation error shrinks like h² (1e-2 -> 1e-3: 100x smaller), rounding grows like 1/h."""
    steps, errors = lesson.step_size_sweep(steps=np.array([1e-2, 1e-3, 1e-6, 1e-11]))
    assert 90 < errors[0] / errors[1] < 110
    assert errors[2] < 2e-7
    assert errors[3] > errors[2]


def test_scale_of_the_relative_difference():
    """1 for opposite gradients, 1/√2 (not 1) for unrelated equal-norm orthogonal ones."""
    scale = lesson.scale_of_the_difference()
    assert scale["opposite"] == 1.0
    assert abs(scale["orthogonal"] - 1 / np.sqrt(2)) < 1e-12
    assert abs(scale["unrelated"] - 1 / np.sqrt(2)) < 0.03     # random directions: nearly orthogonal
