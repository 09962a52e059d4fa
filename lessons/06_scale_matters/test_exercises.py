"""Grader for lesson 6. `tinynet check 6` grades your exercises.py; plain pytest grades the
reference solution (set TINYNET_GRADE=learner to grade yours with pytest)."""
import numpy as np
import pytest

from tinynet.lesson_tests import graded_module, call_exercise

LESSON = 6


def check_std_gain(impl):
    cases = [(0.01, 256, "tanh"), (1.0, 256, "relu"), (0.05, 784, "linear"), (0.3, 10, "relu"),
             (2.0, 3, "tanh")]
    for sigma, fan_in, activation in cases:
        expected = sigma * np.sqrt(fan_in / 2 if activation == "relu" else fan_in)
        got = call_exercise(impl.std_gain, sigma, fan_in, activation)
        assert np.isclose(got, expected, rtol=1e-12, atol=0), (
            f"std_gain({sigma}, {fan_in}, {activation!r}) returned {got}, expected {expected:.6g}. "
            "Var(z) = fan_in·σ²·E[a²]; ReLU keeps E[a²] = Var(z)/2; return a std, not a variance.")
    try:
        impl.std_gain(0.1, 10, "softmax")
    except ValueError:
        pass
    except NotImplementedError:
        raise
    except Exception as error:
        raise AssertionError(f"std_gain with an unknown activation raised {type(error).__name__}; "
                             "raise ValueError naming the accepted activations") from None
    else:
        raise AssertionError("std_gain(0.1, 10, 'softmax') returned a value; an activation other "
                             "than linear/tanh/relu should raise ValueError")


def check_layer_stds(impl):
    rng = np.random.default_rng(6)
    x = rng.standard_normal((64, 20))
    kernels = [rng.standard_normal((20, 30)) * 0.3, rng.standard_normal((30, 30)) * 0.2,
               rng.standard_normal((30, 5)) * 0.5]
    functions = {"linear": lambda z: z, "tanh": np.tanh, "relu": lambda z: np.maximum(z, 0.0)}
    for activation, f in functions.items():
        a, expected = x, []
        for kernel in kernels:
            a = f(a @ kernel)
            expected.append(a.std())
        got = call_exercise(impl.layer_stds, x, kernels, activation)
        got = np.asarray(got, dtype=np.float64)
        assert got.shape == (len(kernels),), (
            f"layer_stds returned {got.shape[0] if got.ndim else 'a scalar'} values for "
            f"{len(kernels)} kernels; return one std per layer (the input is not a layer)")
        assert np.allclose(got, expected, rtol=1e-10, atol=0), (
            f"layer_stds(..., {activation!r}) = {np.round(got, 6)}, expected {np.round(expected, 6)}; "
            "measure each layer's OUTPUT a = f(a_prev @ W), after the activation")


EXERCISES = {"std_gain": check_std_gain, "layer_stds": check_layer_stds}


@pytest.mark.parametrize("name", list(EXERCISES))
def test_exercise(name):
    EXERCISES[name](graded_module(__file__, LESSON))
