"""Grader for lesson 8: `tinynet check 8` or `pytest lessons/08_he_relu/` grades your
exercises.py (TINYNET_GRADE=reference grades the reference solution).

Distributions are checked statistically: std within ~6 standard errors computed from the
sample size, mean ~0, the shape of the distribution (excess kurtosis: uniform -1.2,
normal 0, normal truncated at 2σ -0.63) and the bounds.
"""
import math

import numpy as np
import pytest

from tinynet.lesson_tests import TRUNCATED_STD, call_exercise, check_distribution, expect, graded_module

LESSON = 8
SHAPES = [(300, 400), (784, 10)]


def _weights(fn, shape, seed, *, call_shape=True):
    args = (shape, np.random.default_rng(seed)) if call_shape else (np.random.default_rng(seed),)
    w = call_exercise(fn, *args)
    assert isinstance(w, np.ndarray), f"{fn.__name__} returned a {type(w).__name__}; return a numpy array"
    if call_shape:
        assert w.shape == tuple(shape), f"{fn.__name__} returned shape {w.shape}; return a kernel of the shape asked for"
    assert np.all(np.isfinite(w)), f"{fn.__name__} returned NaN or inf values"
    return np.asarray(w, dtype=np.float64)


def check_reproducible(fn, shape=(20, 30), call_shape=True):
    a, b = _weights(fn, shape, 7, call_shape=call_shape), _weights(fn, shape, 7, call_shape=call_shape)
    assert np.array_equal(a, b), f"{fn.__name__}: the same seed gave different weights; draw only from rng"


def _fan_in_rule(fan_in, fan_out):
    return {"the std follows fan_out, not fan_in": math.sqrt(fan_in / fan_out)}


def check_he_normal(impl):
    for shape in SHAPES:
        std = math.sqrt(2 / shape[0])
        w = _weights(impl.he_normal, shape, 0)
        check_distribution(f"he_normal{shape}", w, std, "truncated", bound=2 * std / TRUNCATED_STD,
                           fans=_fan_in_rule(*shape))
    check_reproducible(impl.he_normal)


def check_calculate_gain(impl):
    cases = {("linear", None): 1.0, ("conv2d", None): 1.0, ("conv_transpose3d", None): 1.0,
             ("sigmoid", None): 1.0, ("tanh", None): 5 / 3, ("relu", None): math.sqrt(2),
             ("selu", None): 0.75, ("leaky_relu", None): math.sqrt(2 / (1 + 0.01 ** 2)),
             ("leaky_relu", 0.2): math.sqrt(2 / 1.04), ("leaky_relu", 0): math.sqrt(2)}
    for (name, param), value in cases.items():
        got = call_exercise(impl.calculate_gain, name, param)
        if got is not None and math.isclose(got, expect(value), rel_tol=1e-12):
            continue
        call = f"calculate_gain({name!r}{'' if param is None else f', {param!r}'})"
        if got is None:
            raise AssertionError(f"{call} returned None; return a number")
        if math.isclose(got, value ** 2, rel_tol=1e-9):
            raise AssertionError(f"{call} is the square of the gain: the gain is a square root")
        if name == "leaky_relu" and param is None:
            raise AssertionError(f"{call} is wrong: without param the slope is PyTorch's default, not 0")
        raise AssertionError(f"{call} is wrong: the gain of {name} is the factor that restores unit variance")
    try:
        impl.calculate_gain("swish")
    except ValueError:
        return
    except NotImplementedError:
        raise
    except Exception as error:
        raise AssertionError(f"calculate_gain('swish') raised {type(error).__name__}; "
                             "raise ValueError naming the accepted nonlinearities") from None
    raise AssertionError("calculate_gain('swish') returned a value; raise ValueError for unknown names")


def check_fixed_a(impl):
    for shape in SHAPES:
        limit = math.sqrt(6 / sum(shape))
        check_distribution(f"fixed_a{shape}", _weights(impl.fixed_a, shape, 0), limit / math.sqrt(3),
                           "uniform", bound=limit)
    check_reproducible(impl.fixed_a)


