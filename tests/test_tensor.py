"""The Tensor's contract: dtypes, accumulation, no_grad, detach, hooks, errors."""
import numpy as np
import pytest

import tinynet as tn


def test_contract_example_from_design():
    x = tn.Tensor(np.ones((4, 3)), requires_grad=True)
    w = tn.Tensor(np.ones((3, 2)), requires_grad=True)
    y = (x @ w).relu().sum()
    y.backward()
    np.testing.assert_array_equal(x.grad, np.full((4, 3), 2.0))
    np.testing.assert_array_equal(w.grad, np.full((3, 2), 4.0))


@pytest.mark.parametrize(
    "data, dtype",
    [
        (1.5, np.float32),
        ([1, 2, 3], np.float32),
        (np.arange(3), np.float32),
        (np.ones(2, dtype=np.float32), np.float32),
        (np.ones(2, dtype=np.float64), np.float64),
    ],
)
def test_dtype_rules(data, dtype):
    assert tn.Tensor(data).dtype == dtype


def test_default_dtype_switch_and_layers_follow_it():
    try:
        tn.set_default_dtype(np.float64)
        assert tn.Tensor([1, 2]).dtype == np.float64
        assert tn.nn.Dense(3, 2).kernel.dtype == np.float64
    finally:
        tn.set_default_dtype(np.float32)
    assert tn.Tensor([1, 2]).dtype == np.float32
    with pytest.raises(ValueError, match="float32 or float64"):
        tn.set_default_dtype(np.int32)


def test_mixed_precision_promotes_and_gradient_keeps_its_tensor_dtype():
    a = tn.Tensor(np.ones(3, dtype=np.float32), requires_grad=True)
    b = tn.Tensor(np.ones(3, dtype=np.float64), requires_grad=True)
    out = (a * b).sum()
    assert out.dtype == np.float64
    out.backward()
    assert a.grad.dtype == np.float32 and b.grad.dtype == np.float64


def test_python_scalars_do_not_promote_float32():
    x = tn.Tensor(np.ones(2, dtype=np.float32))
    assert (x * 2.5).dtype == np.float32 and (1 - x).dtype == np.float32 and (x**2).dtype == np.float32


def test_gradients_accumulate_until_zeroed():
    x = tn.Tensor([1.0, 2.0], requires_grad=True)
    (x * 3).sum().backward()
    (x * 3).sum().backward()
    np.testing.assert_array_equal(x.grad, [6.0, 6.0])
    x.zero_grad()
    assert x.grad is None


def test_a_tensor_used_twice_gets_the_sum_of_both_paths():
    x = tn.Tensor([3.0], requires_grad=True, dtype=np.float64)
    y = x * x + x  # dy/dx = 2x + 1 = 7
    y.sum().backward()
    assert x.grad[0] == 7.0


def test_broadcast_gradients_are_summed_to_the_input_shape():
    x = tn.Tensor(np.ones((4, 3)), requires_grad=True)
    b = tn.Tensor(np.ones(3), requires_grad=True)
    c = tn.Tensor(np.ones((4, 1)), requires_grad=True)
    ((x + b) * c).sum().backward()
    assert b.grad.shape == (3,) and c.grad.shape == (4, 1)
    np.testing.assert_array_equal(b.grad, [4.0, 4.0, 4.0])
    np.testing.assert_array_equal(c.grad, np.full((4, 1), 6.0))


def test_no_grad_records_nothing_and_detach_cuts_the_graph():
    x = tn.Tensor([1.0], requires_grad=True)
    with tn.no_grad():
        y = x * 2
    assert not y.requires_grad and y.is_leaf
    z = (x * 2).detach()
    assert not z.requires_grad and z.is_leaf
    w = x.detach()
    assert np.shares_memory(w.data, x.data) and not w.requires_grad


def test_iterative_backward_handles_a_chain_of_10000_ops():
    x = tn.Tensor([1.0], requires_grad=True, dtype=np.float64)
    y = x
    for _ in range(10_000):
        y = y * 1.0001
    y.sum().backward()
    assert x.grad[0] == pytest.approx(1.0001**10_000, rel=1e-9)


