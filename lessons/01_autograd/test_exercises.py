"""Grader for lesson 1. `tinynet check 1` grades your exercises.py; plain pytest grades the
reference solution (set TINYNET_GRADE=learner to grade yours with pytest)."""
import numpy as np
import pytest

import tinynet as tn
from tinynet.lesson_tests import graded_module

LESSON = 1
SHAPES = [(1,), (5,), (3, 4), (2, 3, 2)]


def _autograd(op, arrays, grad):
    """tinynet's gradients of ``op`` for upstream gradient ``grad`` (float64)."""
    leaves = [tn.Tensor(a.copy(), requires_grad=True) for a in arrays]
    out = op(*leaves)
    out.backward(np.asarray(grad, dtype=np.float64) if out.data.ndim else tn.Tensor(np.float64(grad)).data)
    return [leaf.grad for leaf in leaves]


def _compare(name, got, expected, hint):
    got = np.asarray(got, dtype=np.float64)
    assert got.shape == expected.shape, (
        f"{name} returned shape {got.shape}, expected {expected.shape}: a gradient has the shape of "
        f"its input. {hint}")
    worst = np.max(np.abs(got - expected)) if got.size else 0.0
    assert np.allclose(got, expected, rtol=1e-12, atol=1e-12), (
        f"{name} is off by up to {worst:.3g} against tinynet's autograd. {hint}")


def check_mul_backward(impl):
    rng = np.random.default_rng(1)
    for shape in SHAPES:
        a, b, grad = (rng.standard_normal(shape) for _ in range(3))
        expected = _autograd(lambda p, q: p * q, [a, b], grad)
        got = impl.mul_backward(a, b, grad)
        assert isinstance(got, (tuple, list)) and len(got) == 2, "mul_backward returns a pair (dL/da, dL/db)"
        _compare("mul_backward's dL/da", got[0], expected[0], "dout/da = b, times the upstream grad.")
        _compare("mul_backward's dL/db", got[1], expected[1], "dout/db = a, times the upstream grad.")


def check_tanh_backward(impl):
    rng = np.random.default_rng(2)
    for shape in SHAPES:
        x, grad = 2 * rng.standard_normal(shape), rng.standard_normal(shape)
        (expected,) = _autograd(lambda p: p.tanh(), [x], grad)
        _compare("tanh_backward", impl.tanh_backward(x, grad), expected,
                 "d tanh(x)/dx = 1 - tanh(x)**2 (of the input x), times the upstream grad.")


def check_sum_backward(impl):
    rng = np.random.default_rng(3)
    for shape in SHAPES:
        x, grad = rng.standard_normal(shape), float(rng.standard_normal())
        (expected,) = _autograd(lambda p: p.sum(), [x], grad)
        _compare("sum_backward", impl.sum_backward(x, grad), expected,
                 "every element of x gets the scalar upstream grad (not divided by the size).")


def check_numerical_gradient(impl):
    rng = np.random.default_rng(4)
    for shape in SHAPES:
        x = rng.standard_normal(shape)
        before = x.copy()
        got = np.asarray(impl.numerical_gradient(lambda v: float(np.sum(v ** 3)), x, 1e-4), dtype=np.float64)
        assert np.array_equal(x, before), (
            "numerical_gradient changed x: restore every element after perturbing it")
        assert got.shape == x.shape, f"numerical_gradient returned shape {got.shape}, expected {x.shape}"
        # For f = Σ x³ the central difference is exactly 3x² + h² (its error is O(h²));
        # a one-sided difference is off by about 3·x·h, a 1/h instead of 1/(2h) by a factor 2.
        exact = 3 * before ** 2
        worst = np.max(np.abs(got - exact))
        assert worst < 1e-6, (
            f"numerical_gradient of sum(x**3) with h=1e-4 is off by {worst:.3g} (central differences are "
            "off by h**2 = 1e-8): use (f(x+h) - f(x-h)) / (2h), not a one-sided difference")
    x, c = rng.standard_normal((3, 2)), rng.standard_normal((3, 2))
    got = impl.numerical_gradient(lambda v: float(np.sum(np.tanh(v * c))), x.copy())
    expected = c * (1 - np.tanh(x * c) ** 2)
    assert np.allclose(got, expected, rtol=1e-6, atol=1e-9), (
        "numerical_gradient of sum(tanh(c*x)) with the default h disagrees with c*(1 - tanh(c*x)**2)")


def check_relative_difference(impl):
    cases = [
        (np.array([1.0, 1.0]), np.array([1.0, 0.0]), 1.0 / (np.sqrt(2) + 1.0)),
        (np.array([[3.0, 4.0]]), np.array([[3.0, 4.0]]), 0.0),
        (np.array([1e-8, 0.0]), np.array([-1e-8, 0.0]), 1.0),
        (np.array([2e3, -1e3, 0.5]), np.array([2e3, -1e3, 0.5 + 1e-6]), 1e-6 / (2 * np.sqrt(5e6 + 0.25))),
    ]
    for g, gn, expected in cases:
        got = impl.relative_difference(g, gn)
        assert np.isclose(got, expected, rtol=1e-9, atol=1e-15), (
            f"relative_difference({g.tolist()}, {gn.tolist()}) = {got}, expected {expected:.6g}: "
            "Euclidean norms over all elements, ||g - gn|| / (||g|| + ||gn||)")
    zero = impl.relative_difference(np.zeros(3), np.zeros(3))
    assert zero == 0.0, f"relative_difference of two zero gradients is {zero}; they agree, return 0.0"


EXERCISES = {
    "mul_backward": check_mul_backward,
    "tanh_backward": check_tanh_backward,
    "sum_backward": check_sum_backward,
    "numerical_gradient": check_numerical_gradient,
    "relative_difference": check_relative_difference,
}


@pytest.mark.parametrize("name", list(EXERCISES))
def test_exercise(name):
    EXERCISES[name](graded_module(__file__, LESSON))
