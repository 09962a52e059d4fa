"""Every differentiable operation passes a float64 gradient check on drawn shapes.

CASES maps each registered Function to a way of building inputs and calling it. The test
``test_every_op_has_a_gradcheck_case`` enumerates ``Function.registry``: an operation added
to tinynet without a case here fails the suite.
"""
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinynet as tn
from tinynet import fused, nn
from tinynet.activations import ACTIVATIONS
from tinynet.autograd import Function
from tinynet.lessons import load_module

F = nn.functional

shapes = st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple)


def _broadcast_partner(shape, draw):
    """A shape that broadcasts against `shape`: some axes set to 1, maybe fewer axes."""
    mask = draw(st.lists(st.booleans(), min_size=len(shape), max_size=len(shape)))
    other = tuple(1 if m else n for m, n in zip(mask, shape))
    drop = draw(st.integers(0, len(other) - 1))
    return other[drop:]


def away_from_zero(rng, shape, low=0.1, high=2.0):
    """Values with |x| in [low, high]: no kink of relu/abs within the finite-difference step."""
    return rng.uniform(low, high, shape) * rng.choice([-1.0, 1.0], shape)


@st.composite
def binary_inputs(draw, positive_b=False, positive_a=False):
    shape = draw(shapes)
    other = _broadcast_partner(shape, draw)
    if draw(st.booleans()):
        shape, other = other, shape
    rng = np.random.default_rng(draw(st.integers(0, 2**31)))
    a = rng.uniform(0.5, 2.0, shape) if positive_a else away_from_zero(rng, shape)
    b = rng.uniform(0.5, 2.0, other) if positive_b else away_from_zero(rng, other)
    return a, b


@st.composite
def unary_input(draw, positive=False):
    shape = draw(shapes)
    rng = np.random.default_rng(draw(st.integers(0, 2**31)))
    return rng.uniform(0.2, 2.0, shape) if positive else away_from_zero(rng, shape)


@st.composite
def matmul_inputs(draw):
    m, k, n = draw(st.integers(1, 5)), draw(st.integers(1, 5)), draw(st.integers(1, 5))
    rng = np.random.default_rng(draw(st.integers(0, 2**31)))
    kind = draw(st.sampled_from(["2d", "vec-mat", "mat-vec", "batched"]))
    if kind == "2d":
        return rng.standard_normal((m, k)), rng.standard_normal((k, n))
    if kind == "vec-mat":
        return rng.standard_normal(k), rng.standard_normal((k, n))
    if kind == "mat-vec":
        return rng.standard_normal((m, k)), rng.standard_normal(k)
    return rng.standard_normal((2, m, k)), rng.standard_normal((k, n))


@st.composite
def reduce_inputs(draw):
    shape = draw(shapes)
    axis = draw(st.one_of(st.none(), st.integers(-len(shape), len(shape) - 1)))
    keepdims = draw(st.booleans())
    rng = np.random.default_rng(draw(st.integers(0, 2**31)))
    return rng.standard_normal(shape), axis, keepdims


@st.composite
def distinct_reduce_inputs(draw):
    """reduce_inputs without ties, so the finite difference sees one arg-max (ties have their own test)."""
    a, axis, keepdims = draw(reduce_inputs())
    rng = np.random.default_rng(draw(st.integers(0, 2**31)))
    return rng.permutation(a.size).reshape(a.shape) * 0.1 + 0.01 * rng.standard_normal(a.shape), axis, keepdims


@st.composite
def index_inputs(draw):
    """An array and a key of every kind numpy allows: int, slice, integer array (with repeats), mask."""
    a = draw(unary_input())
    rng = np.random.default_rng(draw(st.integers(0, 2**31)))
    kind = draw(st.sampled_from(["int", "slice", "ints", "mask", "tuple", "ellipsis"]))
    n = a.shape[0]
    if kind == "int":
        key = int(rng.integers(-n, n))
    elif kind == "slice":
        key = slice(int(rng.integers(0, n)), None, int(rng.integers(1, 3)))
    elif kind == "ints":
        key = rng.integers(0, n, size=5)            # repeats: the gradient must add up
    elif kind == "mask":
        key = rng.random(a.shape) > 0.4
    elif kind == "tuple" and a.ndim >= 2:
        key = (rng.integers(0, n, size=3), rng.integers(0, a.shape[1], size=3))   # logits[np.arange(N), y]
    else:
        key = (Ellipsis, 0)
    return a, key


