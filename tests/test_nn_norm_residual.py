"""BatchNorm, LayerNorm and Residual: the conventions they document, and PyTorch equality.

BatchNorm follows PyTorch's convention (momentum 0.1 = the weight of the new batch; the
running variance is the unbiased batch variance; eps 1e-5); the tests check the update
rule by hand and against torch.nn.BatchNorm1d/2d in float64 to 1e-9.
"""
import numpy as np
import pytest

import tinynet as tn
from tinynet import nn


def test_batchnorm_training_output_has_zero_mean_unit_variance_per_feature():
    x = np.random.default_rng(0).standard_normal((64, 5)) * 3 + 7
    out = nn.BatchNorm(5, dtype=np.float64)(x).data
    np.testing.assert_allclose(out.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(out.var(axis=0), 1 / (1 + 1e-5 / x.var(axis=0)), rtol=1e-12)


def test_batchnorm_on_nhwc_normalizes_each_channel_over_batch_and_pixels():
    x = np.random.default_rng(1).standard_normal((4, 6, 6, 3)) * [1, 5, 0.1] + [0, 2, -3]
    out = nn.BatchNorm(3, dtype=np.float64)(x).data
    np.testing.assert_allclose(out.mean(axis=(0, 1, 2)), 0, atol=1e-12)
    np.testing.assert_allclose(out.std(axis=(0, 1, 2)), 1, atol=1e-3)


def test_batchnorm_running_statistics_follow_pytorch_convention():
    rng = np.random.default_rng(2)
    bn = nn.BatchNorm(3, momentum=0.1, dtype=np.float64)
    assert (bn.momentum, bn.eps) == (0.1, 1e-5)
    mean, var = np.zeros(3), np.ones(3)
    for _ in range(5):
        x = rng.standard_normal((10, 3)) * 2 + 1
        bn(x)
        mean = 0.9 * mean + 0.1 * x.mean(axis=0)
        var = 0.9 * var + 0.1 * x.var(axis=0, ddof=1)          # unbiased, as PyTorch
    np.testing.assert_allclose(bn.running_mean, mean, rtol=1e-14)
    np.testing.assert_allclose(bn.running_var, var, rtol=1e-14)


def test_batchnorm_eval_uses_running_statistics_and_does_not_update_them():
    rng = np.random.default_rng(3)
    model = nn.Sequential(nn.BatchNorm(4, dtype=np.float64))
    for _ in range(3):
        model(rng.standard_normal((8, 4)))
    bn = model[0]
    before = bn.running_mean.copy(), bn.running_var.copy()
    model.eval()
    x = rng.standard_normal((2, 4))
    out = model(x).data
    np.testing.assert_allclose(out, (x - before[0]) / np.sqrt(before[1] + 1e-5), rtol=1e-13)
    np.testing.assert_array_equal(bn.running_mean, before[0])
    one = model(x[:1]).data                                       # one example: its own output
    np.testing.assert_allclose(one, out[:1], rtol=1e-13)
    model.train()
    with pytest.raises(ValueError, match=r"more than one value.*\(1, 4\)"):
        model(x[:1])


def test_norm_layers_refuse_the_wrong_feature_count():
    with pytest.raises(ValueError, match=r"\(8, 5\).*gamma of shape \(4,\)"):
        nn.BatchNorm(4)(np.zeros((8, 5)))
    with pytest.raises(ValueError, match=r"\(8, 5\)"):
        nn.LayerNorm(4)(np.zeros((8, 5)))


def test_layernorm_normalizes_each_example_in_train_and_eval():
    x = np.random.default_rng(4).standard_normal((6, 10)) * np.arange(1, 7)[:, None]
    ln = nn.LayerNorm(10, dtype=np.float64)
    out = ln(x).data
    np.testing.assert_allclose(out.mean(axis=1), 0, atol=1e-12)
    ln.eval()
    np.testing.assert_array_equal(ln(x).data, out)


def test_gamma_and_beta_are_parameters_in_order():
    bn = nn.BatchNorm(3)
    assert [name for name, _ in bn.named_parameters()] == ["gamma", "beta"]
    assert np.all(bn.gamma.data == 1) and np.all(bn.beta.data == 0)


@pytest.mark.parametrize("rank", [2, 4])
def test_batchnorm_equals_torch_train_and_eval(rank):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(rank)
    c = 4
    shape = (6, c) if rank == 2 else (3, 5, 4, c)
    ours = nn.BatchNorm(c, momentum=0.2, dtype=np.float64)
    theirs = (torch.nn.BatchNorm1d if rank == 2 else torch.nn.BatchNorm2d)(c, momentum=0.2).double()
    gamma, beta = rng.uniform(0.5, 2, c), rng.standard_normal(c)
    ours.gamma.data, ours.beta.data = gamma.copy(), beta.copy()
    with torch.no_grad():
        theirs.weight.copy_(torch.tensor(gamma))
        theirs.bias.copy_(torch.tensor(beta))
    to_torch = (lambda a: a) if rank == 2 else (lambda a: a.transpose(0, 3, 1, 2))
    from_torch = (lambda a: a) if rank == 2 else (lambda a: a.transpose(0, 2, 3, 1))
    for _ in range(3):
        x = rng.standard_normal(shape) * 2 + 1
        g = rng.standard_normal(shape)
        xs = tn.Tensor(x, requires_grad=True)
        out = ours(xs)
        out.backward(g)
        xt = torch.tensor(to_torch(x), requires_grad=True)
        ot = theirs(xt)
        ot.backward(torch.tensor(to_torch(g)))
        np.testing.assert_allclose(out.data, from_torch(ot.detach().numpy()), rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(xs.grad, from_torch(xt.grad.numpy()), rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(ours.gamma.grad, theirs.weight.grad.numpy(), rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(ours.beta.grad, theirs.bias.grad.numpy(), rtol=1e-9, atol=1e-9)
        ours.zero_grad()
        theirs.zero_grad()
    np.testing.assert_allclose(ours.running_mean, theirs.running_mean.numpy(), rtol=1e-12)
    np.testing.assert_allclose(ours.running_var, theirs.running_var.numpy(), rtol=1e-12)
    ours.eval()
    theirs.eval()
    x = rng.standard_normal(shape)
    xs = tn.Tensor(x, requires_grad=True)
    out = ours(xs)
    out.backward(np.ones(shape))
    xt = torch.tensor(to_torch(x), requires_grad=True)
    ot = theirs(xt)
    ot.sum().backward()
    np.testing.assert_allclose(out.data, from_torch(ot.detach().numpy()), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(xs.grad, from_torch(xt.grad.numpy()), rtol=1e-9, atol=1e-9)


def test_layernorm_equals_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(7)
    for shape in [(5, 8), (2, 3, 4, 6)]:
        c = shape[-1]
        x, g = rng.standard_normal(shape) * 3, rng.standard_normal(shape)
        gamma, beta = rng.uniform(0.5, 2, c), rng.standard_normal(c)
        ours = nn.LayerNorm(c, dtype=np.float64)
        ours.gamma.data, ours.beta.data = gamma.copy(), beta.copy()
        xs = tn.Tensor(x, requires_grad=True)
        out = ours(xs)
        out.backward(g)
        theirs = torch.nn.LayerNorm(c).double()
        with torch.no_grad():
            theirs.weight.copy_(torch.tensor(gamma))
            theirs.bias.copy_(torch.tensor(beta))
        xt = torch.tensor(x, requires_grad=True)
        ot = theirs(xt)
        ot.backward(torch.tensor(g))
        for a, b in [(out.data, ot.detach().numpy()), (xs.grad, xt.grad.numpy()),
                     (ours.gamma.grad, theirs.weight.grad.numpy()), (ours.beta.grad, theirs.bias.grad.numpy())]:
            np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-9)


# ------------------------------------------------------------------ Residual
def _branch(width=8, dtype=np.float64):
    return nn.Sequential(nn.Dense(width, width, activation="relu", kernel_initializer="he_normal", dtype=dtype),
                         nn.Dense(width, width, kernel_initializer="he_normal", dtype=dtype))


def test_residual_adds_the_branch_and_scales_it():
    tn.manual_seed(0)
    block = _branch()
    x = np.random.default_rng(0).standard_normal((3, 8))
    np.testing.assert_allclose(nn.Residual(block)(x).data, x + block(x).data, rtol=1e-14)
    np.testing.assert_allclose(nn.Residual(block, scale=0.5)(x).data, x + 0.5 * block(x).data, rtol=1e-14)
    with pytest.raises(ValueError, match=r"\(3, 8\) to \(3, 4\)"):
        nn.Residual(nn.Dense(8, 4, dtype=np.float64))(x)


def test_residual_gradient_has_the_identity_path():
    tn.manual_seed(1)
    res = nn.Residual(_branch(), branch_init="zero_last_layer")
    x = tn.Tensor(np.random.default_rng(1).standard_normal((4, 8)), requires_grad=True)
    out = res(x)
    np.testing.assert_array_equal(out.data, x.data)               # the block starts as identity
    out.sum().backward()
    np.testing.assert_allclose(x.grad, 1.0)
    assert res.block[1].kernel.grad is not None and np.abs(res.block[1].kernel.grad).max() > 0


def test_skipinit_learnable_scale_starts_at_zero_and_learns():
    tn.manual_seed(2)
    res = nn.Residual(_branch(), scale=0.0, learnable_scale=True)
    assert [n for n, _ in res.named_parameters()][0] == "scale"
    x = tn.Tensor(np.random.default_rng(2).standard_normal((4, 8)))
    out = res(x)
    np.testing.assert_array_equal(out.data, x.data)
    (out * out).sum().backward()
    assert res.scale.grad is not None and res.scale.grad != 0


def test_zero_last_gamma_rule():
    block = nn.Sequential(nn.Dense(8, 8, dtype=np.float64), nn.BatchNorm(8, dtype=np.float64), nn.ReLU(),
                          nn.Dense(8, 8, dtype=np.float64), nn.BatchNorm(8, dtype=np.float64))
    res = nn.Residual(block, branch_init="zero_last_gamma")
    assert np.all(block[4].gamma.data == 0) and np.all(block[1].gamma.data == 1)
    x = np.random.default_rng(3).standard_normal((5, 8))
    np.testing.assert_array_equal(res(x).data, x)


def test_depth_scaled_rule_multiplies_the_last_kernel_by_one_over_sqrt_2L():
    tn.manual_seed(3)
    plain = _branch()
    tn.manual_seed(3)
    scaled = _branch()
    nn.Residual(scaled, branch_init="depth_scaled", num_blocks=50)
    np.testing.assert_allclose(scaled[1].kernel.data, plain[1].kernel.data / 10, rtol=1e-15)
    np.testing.assert_array_equal(scaled[0].kernel.data, plain[0].kernel.data)
    with pytest.raises(ValueError, match="num_blocks"):
        nn.Residual(_branch(), branch_init="depth_scaled")
    with pytest.raises(ValueError, match="zero_last_layer"):
        nn.Residual(_branch(), branch_init="zero_everything")


def test_batchnorm_running_statistics_survive_a_checkpoint(tmp_path):
    """A model restored from a checkpoint evaluates exactly as the one saved: BatchNorm's
    running mean and variance (buffers, not parameters) travel with the parameters."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((32, 5)) * 3.0 + 1.0
    a = nn.Sequential(nn.Dense(5, 4, dtype=np.float64), nn.BatchNorm(4, dtype=np.float64))
    for _ in range(3):
        a(x)                                   # training mode: running statistics move
    assert list(a.parameters()) and "1.running_mean" in a.state_dict()
    tn.save(a, tmp_path / "bn.npz")
    b = nn.Sequential(nn.Dense(5, 4, dtype=np.float64), nn.BatchNorm(4, dtype=np.float64))
    tn.load(b, tmp_path / "bn.npz")
    np.testing.assert_array_equal(b.layers[1].running_var, a.layers[1].running_var)
    a.eval(), b.eval()
    np.testing.assert_array_equal(np.asarray(b(x)), np.asarray(a(x)))
