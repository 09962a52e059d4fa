"""The fused Dense op (tinynet/fused.py) against the plain linear + activation graph."""
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinynet as tn
from tinynet import fused, nn
from tinynet.lessons import load_module


array_from_subprocess = load_module(Path(__file__).with_name("subprocess_arrays.py"),
                                    "subprocess_arrays").array_from_subprocess

F = nn.functional
ACTS = sorted(fused.ACTIVATIONS)


def plain(x, w, b, activation, slope=0.01):
    z = F.linear(x, w, b)
    return F.leaky_relu(z, slope) if activation == "leaky_relu" else getattr(F, activation)(z)


def run_both(xv, wv, bv, activation, dtype, upstream):
    """Output and gradients (x, W, b) of the fused op and of the plain graph."""
    results = []
    for build in (lambda x, w, b: fused.dense(x, w, b, activation), lambda x, w, b: plain(x, w, b, activation)):
        x = tn.Tensor(xv.astype(dtype), requires_grad=True)
        w = tn.Tensor(wv.astype(dtype), requires_grad=True)
        b = None if bv is None else tn.Tensor(bv.astype(dtype), requires_grad=True)
        out = build(x, w, b)
        out.backward(upstream.astype(dtype))
        results.append((out.data, x.grad, w.grad, None if b is None else b.grad))
    return results


@st.composite
def problems(draw):
    n, k, m = draw(st.integers(1, 9)), draw(st.integers(1, 9)), draw(st.integers(1, 9))
    rng = np.random.default_rng(draw(st.integers(0, 2**31)))
    x, w = rng.standard_normal((n, k)), rng.standard_normal((k, m))
    b = rng.standard_normal(m) if draw(st.booleans()) else None
    return x, w, b, rng.standard_normal((n, m)), draw(st.sampled_from(ACTS))


