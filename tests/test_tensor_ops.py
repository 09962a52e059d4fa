"""The engine's indexing, comparisons, joins and reductions: the claims their docstrings make.

Each gradient here is exact (float64, hand-computed), so the assertions are equalities.
The float64 gradient checks of every op on drawn shapes are in test_ops_gradcheck.py; the
comparison with PyTorch is in test_ops_torch.py.
"""
import numpy as np
import pytest

import tinynet as tn


def leaf(values):
    return tn.Tensor(np.array(values, dtype=np.float64), requires_grad=True)


# ------------------------------------------------------------------------- indexing
def test_indexing_int_slice_and_ellipsis():
    x = leaf(np.arange(12.0).reshape(3, 4))
    assert x[1].shape == (4,) and x[1:, ::2].shape == (2, 2) and x[..., -1].shape == (3,)
    (x[1].sum() + x[1:, ::2].sum() * 10 + x[..., -1].sum() * 100).backward()
    expected = np.zeros((3, 4))
    expected[1] += 1
    expected[1:, ::2] += 10
    expected[:, -1] += 100
    np.testing.assert_array_equal(x.grad, expected)


def test_repeated_integer_indices_add_their_gradients():
    x = leaf([1.0, 2.0, 3.0])
    x[np.array([0, 0, 2, 0])].sum().backward()
    np.testing.assert_array_equal(x.grad, [3.0, 0.0, 1.0])


def test_cross_entropy_by_hand_with_integer_array_indexing_matches_the_fused_loss():
    rng = np.random.default_rng(0)
    z, y = rng.standard_normal((5, 3)), np.array([0, 2, 1, 1, 0])
    by_hand = leaf(z)
    (-by_hand.log_softmax()[np.arange(5), y].mean()).backward()
    fused = leaf(z)
    tn.nn.functional.cross_entropy(fused, y).backward()
    np.testing.assert_allclose(by_hand.grad, fused.grad, rtol=1e-12, atol=1e-15)


def test_boolean_mask_indexing_and_tensor_indices():
    x = leaf([[-1.0, 2.0], [3.0, -4.0]])
    picked = x[x > 0]
    np.testing.assert_array_equal(picked.data, [2.0, 3.0])
    picked.sum().backward()
    np.testing.assert_array_equal(x.grad, [[0.0, 1.0], [1.0, 0.0]])
    idx = tn.Tensor(np.array([1, 1]), dtype=np.int64)
    np.testing.assert_array_equal(x[idx].data, [[3.0, -4.0], [3.0, -4.0]])


def test_indexing_returns_a_copy_not_a_view():
    x = leaf([1.0, 2.0])
    row = x[0:1]
    row.data[0] = 99.0
    assert x.data[0] == 1.0


# ---------------------------------------------------------------------- comparisons
def test_comparisons_are_elementwise_boolean_arrays():
    t = tn.tensor([1.0, 2.0])
    for result, expected in [(t == 1.0, [True, False]), (t != 1.0, [False, True]), (t < 2.0, [True, False]),
                             (t <= 1.0, [True, False]), (t > 1.0, [False, True]), (t >= 2.0, [False, True]),
                             (t == tn.tensor([1.0, 3.0]), [True, False]), (1.0 == t, [True, False])]:
        assert isinstance(result, np.ndarray) and result.dtype == bool
        np.testing.assert_array_equal(result, expected)


def test_tensors_stay_hashable_by_identity():
    a, b = tn.tensor([1.0]), tn.tensor([1.0])
    assert len({a, b}) == 2 and a in {a} and hash(a) != hash(b)
    assert {a: "a", b: "b"}[b] == "b"


# ------------------------------------------------------------------------ __array__
def test_np_asarray_gives_the_tensors_array():
    t = tn.tensor([[1.0, 2.0]])
    assert np.asarray(t) is t.data
    as64 = np.asarray(t, dtype=np.float64)
    assert as64.dtype == np.float64 and as64 is not t.data
    assert np.array(t).tolist() == [[1.0, 2.0]]


# ---------------------------------------------------------------------------- joins
def test_concatenate_and_stack_split_their_gradients():
    a, b = leaf([[1.0, 2.0]]), leaf([[3.0, 4.0], [5.0, 6.0]])
    out = tn.concatenate([a, b], axis=0)
    np.testing.assert_array_equal(out.data, [[1, 2], [3, 4], [5, 6]])
    (out * np.array([[1.0], [2.0], [3.0]])).sum().backward()
    np.testing.assert_array_equal(a.grad, [[1.0, 1.0]])
    np.testing.assert_array_equal(b.grad, [[2.0, 2.0], [3.0, 3.0]])
    c, d = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    s = tn.stack([c, d], axis=1)
    assert s.shape == (2, 2)
    (s * np.array([[1.0, 10.0], [1.0, 10.0]])).sum().backward()
    np.testing.assert_array_equal(c.grad, [1.0, 1.0])
    np.testing.assert_array_equal(d.grad, [10.0, 10.0])


