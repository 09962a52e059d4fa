"""Grader for lesson 10. `tinynet check 10` grades your exercises.py; plain pytest grades
the reference solution (set TINYNET_GRADE=learner to grade yours with pytest)."""
import math

import numpy as np
import pytest

from tinynet.lesson_tests import call_exercise, expect, graded_module

LESSON = 10


def _log_softmax(b):
    s = b - b.max()
    return s - np.log(np.exp(s).sum())


def _cross_entropy(prior, bias):
    return float(-(prior * _log_softmax(bias)).sum())


def _loss(impl, prior, bias):
    got = call_exercise(impl.expected_initial_loss, prior.copy(), bias.copy())
    try:
        got = float(got)
    except (TypeError, ValueError):
        raise AssertionError(f"expected_initial_loss returned {type(got).__name__}; return one number") from None
    assert math.isfinite(got), f"expected_initial_loss returned {got} for finite logits"
    return got


def check_expected_initial_loss(impl):
    rng = np.random.default_rng(0)
    for k in (2, 3, 10):
        uniform = np.full(k, 1 / k)
        got = _loss(impl, uniform, np.zeros(k))
        assert not math.isclose(got, math.log2(k), rel_tol=1e-9), (
            f"balanced classes and all logits 0 ({k} classes) gave {got:.6g}: that is a loss in bits; "
            "the cross-entropy of tinynet (and of this lesson) is in nats")
        assert math.isclose(got, math.log(k), rel_tol=1e-9), (
            f"balanced classes and all logits 0 ({k} classes) gave {got:.6g}: with equal logits the "
            "softmax is uniform, so this is the loss of a uniform guess; the probabilities must sum to 1 over the classes")
    for k in (3, 10):
        prior = rng.dirichlet(np.ones(k))
        same = _loss(impl, prior, np.log(prior))
        shifted = _loss(impl, prior, np.log(prior) + 7.0)
        assert math.isclose(same, shifted, rel_tol=1e-9, abs_tol=1e-12), (
            f"adding the same constant to every logit changed your loss from {same:.6g} to {shifted:.6g}; "
            "the softmax does not change when every logit moves by the same amount")
        entropy = expect(float(-(prior * np.log(prior)).sum()))
        assert math.isclose(same, entropy, rel_tol=1e-9), (
            "with logits equal to the log of the class frequencies your loss is off by "
            f"{same / entropy - 1:+.1%}; the prediction then equals the class frequencies, and the loss "
            "must depend on the logits")
        bias = rng.normal(0, 3, size=k)
        got, want = _loss(impl, prior, bias), expect(_cross_entropy(prior, bias))
        assert math.isclose(got, want, rel_tol=1e-9), (
            f"for unequal class frequencies and unequal logits ({k} classes) your loss is off by "
            f"{got / want - 1:+.1%}; check which distribution weights the sum and which one sits inside the log")
    huge = np.array([800.0, 0.0, -800.0])
    got = float(call_exercise(impl.expected_initial_loss, np.array([0.2, 0.3, 0.5]), huge))
    assert math.isclose(got, _cross_entropy(np.array([0.2, 0.3, 0.5]), huge), rel_tol=1e-9), (
        f"logits of size 800 gave {got}, off from the exact loss: exp(800) overflows in float64")


def check_prior_bias(impl):
    rng = np.random.default_rng(1)
    for k, n in ((2, 50), (4, 400), (10, 3000)):
        prior = rng.dirichlet(np.ones(k) * 0.7)
        y = rng.choice(k, size=n, p=prior)
        y[:k] = rng.permutation(k)          # every class occurs at least once
        freq = expect(np.bincount(y, minlength=k) / n)
        b = call_exercise(impl.prior_bias, y.copy(), k)
        b = np.asarray(b, dtype=np.float64)
        assert b.shape == (k,), f"prior_bias(y, {k}) returned shape {b.shape}; expected one bias per class, ({k},)"
        assert np.all(np.isfinite(b)), f"prior_bias(y, {k}) returned non-finite values"
        p = np.exp(_log_softmax(b))
        if np.allclose(np.exp(_log_softmax(-b)), freq, atol=1e-9):
            raise AssertionError(f"prior_bias(y, {k}): frequent classes get the smallest logits; check the sign")
        if np.allclose(np.sort(p), np.sort(freq), atol=1e-9) and not np.allclose(p, freq, atol=1e-9):
            raise AssertionError(f"prior_bias(y, {k}): the predicted frequencies are right but belong to "
                                 "the wrong classes; bias k must go with class k")
        if np.allclose(b, freq, atol=1e-12) or np.allclose(p, np.exp(_log_softmax(freq)), atol=1e-9):
            raise AssertionError(f"prior_bias(y, {k}): the softmax of your bias is not the class frequencies; "
                                 "the softmax exponentiates the logits, so the bias must undo that")
        worst = np.max(np.abs(p / freq - 1))
        assert worst < 1e-9, (
            f"prior_bias(y, {k}): softmax(bias) differs from the class frequencies by up to {worst:.1%} "
            "(relative); a softmax logit is not a sigmoid's log-odds")


EXERCISES = {"expected_initial_loss": check_expected_initial_loss, "prior_bias": check_prior_bias}

HINTS = {
    "expected_initial_loss": [
        "The cross-entropy of one example is -log of the probability the network gives its true "
        "class. If the logits are the same for every input, the probabilities are too, and the "
        "average over the data only needs how often each class occurs.",
        "With logits b of shape (K,), p = softmax(b) has shape (K,); a fraction pi_k of the examples "
        "has label k and pays -log p_k. The mean over the data set is a sum over the K classes.",
        "Compute log softmax(b) stably: subtract the largest logit, then subtract the log of the sum "
        "of the exponentials. Weight each class's negative log-probability by its frequency and add up.",
    ],
    "prior_bias": [
        "With a zero output kernel the network outputs softmax(bias) for every input. Choose the "
        "bias so that this equals the class frequencies of the training labels.",
        "softmax(b)_k = exp(b_k) / sum_j exp(b_j). Which b makes this pi_k? Adding the same number to "
        "every b_k changes nothing, so any b_k = f(pi_k) + c works for the right f.",
        "Count the labels per class (one count per class, in class order), divide by the number of "
        "labels to get frequencies, and invert the exponential of the softmax on them.",
    ],
}


@pytest.mark.parametrize("name", list(EXERCISES))
def test_exercise(name):
    EXERCISES[name](graded_module(__file__, LESSON))
