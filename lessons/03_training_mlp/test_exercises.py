"""Grader for lesson 3: `tinynet check 3` or `pytest lessons/03_training_mlp/` grades your
exercises.py (TINYNET_GRADE=reference grades the reference solution).

bce_with_logits runs here on tinynet's reference Tensor (put in your module's ``Tensor``)
and is compared with tinynet's loss and autograd to 1e-12."""
import numpy as np
import pytest

import tinynet as tn
from tinynet.lesson_tests import call_exercise, expect, graded_module, loss_rule_received
from tinynet.mine import reference
from tinynet.nn import functional as F

LESSON = 3


def _cases():
    rng = np.random.default_rng(3)
    yield rng.standard_normal((8, 1)), rng.integers(0, 2, (8, 1)).astype(np.float64)
    yield 5 * rng.standard_normal((20, 1)), rng.integers(0, 2, (20, 1)).astype(np.float64)
    yield np.array([[1000.0], [-1000.0], [40.0], [-40.0]]), np.array([[0.0], [1.0], [0.0], [1.0]])


def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _no_abs(z, y):
    """The stable form with |z| replaced by z in the log term (right only for z >= 0)."""
    with np.errstate(all="ignore"):
        return float(np.mean(np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-z))))


def _overflow_diagnosis(impl, engine, big):
    """Why the loss is not finite: σ(z) rounding to 0 or 1 (a log of a probability), or an
    exponential of a large positive number. Probed at |z| = 40, where σ already rounds to
    exactly 1 in float64 but e^40 is still finite."""
    probe = call_exercise(impl.bce_with_logits, engine.Tensor(np.array([[40.0], [-40.0]])),
                          np.array([[0.0], [1.0]]))
    if not np.isfinite(float(np.asarray(probe.data))):
        return (f"bce_with_logits is not finite for logits as large as {big:g}: σ(z) rounds to exactly 0 or 1 and "
                "its log is -inf; use the stable form of the docstring")
    return (f"bce_with_logits is not finite for logits as large as {big:g}: an exponential of a large positive "
            "number overflows (e^z is inf beyond z ≈ 709); the stable form only ever exponentiates −|z|, which "
            "is never positive")


def check_bce_with_logits(impl):
    engine = reference(1)
    impl.Tensor = engine.Tensor
    for z, y in _cases():
        t = tn.Tensor(z.copy(), requires_grad=True)
        loss = F.binary_cross_entropy_with_logits(t, y)
        loss.backward()
        expected = expect(float(np.asarray(loss.data)))
        mine = engine.Tensor(z.copy())
        out = call_exercise(impl.bce_with_logits, mine, y.copy())
        assert hasattr(out, "backward_rule") and any(p is mine for p in out.parents), (
            "bce_with_logits must return a Tensor whose parents hold the logits Tensor")
        value = float(np.asarray(out.data))
        big = float(np.abs(z).max())
        if not np.isfinite(value):
            raise AssertionError(_overflow_diagnosis(impl, engine, big))
        if not np.isclose(value, expected, rtol=1e-12, atol=1e-12):
            if np.isclose(value, expected * z.size, rtol=1e-12):
                raise AssertionError(f"bce_with_logits is the SUM over the {z.size} examples; the loss is their mean")
            if np.isclose(value, _no_abs(z, y), rtol=1e-12, atol=1e-12):
                raise AssertionError("bce_with_logits's value is wrong where z < 0: the log term needs the absolute "
                                     "value |z|; without it max(z, 0) and the log term no longer add up to the loss "
                                     "for negative logits (and e^−z overflows for large negative ones)")
            raise AssertionError("bce_with_logits's value (the forward pass) is wrong: check the sign of each "
                                 "term of max(z, 0) − z·y + log(1 + e^−|z|)")
        want = expect(np.asarray(t.grad, dtype=np.float64))
        grad = loss_rule_received("bce_with_logits", out, mine, want)
        if grad is None:
            continue
        p = _sigmoid(z)
        if np.allclose(grad, want * z.size, rtol=1e-9):
            raise AssertionError(f"dL/dz is {z.size} times too large: the loss is a mean, divide by N")
        if np.allclose(grad, -want, rtol=1e-9):
            raise AssertionError("dL/dz has the wrong sign: it points uphill, toward a larger loss")
        if np.allclose(grad, (p - y) * p * (1 - p) / z.size, rtol=1e-9, atol=1e-15):
            raise AssertionError("dL/dz carries an extra factor σ'(z) = σ(1−σ): that is mean squared error through "
                                 "a sigmoid; for cross-entropy the log cancels it")
        raise AssertionError("dL/dz of the mean binary cross-entropy is wrong")


def check_sgd_step(impl):
    rng = np.random.default_rng(4)
    params = [rng.standard_normal((3, 2)), rng.standard_normal(2)]
    grads = [rng.standard_normal((3, 2)), rng.standard_normal(2)]
    originals = [p.copy() for p in params]
    held = list(params)                          # what a model holds: the same array objects
    expected = [expect(p - 0.1 * g) for p, g in zip(params, grads)]
    returned = call_exercise(impl.sgd_step, params, grads, 0.1)
    unchanged = all(np.array_equal(p, o) for p, o in zip(held, originals))
    if unchanged and returned is not None and all(np.allclose(r, e, atol=1e-15) for r, e in zip(returned, expected)):
        raise AssertionError("sgd_step returned new arrays and left the model's arrays as they were: update each "
                             "array in place, so the layers that hold it see the step")
    for p, e, o in zip(held, expected, originals):
        if np.allclose(p, e, rtol=0, atol=1e-15):
            continue
        if np.allclose(p - o, -(e - o), rtol=1e-12, atol=1e-15):
            raise AssertionError("sgd_step moved the parameters uphill: the step goes AGAINST the gradient")
        if np.array_equal(p, o):
            raise AssertionError("sgd_step did not change the arrays it was given; update them in place")
        raise AssertionError("after sgd_step the parameters did not move by lr times the gradient")


EXERCISES = {"bce_with_logits": check_bce_with_logits, "sgd_step": check_sgd_step}

HINTS = {
    "bce_with_logits": [
        "Work with logits, never with probabilities: a probability of exactly 0 or 1 has an infinite log, and "
        "large logits round to exactly that. Rearranged, the loss needs no log of a probability at all.",
        "z and y are (N, 1). Per example ℓ = max(z, 0) − z·y + log(1 + e^−|z|), the same value as the textbook "
        "formula for every z; L is the mean of the N values, a 0-d array. dL/dz = (σ(z) − y)/N, shape (N, 1).",
        "Forward: compute the per-example stable terms from the logits' values and the targets, average them, "
        "make the output Tensor with the logits as its parent. Rule: the sigmoid of the logits minus the targets, "
        "divided by N, times out.grad, added into the logits' grad. A stable sigmoid can be written with tanh.",
    ],
    "sgd_step": [
        "Step each parameter a little downhill, and do it to the arrays the model already holds, not to copies.",
        "θ and g have the same shape; the new θ is θ − lr·g, element by element. An in-place update changes "
        "the array object itself, so every reference to it sees the new values.",
        "Walk the parameter and gradient lists in pairs and subtract lr times the gradient from each parameter "
        "with an in-place operator; return the list of parameters.",
    ],
}


@pytest.mark.parametrize("name", list(EXERCISES))
def test_exercise(name):
    EXERCISES[name](graded_module(__file__, LESSON))
