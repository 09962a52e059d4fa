"""Gradcheck cases for convolution, pooling and normalization (merged into the CASES of
tests/test_ops_gradcheck.py, whose registry test demands one per operation).

Shapes, strides and paddings are drawn; every case runs in float64.
"""
import numpy as np
from hypothesis import strategies as st

import tinynet as tn
from tinynet import conv_ops
from tinynet.norm_ops import normalize


def check(fn, *inputs):
    report = tn.gradcheck(fn, list(inputs), atol=1e-7, rtol=1e-6)
    assert report.relative_difference < 1e-7 or report.max_abs_error < 1e-9, str(report)


@st.composite
def conv_inputs(draw):
    """x (N, H, W, C), kernel (kh, kw, C, O), bias, stride, padding: any geometry that fits."""
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    stride = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    padding = draw(st.sampled_from(["valid", "same", 0, 1, 2]))
    h = draw(st.integers(1, 6))
    w = draw(st.integers(1, 6))
    pad = conv_ops.resolve_padding(padding, h, w, kh, kw, *stride)
    if h + pad[0] + pad[1] < kh:
        h = kh
    if w + pad[2] + pad[3] < kw:
        w = kw
    n, c, o = draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    rng = np.random.default_rng(draw(st.integers(0, 2**31)))
    return (rng.standard_normal((n, h, w, c)), rng.standard_normal((kh, kw, c, o)),
            rng.standard_normal(o), stride, padding)


@st.composite
def pool_inputs(draw):
    """x with distinct values spaced far beyond the finite-difference step (no ties in a window)."""
    k = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    n, c = draw(st.integers(1, 2)), draw(st.integers(1, 3))
    h, w = draw(st.integers(k[0], 6)), draw(st.integers(k[1], 6))
    rng = np.random.default_rng(draw(st.integers(0, 2**31)))
    size = n * h * w * c
    x = (rng.permutation(size) * 0.05 + rng.uniform(0, 0.01, size)).reshape(n, h, w, c)
    return x, k, stride


@st.composite
def norm_inputs(draw):
    """x of rank 2 or 4, normalized over all axes but the last (BatchNorm) or the last (LayerNorm)."""
    rank = draw(st.sampled_from([2, 4]))
    shape = tuple(draw(st.integers(1, 3)) for _ in range(rank - 1)) + (draw(st.integers(2, 4)),)
    kind = draw(st.sampled_from(["batch", "layer"]))
    axes = tuple(range(rank - 1)) if kind == "batch" else (rank - 1,)
    if int(np.prod([shape[a] for a in axes])) < 2:
        shape = (2,) + shape[1:] if kind == "batch" else shape[:-1] + (2,)
    rng = np.random.default_rng(draw(st.integers(0, 2**31)))
    c = shape[-1]
    return (rng.standard_normal(shape) * 2 + 1, rng.uniform(0.5, 2, c), rng.standard_normal(c), axes)


CASES = {
    "Convolution": (
        conv_inputs(),
        lambda x, k, b, stride, padding: check(
            lambda xi, ki, bi: conv_ops.conv2d(xi, ki, bi, stride=stride, padding=padding), x, k, b),
    ),
    "MaxPooling": (pool_inputs(), lambda x, k, s: check(lambda xi: conv_ops.max_pool2d(xi, k, s), x)),
    "AvgPooling": (pool_inputs(), lambda x, k, s: check(lambda xi: conv_ops.avg_pool2d(xi, k, s), x)),
    "Normalization": (
        norm_inputs(),
        lambda x, g, b, axes: check(lambda xi, gi, bi: normalize(xi, gi, bi, axes, 1e-5), x, g, b),
    ),
}
