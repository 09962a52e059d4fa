"""Grader for lesson 4. `tinynet check 4` grades your exercises.py; plain pytest grades the
reference solution (set TINYNET_GRADE=learner to grade yours with pytest)."""
import numpy as np
import pytest

import tinynet as tn
from tinynet import init, nn
from tinynet.nn import functional as F
from tinynet.lesson_tests import graded_module, call_exercise

LESSON = 4
NAMES = ("W1", "b1", "W2", "b2", "W3", "b3")


def check_first_nonzero_step(impl):
    tiny = 1e-300
    history = [
        {"a": np.zeros(3), "b": np.zeros((2, 2)), "c": np.array([0.0, tiny]), "d": np.zeros(1)},
        {"a": np.zeros(3), "b": np.array([[0.0, 0.0], [0.0, -2.0]]), "c": np.zeros(2), "d": np.zeros(1)},
        {"a": np.array([0.0, 1e-20, 0.0]), "b": np.ones((2, 2)), "c": np.ones(2), "d": np.zeros(1)},
    ]
    expected = {"a": 2, "b": 1, "c": 0, "d": None}
    got = call_exercise(impl.first_nonzero_step, history)
    assert got == expected, (
        f"first_nonzero_step gave {got}, expected {expected}: steps count from 0, compare with exact "
        "zero (a gradient of 1e-300 is not zero), and None for a gradient that is zero at every step")


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
    measured = _measured_step0()
    assert got == measured, (
        f"you predicted non-zero gradients for {sorted(got)}; tinynet measures {sorted(measured)} non-zero. "
        "dW = A_prevᵀ dZ is non-zero when both factors are; a hidden layer's dZ is dZ_next @ W_nextᵀ ⊙ relu'.")


EXERCISES = {
    "first_nonzero_step": check_first_nonzero_step,
    "nonzero_gradients_at_step0": check_nonzero_gradients_at_step0,
}


@pytest.mark.parametrize("name", list(EXERCISES))
def test_exercise(name):
    EXERCISES[name](graded_module(__file__, LESSON))