@st.composite
def join_inputs(draw):
    """Two arrays that agree on every axis but ``axis``."""
    a = draw(unary_input())
    axis = draw(st.integers(-a.ndim, a.ndim - 1))
    shape = list(a.shape)
    shape[axis] = draw(st.integers(1, 3))
    rng = np.random.default_rng(draw(st.integers(0, 2**31)))
    return a, away_from_zero(rng, tuple(shape)), axis


@st.composite
def logits_and_labels(draw):
    n, k = draw(st.integers(1, 5)), draw(st.integers(2, 5))
    rng = np.random.default_rng(draw(st.integers(0, 2**31)))
    return rng.standard_normal((n, k)) * 3, rng.integers(0, k, n)


def check(fn, *inputs):
    """Elementwise |g - g~| <= 1e-7 + 1e-6 |g~|, and a relative difference near float64 noise.

    When every gradient is tiny (a confidently correct softmax), the rounding error of the
    finite difference (~1e-11 absolute) dominates the relative difference; the absolute
    error then carries the claim.
    """
    report = tn.gradcheck(fn, list(inputs), atol=1e-7, rtol=1e-6)
    assert report.relative_difference < 1e-7 or report.max_abs_error < 1e-9, str(report)


CASES = {
    "Add": (binary_inputs(), lambda a, b: check(lambda x, y: x + y, a, b)),
    "Sub": (binary_inputs(), lambda a, b: check(lambda x, y: x - y, a, b)),
    "Mul": (binary_inputs(), lambda a, b: check(lambda x, y: x * y, a, b)),
    "Div": (binary_inputs(positive_b=True), lambda a, b: check(lambda x, y: x / y, a, b)),
    "Pow": (binary_inputs(positive_a=True), lambda a, b: check(lambda x, y: x ** y, a, b)),
    "Neg": (unary_input(), lambda a: check(lambda x: -x, a)),
    "MatMul": (matmul_inputs(), lambda a, b: check(lambda x, y: x @ y, a, b)),
    "Linear": (
        matmul_inputs().filter(lambda ab: ab[0].ndim == 2 and ab[1].ndim == 2),
        lambda a, b: check(lambda x, w, c: F.linear(x, w, c), a, b, np.linspace(-1, 1, b.shape[1])),
    ),
    "DenseActivation": (
        matmul_inputs().filter(lambda ab: ab[0].ndim == 2 and ab[1].ndim == 2).flatmap(
            lambda ab: st.sampled_from(sorted(fused.ACTIVATIONS)).map(lambda act: (*ab, act))
        ),
        lambda a, b, act: check(lambda x, w, c: fused.dense(x, w, c, act), a, b, np.linspace(-1, 1, b.shape[1])),
    ),
    "Sum": (reduce_inputs(), lambda a, axis, kd: check(lambda x: x.sum(axis=axis, keepdims=kd), a)),
    "Mean": (reduce_inputs(), lambda a, axis, kd: check(lambda x: x.mean(axis=axis, keepdims=kd), a)),
    "Reshape": (unary_input(), lambda a: check(lambda x: x.reshape(-1), a)),
    "Transpose": (unary_input(), lambda a: check(lambda x: x.T * np.arange(1.0, 1 + x.size).reshape(x.T.shape), a)),
    "Exp": (unary_input(), lambda a: check(lambda x: x.exp(), a)),
    "Log": (unary_input(positive=True), lambda a: check(lambda x: x.log(), a)),
    "Activate": (
        unary_input().flatmap(lambda a: st.sampled_from(sorted(ACTIVATIONS)).map(lambda name: (a, name))),
        lambda a, name: check(lambda x: x.activate(name, 0.2 if name == "leaky_relu" else None), a),
    ),
    "Abs": (unary_input(), lambda a: check(lambda x: x.abs(), a)),
    "Clip": (unary_input(), lambda a: check(lambda x: x.clip(-0.95, 1.05), a)),   # no element within 0.05 of a bound
    "Max": (distinct_reduce_inputs(), lambda a, axis, kd: check(lambda x: x.max(axis=axis, keepdims=kd), a)),
    "Min": (distinct_reduce_inputs(), lambda a, axis, kd: check(lambda x: x.min(axis=axis, keepdims=kd), a)),
    "Index": (index_inputs(), lambda a, key: check(lambda x: x[key], a)),
    "Concatenate": (join_inputs(), lambda a, b, axis: check(lambda x, y: tn.concatenate([x, y, x], axis=axis), a, b)),
    "Stack": (
        unary_input().flatmap(lambda a: st.integers(-a.ndim - 1, a.ndim).map(lambda axis: (a, a[::-1] * 2, axis))),
        lambda a, b, axis: check(lambda x, y: tn.stack([x, y], axis=axis), a, b),
    ),
    "Where": (binary_inputs(), lambda a, b: check(lambda x, y: tn.where(a > 0, x, y), a, b)),
    "LogSoftmax": (reduce_inputs(), lambda a, axis, kd: check(lambda x: x.log_softmax(axis=-1 if axis is None else axis), a)),
    "CrossEntropy": (logits_and_labels(), lambda z, y: check(lambda x: F.cross_entropy(x, y), z)),
    "BCEWithLogits": (
        unary_input(),
        lambda z: check(lambda x: F.binary_cross_entropy_with_logits(x, (z > 0.5).astype(float)), z * 3),
    ),
    "MSE": (binary_inputs().filter(lambda ab: ab[0].shape == ab[1].shape), lambda a, b: check(lambda x: F.mse(x, b), a)),
}
if hasattr(fused, "softmax_cross_entropy"):   # the fused loss kernel (tinynet/fused.py)
    CASES["SoftmaxCrossEntropy"] = (logits_and_labels(),
                                    lambda z, y: check(lambda x: fused.softmax_cross_entropy(x, y), z))
