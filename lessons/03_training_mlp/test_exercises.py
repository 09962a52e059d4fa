"""Grader for lesson 3. `tinynet check 3` grades your exercises.py; plain pytest grades the
reference solution (set TINYNET_GRADE=learner to grade yours with pytest)."""
import numpy as np
import pytest

import tinynet as tn
from tinynet.nn import functional as F
from tinynet.lesson_tests import graded_module, call_exercise

LESSON = 3


def _cases():
    rng = np.random.default_rng(3)
    yield rng.standard_normal((8, 1)), rng.integers(0, 2, (8, 1)).astype(np.float64)
    yield 5 * rng.standard_normal((20, 1)), rng.integers(0, 2, (20, 1)).astype(np.float64)
    yield np.array([[1000.0], [-1000.0], [40.0], [-40.0]]), np.array([[0.0], [1.0], [0.0], [1.0]])


def check_bce_with_logits(impl):
    for z, y in _cases():
        expected = float(F.binary_cross_entropy_with_logits(tn.Tensor(z), y).data)
        got = call_exercise(impl.bce_with_logits, z, y)
        assert np.isfinite(got), (
            f"bce_with_logits returned {got} for logits as large as {np.abs(z).max():g}: log(sigmoid(z)) "
            "underflows to log(0); use max(z, 0) - z*y + log1p(exp(-|z|))")
        assert np.isclose(got, expected, rtol=1e-12, atol=1e-12), (
            f"bce_with_logits = {got:.6g}, expected {expected:.6g} (the MEAN over the examples, "
            "loss = max(z, 0) - z*y + log1p(exp(-|z|)))")


def check_bce_with_logits_grad(impl):
    for z, y in _cases():
        t = tn.Tensor(z.copy(), requires_grad=True)
        F.binary_cross_entropy_with_logits(t, y).backward()
        got = np.asarray(call_exercise(impl.bce_with_logits_grad, z, y), dtype=np.float64)
        assert got.shape == z.shape, f"the gradient has shape {got.shape}, expected {z.shape}"
        assert np.allclose(got, t.grad, rtol=1e-12, atol=1e-15), (
            f"bce_with_logits_grad is off by up to {np.max(np.abs(got - t.grad)):.3g} from autograd: "
            "dL/dz = (sigmoid(z) - y) / N; the sigmoid's own derivative cancels against the log")


def check_sgd_step(impl):
    rng = np.random.default_rng(4)
    params = [rng.standard_normal((3, 2)), rng.standard_normal(2)]
    grads = [rng.standard_normal((3, 2)), rng.standard_normal(2)]
    originals = [p for p in params]
    expected = [p - 0.1 * g for p, g in zip(params, grads)]
    call_exercise(impl.sgd_step, params, grads, 0.1)
    for p, original, e in zip(params, originals, expected):
        assert p is original, "sgd_step replaced an array in the list; update each array in place (p -= lr * g)"
        assert np.allclose(p, e, rtol=0, atol=1e-15), (
            "after sgd_step the parameters are not θ - lr·g: step against the gradient (downhill), in place")


EXERCISES = {
    "bce_with_logits": check_bce_with_logits,
    "bce_with_logits_grad": check_bce_with_logits_grad,
    "sgd_step": check_sgd_step,
}


@pytest.mark.parametrize("name", list(EXERCISES))
def test_exercise(name):
    EXERCISES[name](graded_module(__file__, LESSON))
