"""Grader for lesson 2. `tinynet check 2` grades your exercises.py; plain pytest grades the
reference solution (set TINYNET_GRADE=learner to grade yours with pytest)."""
import numpy as np
import pytest

import tinynet as tn
from tinynet.nn import functional as F
from tinynet.lesson_tests import graded_module

LESSON = 2
SIZES = [(1, 1, 1), (5, 3, 4), (8, 7, 2), (16, 2, 10)]   # (N, fan_in, fan_out)


def _same(name, got, expected, hint):
    got = np.asarray(got, dtype=np.float64)
    assert got.shape == expected.shape, (
        f"{name} has shape {got.shape}, expected {expected.shape}. {hint}")
    worst = float(np.max(np.abs(got - expected))) if got.size else 0.0
    assert np.allclose(got, expected, rtol=1e-12, atol=1e-12), (
        f"{name} differs from tinynet's autograd by up to {worst:.3g}. {hint}")


def check_dense_backward(impl):
    rng = np.random.default_rng(2)
    for n, fan_in, fan_out in SIZES:
        x, W, b = rng.standard_normal((n, fan_in)), rng.standard_normal((fan_in, fan_out)), rng.standard_normal(fan_out)
        dz = rng.standard_normal((n, fan_out))
        tx, tW, tb = (tn.Tensor(a.copy(), requires_grad=True) for a in (x, W, b))
        F.linear(tx, tW, tb).backward(dz)
        got = impl.dense_backward(x, W, b, dz)
        assert isinstance(got, (tuple, list)) and len(got) == 3, "dense_backward returns (dX, dW, db)"
        _same("dX", got[0], tx.grad, "dX = dZ @ W.T: each input feeds every unit through W.")
        _same("dW", got[1], tW.grad, "dW = X.T @ dZ, shape (fan_in, fan_out) like W.")
        _same("db", got[2], tb.grad, "db sums dZ over the batch (the bias is added to every row).")


def check_softmax_cross_entropy_grad(impl):
    rng = np.random.default_rng(3)
    for n, k, scale in [(1, 2, 1.0), (6, 3, 1.0), (10, 10, 3.0), (4, 5, 1000.0)]:
        logits = scale * rng.standard_normal((n, k))
        labels = rng.integers(0, k, size=n)
        t = tn.Tensor(logits.copy(), requires_grad=True)
        F.cross_entropy(t, labels).backward()
        with np.errstate(all="ignore"):
            got = impl.softmax_cross_entropy_grad(logits.copy(), labels)
        hint = ("The gradient of the MEAN loss is (softmax(Z) - onehot(y)) / N; subtract each row's max "
                "before exp so logits of size 1000 do not overflow.")
        assert np.all(np.isfinite(np.asarray(got, dtype=np.float64))), (
            f"softmax_cross_entropy_grad returned inf/nan for logits of size {scale:g}. {hint}")
        _same("softmax_cross_entropy_grad", got, t.grad, hint)


EXERCISES = {
    "dense_backward": check_dense_backward,
    "softmax_cross_entropy_grad": check_softmax_cross_entropy_grad,
}


@pytest.mark.parametrize("name", list(EXERCISES))
def test_exercise(name):
    EXERCISES[name](graded_module(__file__, LESSON))