def check_fixed_b(impl):
    for shape in SHAPES:
        check_distribution(f"fixed_b{shape}", _weights(impl.fixed_b, shape, 0), math.sqrt(2 / shape[0]),
                           "normal", fans=_fan_in_rule(*shape))
    check_reproducible(impl.fixed_b)


def check_fixed_c(impl):
    for shape in SHAPES:
        check_distribution(f"fixed_c{shape}", _weights(impl.fixed_c, shape, 0), math.sqrt(1 / shape[0]),
                           "normal", fans=_fan_in_rule(*shape))
    check_reproducible(impl.fixed_c)


def check_fixed_d(impl):
    for shape in SHAPES:
        limit = math.sqrt(3 / shape[0])
        check_distribution(f"fixed_d{shape}", _weights(impl.fixed_d, shape, 0), limit / math.sqrt(3),
                           "uniform", bound=limit, fans=_fan_in_rule(*shape))
    check_reproducible(impl.fixed_d)


def check_fixed_e(impl):
    samples = [_weights(impl.fixed_e, (784, 10), seed, call_shape=False) for seed in range(10)]
    shape = samples[0].shape
    if shape != (784, 10):
        if shape[::-1] == (784, 10):
            raise AssertionError(f"fixed_e returned shape {shape}: that is PyTorch's (out, in) layout; a tinynet "
                                 "kernel is (fan_in, fan_out)")
        raise AssertionError(f"fixed_e returned shape {shape}: count the inputs of a 28 x 28 image again")
    limit = math.sqrt(6 / 794)
    check_distribution("fixed_e (10 draws pooled)", np.concatenate(samples), limit / math.sqrt(3),
                       "uniform", bound=limit)
    check_reproducible(impl.fixed_e, (784, 10), call_shape=False)


def check_what_it_draws(impl):
    for fan_in, fan_out in [(784, 10), (256, 256), (30, 7)]:
        cases = {"A": None, "B": math.sqrt(2 / fan_in / 3), "C": 1 / fan_in, "D": math.sqrt(3) / fan_in}
        for snippet, value in cases.items():
            got = call_exercise(impl.what_it_draws, snippet, fan_in, fan_out)
            if value is None:
                assert got is None, (f"what_it_draws('A', ...) returned a number: can snippet A run at all? "
                                     "Read np.random.normal's parameters")
                continue
            if got is not None and math.isclose(got, expect(value), rel_tol=1e-9):
                continue
            call = f"what_it_draws({snippet!r}, {fan_in}, {fan_out})"
            if got is None:
                raise AssertionError(f"{call} returned None, but snippet {snippet} runs and draws weights")
            if math.isclose(got * math.sqrt(3), value * 3, rel_tol=1e-9) or math.isclose(got, value * math.sqrt(3), rel_tol=1e-9):
                raise AssertionError(f"{call} is sqrt(3) too large: the std of a uniform on [-l, l] is not l")
            if math.isclose(got, math.sqrt(value), rel_tol=1e-9):
                raise AssertionError(f"{call} is the std the snippet MEANT to draw; what does numpy do with "
                                     "the number it is given?")
            raise AssertionError(f"{call} is not the std of what snippet {snippet} draws")