def test_backward_on_non_scalar_needs_a_gradient():
    x = tn.Tensor(np.ones((2, 3)), requires_grad=True)
    with pytest.raises(RuntimeError, match=r"scalar output.*shape \(2, 3\)"):
        (x * 2).backward()
    (x * 2).backward(np.ones((2, 3)))
    np.testing.assert_array_equal(x.grad, np.full((2, 3), 2.0))
    with pytest.raises(ValueError, match=r"\(3,\).*\(2, 3\)"):
        (x * 2).backward(np.ones(3))


def test_second_backward_through_a_freed_graph_names_the_op():
    x = tn.Tensor([1.0, 2.0], requires_grad=True)
    y = (x.tanh() * 3).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="second time"):
        y.backward()
    z = (x.tanh() * 3).sum()
    z.backward(retain_graph=True)
    z.backward()  # allowed: the graph was retained


def test_backward_without_any_grad_input_is_a_clear_error():
    with pytest.raises(RuntimeError, match="does not require grad"):
        (tn.Tensor([1.0]) * 2).sum().backward()


def test_matmul_shape_error_names_both_shapes():
    with pytest.raises(ValueError, match=r"\(4, 3\) @ \(2, 5\)"):
        tn.Tensor(np.ones((4, 3))) @ tn.Tensor(np.ones((2, 5)))


def test_comparisons_return_plain_arrays():
    x = tn.Tensor([1.0, -1.0])
    r = x > 0
    assert isinstance(r, np.ndarray) and r.tolist() == [True, False]


def test_hooks_see_and_can_replace_the_gradient():
    x = tn.Tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    seen = []
    handle = y.register_hook(lambda g: seen.append(g.copy()) or g * 10)
    y.sum().backward()
    np.testing.assert_array_equal(seen[0], [1.0, 1.0])
    np.testing.assert_array_equal(x.grad, [20.0, 20.0])
    handle.remove()


def test_leaky_relu_default_slope_is_pytorchs():
    x = tn.Tensor([-1.0, 2.0], dtype=np.float64)
    np.testing.assert_array_equal(x.leaky_relu().data, [-0.01, 2.0])


def test_sigmoid_and_losses_are_stable_at_extremes():
    z = tn.Tensor([[1000.0, -1000.0]], requires_grad=True, dtype=np.float64)
    assert np.all(np.isfinite(z.sigmoid().data))
    loss = tn.nn.functional.cross_entropy(z, [1])
    assert loss.item() == pytest.approx(2000.0)
    loss.backward()
    assert np.all(np.isfinite(z.grad))
    bce = tn.nn.functional.binary_cross_entropy_with_logits(tn.Tensor([800.0, -800.0], dtype=np.float64), [0.0, 1.0])
    assert bce.item() == pytest.approx(800.0)


def test_cross_entropy_rejects_out_of_range_labels():
    logits = tn.Tensor(np.zeros((3, 4)))
    with pytest.raises(ValueError, match=r"label 4 is out of range for 4 classes"):
        tn.nn.functional.cross_entropy(logits, [0, 1, 4])
    with pytest.raises(ValueError, match="label -1"):
        tn.nn.functional.cross_entropy(logits, [0, -1, 2])
    with pytest.raises(ValueError, match=r"labels of shape \(3,\)"):
        tn.nn.functional.cross_entropy(logits, [0, 1])


def test_cross_entropy_of_uniform_logits_is_ln_k():
    loss = tn.nn.functional.cross_entropy(tn.Tensor(np.zeros((5, 10)), dtype=np.float64), np.arange(5))
    assert abs(loss.item() - np.log(10)) < 1e-15


def test_leaf_gradients_never_share_memory():
    """backward hands a fresh gradient array to a leaf without copying it, but never the
    same array to two leaves, a view of another array, or the caller's own array."""
    a = tn.Tensor(np.ones(3), requires_grad=True)
    b = tn.Tensor(np.ones(3), requires_grad=True)
    c = tn.Tensor(np.ones(3), requires_grad=True)
    seed = np.ones(3)
    (a + b + c.reshape(3)).backward(seed)
    arrays = [a.grad, b.grad, c.grad, seed]
    for i in range(4):
        for j in range(i + 1, 4):
            assert not np.shares_memory(arrays[i], arrays[j])
    a.grad *= 5  # an in-place change to one gradient leaves the others alone
    np.testing.assert_array_equal(b.grad, 1.0)
    np.testing.assert_array_equal(seed, 1.0)