@settings(max_examples=60, deadline=None)
@given(problems())
def test_fused_matches_plain_in_float64(problem):
    x, w, b, g, act = problem
    got, want = run_both(x, w, b, act, np.float64, g)
    for a, e in zip(got, want):
        if e is None:
            assert a is None
        else:
            assert a.dtype == np.float64 and a.shape == e.shape
            np.testing.assert_allclose(a, e, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("act", ACTS)
def test_fused_matches_plain_in_float32_within_rounding(act):
    rng = np.random.default_rng(1)
    x, w, b = rng.standard_normal((64, 30)), rng.standard_normal((30, 20)) / 5, rng.standard_normal(20)
    got, want = run_both(x, w, b, act, np.float32, rng.standard_normal((64, 20)))
    for a, e in zip(got, want):
        assert a.dtype == np.float32
        # same formulas, a few roundings apart (the fused loops evaluate f and f' in float64
        # and sum db in float64; the plain path rounds every step to float32)
        np.testing.assert_allclose(a, e, rtol=1e-5, atol=1e-5 * np.abs(e).max())


def test_relu_mask_is_exact_and_zero_at_the_kink():
    x = tn.Tensor(np.array([[1.0, -1.0], [0.0, 2.0]]), requires_grad=True)
    w = tn.Tensor(np.eye(2), requires_grad=True)
    out = fused.dense(x, w, None, "relu")
    np.testing.assert_array_equal(out.data, [[1.0, 0.0], [0.0, 2.0]])
    out.backward(np.ones((2, 2)))
    np.testing.assert_array_equal(x.grad, [[1.0, 0.0], [0.0, 1.0]])  # relu'(0) = 0, as the plain op


def test_dense_layer_uses_the_fused_node_and_agrees_with_the_hooked_plain_path():
    tn.set_default_dtype(np.float64)
    try:
        layer = nn.Dense(5, 4, activation="tanh")
    finally:
        tn.set_default_dtype(np.float32)
    layer.kernel.data = np.random.default_rng(0).standard_normal((5, 4))
    layer.bias.data = np.linspace(-1, 1, 4)
    x = np.random.default_rng(1).standard_normal((3, 5))
    fast = layer(x)
    assert fast._ctx.op_name == "DenseActivation"
    fast.sum().backward()
    fast_grads = layer.kernel.grad.copy(), layer.bias.grad.copy()
    layer.zero_grad()
    seen = []
    handle = layer.register_forward_hook(lambda l, xi, z, a: seen.append(z))
    slow = layer(x)
    handle.remove()
    assert slow._ctx.op_name == "Tanh" and len(seen) == 1  # hooks see Z, so no fusion
    slow.sum().backward()
    np.testing.assert_allclose(fast.data, slow.data, rtol=1e-14)
    np.testing.assert_allclose(fast_grads[0], layer.kernel.grad, rtol=1e-13)
    np.testing.assert_allclose(fast_grads[1], layer.bias.grad, rtol=1e-13)


def test_no_gradient_wanted_records_nothing():
    out = fused.dense(np.ones((2, 3)), np.ones((3, 2)), np.zeros(2), "relu")
    assert out._ctx is None and not out.requires_grad
    with tn.no_grad():
        w = tn.Tensor(np.ones((3, 2)), requires_grad=True)
        assert fused.dense(np.ones((2, 3)), w, None, "sigmoid")._ctx is None


def test_nan_propagates_so_the_divergence_guard_sees_it():
    out = fused.dense(np.array([[np.nan, 1.0]]), np.ones((2, 2)), None, "relu")
    assert np.isnan(out.data).all()


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: fused.dense(np.ones((2, 3)), np.ones((3, 2)), None, "gelu"), "unknown activation 'gelu'"),
        (lambda: fused.dense(np.ones((2, 3)), np.ones((4, 2)), None, "relu"), r"x \(2, 3\) and weight \(4, 2\)"),
        (lambda: fused.dense(np.ones((2, 3)), np.ones((3, 2)), np.ones(3), "relu"), r"bias must have shape \(2,\)"),
        (lambda: fused.dense(np.ones((2, 3)), np.ones((3, 2)), None, "leaky_relu", -0.1), "negative_slope"),
    ],
)
def test_mistakes_get_a_message_that_says_what_was_expected(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_relu_gives_plus_zero_for_negative_inputs():
    """max(z, 0) is +0.0 for z < 0 (as numpy's maximum), never -0.0."""
    out = fused.dense(np.array([[-3.0, -0.0, 2.0]]), np.eye(3), np.zeros(3), "relu")
    np.testing.assert_array_equal(out.data, [[0.0, 0.0, 2.0]])
    assert not np.signbit(out.data).any()


def test_every_activation_of_the_table_is_fused_from_its_scalar_functions():
    """The fused node covers the activation table (the identity runs as Linear), and each
    compiled loop is built from that row's scalar functions."""
    from tinynet.activations import ACTIVATIONS as TABLE
    assert set(fused.ACTIVATIONS) == set(TABLE) - {"linear"}
    z = np.linspace(-3, 3, 13)[None, :]
    for name in fused.ACTIVATIONS:
        forward, backward = fused.epilogues(name)
        spec, p = TABLE[name], TABLE[name].param
        a = z.copy()
        forward(a, np.empty(0), p)
        np.testing.assert_allclose(a[0], [spec.scalar_forward(v, p) for v in z[0]], rtol=1e-15)
        dz, db = np.empty_like(a), np.empty(a.shape[1])
        backward(np.ones_like(a), a, p, dz, db)
        np.testing.assert_allclose(dz[0], [spec.scalar_derivative_from_output(v, p) for v in a[0]],
                                   rtol=1e-15)


@pytest.mark.slow
def test_fused_kernels_and_optimizers_run_with_jit_disabled():
    """NUMBA_DISABLE_JIT=1 runs the fused loops and the optimizer updates as plain Python,
    with the results of the compiled code (float64, to rounding)."""
    import textwrap
    code = textwrap.dedent("""
        import sys
        import numpy as np
        import tinynet as tn
        from tinynet import fused, nn, optim
        tn.set_default_dtype(np.float64)
        tn.manual_seed(0)
        model = nn.Sequential(nn.Dense(6, 5, activation="tanh"), nn.Dense(5, 3))
        opts = [optim.SGD(model.parameters(), lr=0.1, momentum=0.9, nesterov=True),
                optim.Adam(model.parameters(), lr=0.01)]
        x = np.random.default_rng(1).standard_normal((7, 6))
        y = np.arange(7) % 3
        for opt in opts:
            for _ in range(2):
                loss = fused.softmax_cross_entropy(model(x), y)
                opt.zero_grad(); loss.backward(); opt.step()
        np.save(sys.argv[1], np.concatenate([p.data.ravel() for p in model.parameters()]))
    """)
    results = [array_from_subprocess(code, NUMBA_DISABLE_JIT=flag) for flag in ("0", "1")]
    np.testing.assert_allclose(results[1], results[0], rtol=1e-12, atol=1e-14)