HINTS = {
    "he_normal": [
        "ReLU throws away half of a symmetric signal's power, so the weights must carry twice the "
        "variance LeCun's rule gives to keep the scale through depth. The shape of the draw is lesson 7's.",
        "Var(z_ℓ) = fan_in·Var(W)·E[a²] with E[a²] = Var(z_ℓ₋₁)/2 for ReLU; keeping Var(z) constant needs "
        "Var(W) = 2/fan_in. Truncating at ±2 leaves std c ≈ 0.8796 times the underlying one. W is (fan_in, fan_out).",
        "Draw a normal truncated at ±2 of the kernel's shape exactly as in lesson 7 (redraw what lies "
        "outside), then scale it so the final std is the square root of 2/fan_in, dividing by c.",
    ],
    "calculate_gain": [
        "The gain is the number the weights' std is multiplied by so that the activation does not shrink "
        "the signal; it depends only on the nonlinearity (and, for leaky ReLU, its slope).",
        "For a symmetric input z, gain² = E[z²] / E[f(z)²]: linear-like ops keep all the power, ReLU keeps "
        "half the power, leaky ReLU keeps (1 + slope²)/2 of it; tanh and selu use fixed published constants.",
        "Look the fixed gains up in a table keyed by name (all the conv variants and sigmoid share one value). "
        "For leaky_relu take param as the slope, or the default slope when it is None, and take a square root. "
        "Any other name raises ValueError.",
    ],
    "fixed_a": [
        "The snippet's formula for the limit is right; the function it calls is not the distribution the "
        "name promises.",
        "Glorot uniform: W ~ U[−l, l], l = sqrt(6/(fan_in + fan_out)), shape (fan_in, fan_out). A normal "
        "distribution has a mean and a std, not a low and a high.",
        "Compute the limit from the two fans of the shape and draw uniformly between minus and plus that "
        "limit from the rng argument.",
    ],
    "fixed_b": [
        "The number the snippet computes is a std, but the distribution it draws from does not have "
        "that number as its std.",
        "He normal (as in the paper): W ~ N(0, 2/fan_in). A uniform on [−s, s] has std s/sqrt(3), so the "
        "snippet's weights are too small by sqrt(3).",
        "Keep the std formula and draw from a normal with mean 0 and that std (its scale), of the kernel's shape.",
    ],
    "fixed_c": [
        "The snippet passes the right quantity to the wrong parameter: ask what numpy's normal expects "
        "as its second argument.",
        "LeCun normal: Var(W) = 1/fan_in. numpy's normal(loc, scale) takes the STANDARD DEVIATION as scale; "
        "a std is the square root of the variance.",
        "Turn the variance into a std, then draw a normal of mean 0 with that scale and the kernel's shape.",
    ],
    "fixed_d": [
        "The limit of a uniform is not its variance: find the limit that gives the variance LeCun asks for.",
        "Var(U[−l, l]) = l²/3. Setting l²/3 = 1/fan_in gives l from a square root.",
        "Solve for the limit with a square root, and draw uniformly between minus and plus it with the kernel's shape.",
    ],
    "fixed_e": [
        "Nothing is wrong with the initializer: look at the shape it is asked for.",
        "An MNIST image has 28 x 28 pixels, each an input feature; there are 10 classes. A tinynet kernel is "
        "(fan_in, fan_out).",
        "Work out fan_in from the image size, and call a correct Glorot-uniform draw (like fixed_a) with the "
        "right shape and the rng.",
    ],
    "what_it_draws": [
        "Run each snippet in your head: what distribution and which parameters does numpy actually use? "
        "The std of what is drawn may differ from the std the author wanted.",
        "A normal(loc, scale) has std = scale. A uniform(−l, l) has std l/sqrt(3). The fans give the numbers: "
        "B's l = sqrt(2/fan_in), C's scale = 1/fan_in, D's l = 3/fan_in.",
        "Snippet A does not run: return None. For B and D take the limit the snippet computes and divide "
        "by sqrt(3); for C return the scale it passes. Anything else is a ValueError.",
    ],
}


EXERCISES = {"he_normal": check_he_normal, "calculate_gain": check_calculate_gain,
             "fixed_a": check_fixed_a, "fixed_b": check_fixed_b, "fixed_c": check_fixed_c,
             "fixed_d": check_fixed_d, "fixed_e": check_fixed_e, "what_it_draws": check_what_it_draws}


@pytest.mark.parametrize("name", list(EXERCISES))
def test_exercise(name):
    EXERCISES[name](graded_module(__file__, LESSON))
