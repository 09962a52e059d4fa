"""Grader for lesson 6: `tinynet check 6` or `pytest lessons/06_scale_matters/` grades your
exercises.py (TINYNET_GRADE=reference grades the reference solution)."""
import numpy as np
import pytest

from tinynet.lesson_tests import call_exercise, expect, graded_module

LESSON = 6


def check_std_gain(impl):
    cases = [(0.01, 256, "tanh"), (1.0, 256, "relu"), (0.05, 784, "linear"), (0.3, 10, "relu"),
             (2.0, 3, "tanh")]
    for sigma, fan_in, activation in cases:
        expected = expect(sigma * np.sqrt(fan_in / 2 if activation == "relu" else fan_in))
        got = call_exercise(impl.std_gain, sigma, fan_in, activation)
        if np.isclose(got, expected, rtol=1e-12, atol=0):
            continue
        ratio = got / expected if expected else np.inf
        if activation == "relu" and np.isclose(ratio, np.sqrt(2), rtol=1e-9):
            raise AssertionError(f"std_gain(..., 'relu') is too large by a factor sqrt(2): ReLU zeroes half of "
                                 "a symmetric z, and that halves E[a²]")
        if np.isclose(got, expected ** 2, rtol=1e-9):
            raise AssertionError(f"std_gain({sigma}, {fan_in}, {activation!r}) is the square of the gain: "
                                 "you returned the variance factor; the gain of a std is its square root")
        raise AssertionError(f"std_gain({sigma}, {fan_in}, {activation!r}) is off by a factor {ratio:.4g}; "
                             "Var(z) = fan_in·σ²·E[a_prev²], and the gain is a ratio of stds")
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


def _stds(x, kernels, f, before_activation=False):
    a, stds = x, []
    for kernel in kernels:
        z = a @ kernel
        a = f(z)
        stds.append((z if before_activation else a).std())
    return np.array(stds)


def check_layer_stds(impl):
    rng = np.random.default_rng(6)
    x = rng.standard_normal((64, 20))
    kernels = [rng.standard_normal((20, 30)) * 0.3, rng.standard_normal((30, 30)) * 0.2,
               rng.standard_normal((30, 5)) * 0.5]
    functions = {"linear": lambda z: z, "tanh": np.tanh, "relu": lambda z: np.maximum(z, 0.0)}
    for activation, f in functions.items():
        expected = expect(_stds(x, kernels, f))
        got = call_exercise(impl.layer_stds, x, kernels, activation)
        got = np.asarray(got, dtype=np.float64)
        assert got.shape == (len(kernels),), (
            f"layer_stds returned {got.shape[0] if got.ndim else 'a scalar'} values for "
            f"{len(kernels)} kernels; return one std per layer (the input is not a layer)")
        if np.allclose(got, expected, rtol=1e-10, atol=0):
            continue
        if activation != "linear" and np.allclose(got, _stds(x, kernels, f, before_activation=True), rtol=1e-10):
            raise AssertionError(f"layer_stds(..., {activation!r}) measured each layer BEFORE its activation "
                                 "(the std of z); the lesson measures the layer's output a = f(z)")
        if np.allclose(got[0], x.std(), rtol=1e-10):
            raise AssertionError(f"layer_stds(..., {activation!r}): the first value is the input's std; the "
                                 "input is not a layer, start with the first layer's output")
        raise AssertionError(f"layer_stds(..., {activation!r}) is wrong from layer "
                             f"{int(np.argmax(~np.isclose(got, expected, rtol=1e-10))) + 1} on")


HINTS = {
    "std_gain": [
        "Each layer multiplies the scale of its input by a fixed factor; find that factor from the "
        "variance of a sum of independent products, then adjust for what the activation removes.",
        "z_j = Σ_i a_i·W_ij over fan_in terms, W_ij ~ N(0, σ²) independent of a: Var(z) = fan_in·σ²·E[a²]. "
        "Linear and tanh (near 0) pass Var(z) on; ReLU keeps half of E[z²]. The gain is a ratio of STDs.",
        "Check the activation name first and refuse anything but the three. Then multiply σ by the "
        "square root of the number of inputs, and for ReLU divide that number by two before the root.",
    ],
    "layer_stds": [
        "Run the network forward, layer after layer, and after each layer write down how spread out "
        "its outputs are.",
        "x is (batch, n0); kernel ℓ is (n_ℓ₋₁, n_ℓ); z = a_prev @ W is (batch, n_ℓ); a = f(z) elementwise. "
        "One number per layer: the std over every element of that layer's a. The result has len(kernels) numbers.",
        "Start with the input as the current activation. For each kernel: multiply, apply the activation, "
        "record the std of the result, and keep the result as the next layer's input. Return the list.",
    ],
}


EXERCISES = {"std_gain": check_std_gain, "layer_stds": check_layer_stds}


@pytest.mark.parametrize("name", list(EXERCISES))
def test_exercise(name):
    EXERCISES[name](graded_module(__file__, LESSON))
