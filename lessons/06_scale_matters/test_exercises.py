"""Grader for lesson 6. `tinynet check 6` grades your exercises.py; plain pytest grades the
reference solution (set TINYNET_GRADE=learner to grade yours with pytest)."""
import importlib.util
import os
from pathlib import Path

import numpy as np
import pytest

HERE = Path(__file__).resolve().parent
LESSON = 6


def load_impl():
    """The learner's exercises.py if TINYNET_GRADE=learner, else the reference solution."""
    if os.environ.get("TINYNET_GRADE") == "learner":
        path = HERE / "exercises.py"
    else:
        path = HERE.parent / "solutions" / f"lesson_{LESSON:02d}.py"
    spec = importlib.util.spec_from_file_location(f"tinynet_grade_{LESSON:02d}_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _call(fn, *args):
    """Call the learner's function; any crash other than 'not implemented' is a failed check."""
    try:
        return fn(*args)
    except NotImplementedError:
        raise
    except Exception as error:  # a crash is a wrong answer, reported in plain words
        raise AssertionError(f"{fn.__name__}{args!r} raised {type(error).__name__}: {error}") from None


def check_std_gain(impl):
    cases = [(0.01, 256, "tanh"), (1.0, 256, "relu"), (0.05, 784, "linear"), (0.3, 10, "relu"),
             (2.0, 3, "tanh")]
    for sigma, fan_in, activation in cases:
        expected = sigma * np.sqrt(fan_in / 2 if activation == "relu" else fan_in)
        got = _call(impl.std_gain, sigma, fan_in, activation)
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
        got = _call(impl.layer_stds, x, kernels, activation)
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
    EXERCISES[name](load_impl())