def test_joins_refuse_a_single_array():
    with pytest.raises(TypeError, match="list of tensors"):
        tn.concatenate(np.ones((2, 2)))
    with pytest.raises(ValueError, match="at least one"):
        tn.stack([])


def test_where_routes_the_gradient_by_the_condition():
    a, b = leaf([1.0, 2.0, 3.0]), leaf([10.0])
    out = tn.where(np.array([True, False, True]), a, b)
    np.testing.assert_array_equal(out.data, [1.0, 10.0, 3.0])
    out.sum().backward()
    np.testing.assert_array_equal(a.grad, [1.0, 0.0, 1.0])
    np.testing.assert_array_equal(b.grad, [1.0])
    with pytest.raises(TypeError, match="must be boolean"):
        tn.where(np.array([1, 0]), a[:2], b)


# ----------------------------------------------------------------------- reductions
def test_max_min_and_argmax():
    x = leaf([[1.0, 5.0, 2.0], [7.0, 0.0, 3.0]])
    np.testing.assert_array_equal(x.max(axis=1).data, [5.0, 7.0])
    np.testing.assert_array_equal(x.min(axis=0, keepdims=True).data, [[1.0, 0.0, 2.0]])
    assert float(x.max().data) == 7.0 and x.argmax() == 3
    np.testing.assert_array_equal(x.argmax(axis=1), [1, 0])
    x.max(axis=1).sum().backward()
    np.testing.assert_array_equal(x.grad, [[0, 1, 0], [1, 0, 0]])


def test_max_ties_send_the_whole_gradient_to_the_first_maximum():
    """Documented in reductions.Max: first arg-max in C order (np.argmax's choice)."""
    x = leaf([[2.0, 2.0, 1.0], [3.0, 3.0, 3.0]])
    x.max(axis=1).sum().backward()
    np.testing.assert_array_equal(x.grad, [[1, 0, 0], [1, 0, 0]])
    y = leaf([4.0, 1.0, 4.0])
    y.max().backward()
    np.testing.assert_array_equal(y.grad, [1.0, 0.0, 0.0])
    z = leaf([[0.0, -1.0], [-1.0, 0.0]])
    z.min(axis=(0, 1)).backward()
    np.testing.assert_array_equal(z.grad, [[0.0, 1.0], [0.0, 0.0]])


def test_var_and_std_follow_numpy_with_ddof():
    a = np.array([[1.0, 2.0, 4.0], [0.0, 3.0, 9.0]])
    for axis in (None, 0, 1, (0, 1)):
        for ddof in (0, 1):
            np.testing.assert_allclose(tn.Tensor(a).var(axis=axis, ddof=ddof).data, np.var(a, axis=axis, ddof=ddof))
            np.testing.assert_allclose(tn.Tensor(a).std(axis=axis, ddof=ddof).data, np.std(a, axis=axis, ddof=ddof))
    x = leaf([1.0, 3.0])
    x.var().backward()                       # d/dx mean((x - m)^2) = 2 (x - m) / n
    np.testing.assert_array_equal(x.grad, [-1.0, 1.0])


# ---------------------------------------------------------------------- elementwise
def test_abs_clip_sqrt_and_their_gradients_at_the_edges():
    x = leaf([-2.0, 0.0, 3.0])
    x.abs().sum().backward()
    np.testing.assert_array_equal(x.grad, [-1.0, 0.0, 1.0])      # sign(0) = 0, as PyTorch
    y = leaf([-2.0, -1.0, 0.5, 1.0, 2.0])
    out = y.clip(-1.0, 1.0)
    np.testing.assert_array_equal(out.data, [-1.0, -1.0, 0.5, 1.0, 1.0])
    out.sum().backward()
    np.testing.assert_array_equal(y.grad, [0.0, 1.0, 1.0, 1.0, 0.0])   # bounds inclusive, as clamp
    z = leaf([4.0, 9.0])
    z.sqrt().sum().backward()
    np.testing.assert_array_equal(z.grad, [0.25, 1.0 / 6.0])
    assert abs(tn.tensor([-1.5])).data[0] == 1.5


def test_softmax_is_a_distribution():
    p = tn.Tensor(np.array([[1000.0, 0.0, -1000.0], [1.0, 1.0, 1.0]])).softmax()
    np.testing.assert_allclose(p.data.sum(axis=1), 1.0)
    np.testing.assert_allclose(p.data[1], 1 / 3)
    assert np.all(np.isfinite(p.data))


def test_results_of_a_parameter_are_plain_tensors():
    w = tn.nn.Parameter(np.ones(3))
    out = w * 2
    assert type(out) is tn.Tensor and out.requires_grad and out.is_leaf is False
    assert type(w[0]) is tn.Tensor


def test_min_and_max_of_integer_tensors():
    labels = tn.Tensor(np.array([3, 1, 2], dtype=np.uint8), dtype=np.uint8)
    assert int(labels.min().data) == 1 and int(labels.max().data) == 3 and labels.argmax() == 0
