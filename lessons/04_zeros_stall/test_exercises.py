"""Grader for lesson 4: `tinynet check 4` or `pytest lessons/04_zeros_stall/` grades your
exercises.py (TINYNET_GRADE=reference grades the reference solution)."""
import numpy as np
import pytest

import tinynet as tn
from tinynet import init, nn
from tinynet.nn import functional as F
from tinynet.lesson_tests import call_exercise, expect, graded_module

LESSON = 4
NAMES = ("W1", "b1", "W2", "b2", "W3", "b3")


def check_first_nonzero_step(impl):
    tiny = 1e-300
    history = [
        {"a": np.zeros(3), "b": np.zeros((2, 2)), "c": np.array([0.0, tiny]), "d": np.zeros(1)},
        {"a": np.zeros(3), "b": np.array([[0.0, 0.0], [0.0, -2.0]]), "c": np.zeros(2), "d": np.zeros(1)},
        {"a": np.array([0.0, 1e-20, 0.0]), "b": np.ones((2, 2)), "c": np.ones(2), "d": np.zeros(1)},
    ]
    expected = expect({"a": 2, "b": 1, "c": 0, "d": None})
    got = call_exercise(impl.first_nonzero_step, history)
    assert isinstance(got, dict) and set(got) == set(expected), (
        f"first_nonzero_step returned {type(got).__name__} {sorted(got) if isinstance(got, dict) else ''}; "
        "return a dict with one entry per parameter name of the history")
    wrong = [name for name in expected if got[name] != expected[name]]
    if not wrong:
        return
    if got["d"] is not None:
        raise AssertionError("a gradient that is zero at every step must map to None, not to a step")
    if all(got[n] is not None and expected[n] is not None and got[n] == expected[n] + 1
           for n in expected if expected[n] is not None):
        raise AssertionError("every step you report is one too late: the first step of the history is step 0")
    if got["b"] == expected["b"] and set(wrong) <= {"a", "c"}:
        raise AssertionError("tiny gradients (1e-300, 1e-20) were treated as zero: "
                             "the lesson's zeros are exact, so compare with != 0, not with a tolerance")
    if "b" in wrong and got["b"] is not None and got["b"] > expected["b"]:
        raise AssertionError("for a gradient that is non-zero at several steps you report a later one: "
                             "the question is the FIRST non-zero step")
    raise AssertionError(f"first_nonzero_step is wrong for {wrong}: for each name, the first step index "
                         "whose gradient has any element != 0")


def _measured_step0():
    from tinynet import data
    x, y = data.circles(300, noise=0.05, factor=0.8, seed=1)
    tn.manual_seed(0)
    layers = [nn.Dense(i, o, activation=a, kernel_initializer="zeros",
                       bias_initializer=init.RandomNormal(mean=0.0, stddev=1.0), dtype=np.float64)
              for i, o, a in ((2, 10, "relu"), (10, 5, "relu"), (5, 1, None))]
    model = nn.Sequential(*layers)
    F.binary_cross_entropy_with_logits(model(x), y.reshape(-1, 1).astype(np.float64)).backward()
    return {name for name, p in zip(NAMES, model.parameters()) if np.any(p.grad != 0)}


def check_nonzero_gradients_at_step0(impl):
    got = call_exercise(impl.nonzero_gradients_at_step0)
    got = set(got) if not isinstance(got, str) else {got}
    unknown = got - set(NAMES)
    assert not unknown, f"unknown parameter names {sorted(unknown)}; use the names {NAMES}"
    measured = expect(_measured_step0())
    if got == measured:
        return
    problems = []
    extra, missing = got - measured, measured - got
    if extra & {"b1", "b2"}:
        problems.append(f"you predict a gradient for {', '.join(sorted(extra & {'b1', 'b2'}))}: a hidden "
                        "bias receives that layer's dZ, and what does dZ pass through on its way down?")
    if extra & {"W1", "W2"}:
        problems.append(f"you predict a gradient for {', '.join(sorted(extra & {'W1', 'W2'}))}: dW = A_prevᵀ dZ "
                        "needs BOTH factors non-zero; check that layer's dZ")
    if missing & {"b3"}:
        problems.append("you predict no gradient for the output bias: it receives dL/dz of the logit itself, "
                        "summed over the batch; is that sum zero here?")
    if missing & {"W3"}:
        problems.append("you predict no gradient for the output kernel: dW3 = A2ᵀ dz is a product of two factors; "
                        "at step 0, is either of them zero for every example?")
    if missing - {"b3", "W3"}:
        problems.append(f"you predict no gradient for {', '.join(sorted(missing - {'b3', 'W3'}))}")
    if extra - {"b1", "b2", "W1", "W2"}:
        problems.append(f"you predict a gradient for {', '.join(sorted(extra - {'b1', 'b2', 'W1', 'W2'}))}")
    raise AssertionError("; ".join(problems))


HINTS = {
    "first_nonzero_step": [
        "For each parameter, walk the steps in order and stop at the first one whose gradient is not "
        "entirely zero. A parameter that never gets a gradient has no such step.",
        "history[t][name] is the gradient array of that parameter at step t (t = 0, 1, ...), any shape. "
        "'Non-zero' means at least one element differs from 0.0 exactly; 1e-300 counts.",
        "Take the parameter names from the first step's dict. For each name, go through the steps with "
        "their index; the first index where some element is != 0 is the answer for that name; if the "
        "loop ends without one, the answer is None. Collect the answers in a dict.",
    ],
    "nonzero_gradients_at_step0": [
        "Backprop is a chain of products. A parameter's gradient is zero whenever one factor of its "
        "product is zero; with zero kernels, find which factors are zero.",
        "Output layer: dz = (σ(z) − y)/N of shape (N, 1), with z = A2·W3 + b3. dW3 = A2ᵀ·dz (5, 1), db3 = Σ dz. "
        "Hidden layer ℓ: dZℓ = (dZℓ₊₁ · Wℓ₊₁ᵀ) ⊙ relu'(Zℓ), then dWℓ = Aℓ₋₁ᵀ·dZℓ and dbℓ = Σ dZℓ.",
        "Start at the top: is dz zero when the classes are not exactly predicted? Is A2 = relu(b2) zero "
        "everywhere? Then go one layer down: what does multiplying by W3ᵀ = 0 do to dZ2, and what "
        "does a zero dZ2 do to everything below it?",
    ],
}


EXERCISES = {
    "first_nonzero_step": check_first_nonzero_step,
    "nonzero_gradients_at_step0": check_nonzero_gradients_at_step0,
}


@pytest.mark.parametrize("name", list(EXERCISES))
def test_exercise(name):
    EXERCISES[name](graded_module(__file__, LESSON))