# Convolution, pooling and normalization: their cases sit in their own file.
CASES.update(load_module(Path(__file__).with_name("gradcheck_cases_conv_norm.py"), "gradcheck_cases_conv_norm").CASES)


#: Operations built from the ones above (no Function of their own), checked the same way.
COMPOSITES = {
    "var": (reduce_inputs(), lambda a, axis, kd: check(lambda x: x.var(axis=axis, keepdims=kd), a)),
    "var_ddof1": (reduce_inputs().filter(lambda r: r[0].size > 1 and r[1] is None),
                  lambda a, axis, kd: check(lambda x: x.var(ddof=1), a)),
    "std": (reduce_inputs().filter(lambda r: (r[0].size if r[1] is None else r[0].shape[r[1]]) > 1),
            lambda a, axis, kd: check(lambda x: x.std(axis=axis, keepdims=kd), a)),
    "sqrt": (unary_input(positive=True), lambda a: check(lambda x: x.sqrt(), a)),
    "softmax": (reduce_inputs(), lambda a, axis, kd: check(lambda x: x.softmax(axis=-1 if axis is None else axis), a)),
    "cross_entropy_by_hand": (logits_and_labels(),
                              lambda z, y: check(lambda x: -x.log_softmax()[np.arange(len(y)), y].mean(), z)),
}


@pytest.mark.parametrize("name", sorted(COMPOSITES))
def test_gradcheck_composite(name):
    strategy, run = COMPOSITES[name]

    @settings(max_examples=25, deadline=None)
    @given(strategy)
    def inner(args):
        run(*args) if isinstance(args, tuple) else run(args)

    inner()


def test_every_op_has_a_gradcheck_case():
    missing = sorted(set(Function.registry) - set(CASES))
    assert not missing, f"operations without a gradcheck case in CASES: {missing}"


@pytest.mark.parametrize("op", sorted(CASES))
def test_gradcheck(op):
    strategy, run = CASES[op]

    @settings(max_examples=25, deadline=None)
    @given(strategy)
    def inner(args):
        run(*args) if isinstance(args, tuple) else run(args)

    inner()


def test_gradcheck_catches_a_wrong_backward():
    class WrongSquare(Function):
        @staticmethod
        def forward(ctx, a):
            ctx.save(a)
            return a * a

        @staticmethod
        def backward(ctx, g):
            (a,) = ctx.saved
            return (g * a,)  # the factor 2 is missing

    try:
        x = np.random.default_rng(0).standard_normal((3, 2))
        with pytest.raises(tn.GradcheckError, match="relative difference"):
            tn.gradcheck(lambda t: WrongSquare.apply(t), [x])
        report = tn.gradcheck(lambda t: WrongSquare.apply(t), [x], raise_on_failure=False)
        assert report.relative_difference > 0.3  # |g - 2g| / (|g| + |2g|) = 1/3
        assert report.worst_input == 0 and len(report.worst_index) == 2
    finally:
        del Function.registry["WrongSquare"]
