"""Dense, Sequential, Module state, Dropout, checkpoints."""
import os

import numpy as np
import pytest

import tinynet as tn
from tinynet import nn


def mlp(*sizes, activation="relu", **kw):
    layers = [nn.Dense(a, b, activation=activation, **kw) for a, b in zip(sizes[:-2], sizes[1:-1])]
    return nn.Sequential(*layers, nn.Dense(sizes[-2], sizes[-1], **kw))


def test_dense_is_x_at_w_plus_b_in_keras_layout():
    layer = nn.Dense(3, 2, activation="relu", dtype=np.float64)
    assert layer.kernel.shape == (3, 2) and layer.bias.shape == (2,)
    layer.kernel.data = np.array([[1.0, -1.0], [2.0, 0.5], [0.0, 1.0]])
    layer.bias.data = np.array([0.5, -10.0])
    x = np.array([[1.0, 1.0, 1.0]])
    np.testing.assert_array_equal(layer(x).data, [[3.5, 0.0]])


def test_default_initializers_are_glorot_uniform_and_zeros():
    tn.manual_seed(0)
    layer = nn.Dense(400, 300)
    limit = np.sqrt(6 / 700)
    assert np.abs(layer.kernel.data).max() <= limit
    assert np.abs(layer.kernel.data).max() > 0.98 * limit
    np.testing.assert_array_equal(layer.bias.data, 0)


def test_parameters_yield_kernel_then_bias_layer_by_layer():
    model = mlp(4, 5, 3)
    names = [n for n, _ in model.named_parameters()]
    assert names == ["0.kernel", "0.bias", "1.kernel", "1.bias"]
    shapes = [p.shape for p in model.parameters()]
    assert shapes == [(4, 5), (5,), (5, 3), (3,)]
    assert len(model.dense_layers()) == 2


def test_same_global_seed_builds_identical_models():
    tn.manual_seed(7)
    a = mlp(4, 8, 3)
    tn.manual_seed(7)
    b = mlp(4, 8, 3)
    for p, q in zip(a.parameters(), b.parameters()):
        np.testing.assert_array_equal(p.data, q.data)


def test_dense_wrong_feature_count_names_layer_and_sizes():
    model = mlp(784, 16, 10)
    with pytest.raises(ValueError, match=r"Dense layer 0 \(784 -> 16, relu\).*\(batch, 784\).*768"):
        model(np.zeros((2, 768), dtype=np.float32))


def test_dense_rejects_bad_sizes_and_activations():
    with pytest.raises(ValueError, match="positive integer"):
        nn.Dense(0, 3)
    with pytest.raises(ValueError, match="unknown activation 'relux'"):
        nn.Dense(2, 3, activation="relux")


def test_use_bias_false_has_no_bias():
    layer = nn.Dense(3, 2, use_bias=False)
    assert layer.bias is None and len(list(layer.parameters())) == 1
    layer(np.ones((1, 3))).sum().backward()
    assert layer.kernel.grad.shape == (3, 2)


def test_forward_hook_sees_input_preactivation_and_output():
    layer = nn.Dense(3, 4, activation="relu", dtype=np.float64)
    seen = {}
    handle = layer.register_forward_hook(lambda l, x, z, a: seen.update(x=x, z=z, a=a))
    x = np.random.default_rng(0).standard_normal((5, 3))
    out = layer(x)
    np.testing.assert_allclose(seen["z"].data, x @ layer.kernel.data + layer.bias.data, rtol=1e-12)
    np.testing.assert_array_equal(seen["a"].data, np.maximum(seen["z"].data, 0))
    assert seen["a"] is out
    handle.remove()
    seen.clear()
    layer(x)
    assert not seen


def test_state_dict_round_trip_and_mismatch():
    a, b = mlp(4, 8, 3), mlp(4, 8, 3)
    b.load_state_dict(a.state_dict())
    for p, q in zip(a.parameters(), b.parameters()):
        np.testing.assert_array_equal(p.data, q.data)
    with pytest.raises(ValueError, match=r"'0.kernel' has shape \(4, 9\).*\(4, 8\)"):
        mlp(4, 9, 3).load_state_dict(a.state_dict())


def test_dropout_scales_in_training_and_passes_through_in_eval():
    tn.manual_seed(0)
    layer = nn.Dropout(0.25)
    x = tn.Tensor(np.ones((200, 50)))
    y = layer(x).data
    kept = y != 0
    assert abs(kept.mean() - 0.75) < 4 * np.sqrt(0.75 * 0.25 / kept.size)
    np.testing.assert_allclose(y[kept], 1 / 0.75)
    layer.eval()
    assert layer(x) is x
    with pytest.raises(ValueError, match=r"\[0, 1\)"):
        nn.Dropout(1.0)


def test_train_and_eval_switch_every_submodule():
    model = nn.Sequential(nn.Dense(2, 2), nn.Dropout(0.5))
    model.eval()
    assert all(not m.training for m in model.modules())
    model.train()
    assert all(m.training for m in model.modules())


def test_checkpoint_round_trip_is_atomic_and_exact(tmp_path):
    model = mlp(4, 8, 3)
    path = tmp_path / "model.npz"
    tn.save(model, path)
    assert sorted(os.listdir(tmp_path)) == ["model.npz"]  # no temporary file left behind
    other = mlp(4, 8, 3)
    tn.load(other, path)
    for p, q in zip(model.parameters(), other.parameters()):
        np.testing.assert_array_equal(p.data, q.data)


def test_checkpoint_for_another_architecture_is_refused(tmp_path):
    path = tmp_path / "m.npz"
    tn.save(mlp(4, 8, 3), path)
    with pytest.raises(ValueError, match=r"first differing parameter is '0.kernel' with shape \(4, 16\).*\(4, 8\)"):
        tn.load(mlp(4, 16, 3), path)
    with pytest.raises(ValueError, match="has 4 parameters, the model has 6"):
        tn.load(mlp(4, 8, 3, 3), path)


def test_checkpoint_never_unpickles(tmp_path):
    path = tmp_path / "evil.npz"
    np.savez(path, **{"0.kernel": np.array([object()], dtype=object)})
    with pytest.raises(ValueError, match="pickle"):
        tn.load(mlp(4, 8, 3), path)


def test_failed_save_keeps_the_existing_checkpoint(tmp_path, monkeypatch):
    path = tmp_path / "m.npz"
    model = mlp(2, 3, 1)
    tn.save(model, path)
    before = path.read_bytes()

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez", boom)
    with pytest.raises(OSError, match="disk full"):
        tn.save(model, path)
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["m.npz"]
