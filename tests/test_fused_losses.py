"""Fused softmax cross-entropy (tinynet/fused.py) against the unfused loss and its gradient."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinynet as tn
from tinynet import fused, losses


def both(z, labels, upstream=1.0):
    """(loss, dL/dz) of the fused kernel and of losses.CrossEntropy (the unfused reference)."""
    out = []
    unfused = lambda logits, y: losses.CrossEntropy.apply(logits, tn.Tensor(y, dtype=np.int64))  # noqa: E731
    for fn in (fused.softmax_cross_entropy, unfused):
        logits = tn.Tensor(z.copy(), requires_grad=True)
        loss = fn(logits, np.asarray(labels, np.int64))
        loss.backward(np.asarray(upstream, z.dtype))
        out.append((loss.data, logits.grad))
    return out


@settings(deadline=None, max_examples=60)
@given(n=st.integers(1, 40), k=st.integers(1, 12), scale=st.sampled_from([0.1, 1.0, 30.0]),
       upstream=st.sampled_from([1.0, 0.5, -2.0]), seed=st.integers(0, 2**31))
def test_fused_cross_entropy_matches_the_unfused_loss_in_float64(n, k, scale, upstream, seed):
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n, k)) * scale
    labels = rng.integers(0, k, size=n)
    (loss, grad), (want_loss, want_grad) = both(z, labels, upstream)
    assert loss.dtype == np.float64 and grad.dtype == np.float64
    np.testing.assert_allclose(loss, want_loss, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(grad, want_grad, rtol=1e-12, atol=1e-14)


def test_gradient_rows_sum_to_zero_and_huge_logits_do_not_overflow():
    z = np.array([[1000.0, -1000.0, 0.0], [-5e4, 5e4, 5e4]])
    (loss, grad), _ = both(z, np.array([0, 2]))
    assert np.isfinite(loss) and np.isfinite(grad).all()
    np.testing.assert_allclose(loss, np.log(2) / 2, rtol=1e-12)   # row 0: 0; row 1: log 2
    np.testing.assert_allclose(grad.sum(axis=1), 0.0, atol=1e-15)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_kept(dtype):
    z = np.random.default_rng(0).standard_normal((8, 10)).astype(dtype)
    (loss, grad), (want_loss, want_grad) = both(z, np.arange(8) % 10)
    assert loss.dtype == dtype and grad.dtype == dtype
    np.testing.assert_allclose(loss, want_loss, rtol=1e-6)
    np.testing.assert_allclose(grad, want_grad, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("labels, bad", [([0, 5, -1], 5), ([-2, 0, 9], -2), ([0, 1, 4], 4)])
def test_the_kernel_names_the_first_label_out_of_range(labels, bad):
    """The kernel checks each label as it reads it, before it reads the row at that label."""
    logits = tn.Tensor(np.zeros((3, 4)), requires_grad=True)
    for fn in (fused.softmax_cross_entropy, tn.nn.functional.cross_entropy):
        with pytest.raises(ValueError, match=rf"label {bad} is out of range for 4 classes \(labels must be 0..3\)"):
            fn(logits, np.array(labels))


def test_the_kernel_refuses_labels_that_do_not_match_the_rows():
    with pytest.raises(ValueError, match=r"labels of shape \(N,\), got logits \(3, 4\) and labels \(2,\)"):
        fused.softmax_cross_entropy(np.zeros((3, 4)), np.array([0, 1]))


def test_a_second_backward_through_a_retained_graph_adds_the_same_gradient():
    """backward(retain_graph=True) twice gives twice the gradient of once, as the unfused loss does."""
    z = np.array([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]])
    for fn in (fused.softmax_cross_entropy, lambda x, y: losses.CrossEntropy.apply(x, tn.Tensor(y, dtype=np.int64))):
        logits = tn.Tensor(z.copy(), requires_grad=True)
        loss = fn(logits, np.array([1, 2])) * 2.0
        loss.backward(retain_graph=True)
        once = logits.grad.copy()
        loss.backward()
        np.testing.assert_array_equal(logits.grad, 2 * once)
