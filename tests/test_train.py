"""The engine is the textbook math, and it learns."""
import numpy as np
import pytest

import tinynet as tn
from tinynet import nn, optim
from tinynet.train import DivergenceError, fit


def two_moons(n, noise, seed):
    """Two interleaving half circles, generated here so the test stands alone."""
    rng = np.random.default_rng(seed)
    t = rng.uniform(0, np.pi, n)
    upper = rng.random(n) < 0.5
    x = np.where(upper[:, None], np.c_[np.cos(t), np.sin(t)], np.c_[1 - np.cos(t), 0.5 - np.sin(t)])
    return x + noise * rng.standard_normal((n, 2)), (~upper).astype(np.int64)


def test_mlp_learns_two_moons():
    tn.manual_seed(0)
    x, y = two_moons(400, 0.1, seed=0)
    model = nn.Sequential(
        nn.Dense(2, 16, activation="relu", kernel_initializer="he_normal"),
        nn.Dense(16, 16, activation="relu", kernel_initializer="he_normal"),
        nn.Dense(16, 1),
    )
    history = fit(model, x, y.reshape(-1, 1).astype(float), optim.Adam(model.parameters(), lr=0.02),
                  loss_fn="bce_with_logits", steps=1500)
    accuracy = np.mean((model(x).data[:, 0] > 0) == y)
    assert accuracy >= 0.97, accuracy
    assert history.step_loss[-1] < 0.1 * history.step_loss[0]


def test_two_hidden_layer_mlp_solves_xor():
    tn.manual_seed(1)
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
    y = np.array([0, 1, 1, 0])
    model = nn.Sequential(nn.Dense(2, 8, activation="tanh"), nn.Dense(8, 8, activation="tanh"), nn.Dense(8, 2))
    fit(model, x, y, optim.SGD(model.parameters(), lr=0.5, momentum=0.9), steps=500)
    assert np.array_equal(model(x).data.argmax(axis=1), y)


def test_engine_reproduces_hand_written_numpy_backprop_to_1e_12():
    """3-layer ReLU/ReLU/sigmoid net, weights set by hand, 1,000 full-batch GD steps."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 3))
    y = (x[:, :1] * x[:, 1:2] > 0).astype(np.float64)
    sizes = [3, 6, 4, 1]
    weights = [rng.standard_normal((a, b)) * np.sqrt(2 / a) for a, b in zip(sizes[:-1], sizes[1:])]
    biases = [rng.standard_normal(b) * 0.1 for b in sizes[1:]]
    lr, steps = 0.05, 1000

    # tinynet
    model = nn.Sequential(
        nn.Dense(3, 6, activation="relu", dtype=np.float64),
        nn.Dense(6, 4, activation="relu", dtype=np.float64),
        nn.Dense(4, 1, dtype=np.float64),
    )
    for layer, w, b in zip(model, weights, biases):
        layer.kernel.data, layer.bias.data = w.copy(), b.copy()
    fit(model, x, y, optim.SGD(model.parameters(), lr=lr), loss_fn="bce_with_logits", steps=steps, progress=False)

    # by hand: Z = A·W + b, sigmoid output, dZ_out = (σ(Z) − Y)/N, dW = Aᵀ·dZ, dA = dZ·Wᵀ
    W, B = [w.copy() for w in weights], [b.copy() for b in biases]
    n = len(x)
    for _ in range(steps):
        acts, zs = [x], []
        for i in range(3):
            z = acts[-1] @ W[i] + B[i]
            zs.append(z)
            acts.append(np.maximum(z, 0) if i < 2 else z)
        p = 1 / (1 + np.exp(-zs[-1]))
        dz = (p - y) / n
        for i in (2, 1, 0):
            dw, db = acts[i].T @ dz, dz.sum(axis=0)
            if i:
                dz = (dz @ W[i].T) * (zs[i - 1] > 0)
            W[i] -= lr * dw
            B[i] -= lr * db

    for layer, w, b in zip(model, W, B):
        assert np.max(np.abs(layer.kernel.data - w)) < 1e-12
        assert np.max(np.abs(layer.bias.data - b)) < 1e-12


def test_nan_loss_stops_training_with_the_step_and_a_hint():
    tn.manual_seed(0)
    x = np.random.default_rng(0).standard_normal((32, 4)).astype(np.float32)
    y = np.random.default_rng(1).standard_normal((32, 1)).astype(np.float32) * 1e3
    model = nn.Sequential(nn.Dense(4, 32, activation="relu"), nn.Dense(32, 1))
    with pytest.raises(DivergenceError, match=r"at step \d+ .*smaller learning rate"):
        fit(model, x, y, optim.SGD(model.parameters(), lr=10.0), loss_fn="mse", steps=200, progress=False)


def test_history_and_minibatches_cover_the_data():
    tn.manual_seed(0)
    x = np.random.default_rng(0).standard_normal((100, 2)).astype(np.float32)
    y = (x[:, 0] > 0).astype(np.int64)
    model = nn.Sequential(nn.Dense(2, 2))
    h = fit(model, x, y, optim.SGD(model.parameters(), lr=0.1), epochs=3, batch_size=32,
            validation_data=(x, y), progress=False)
    assert len(h.step_loss) == 3 * 4 and len(h.epoch_loss) == 3 and len(h.val_accuracy) == 3
    assert h.steps_to(-1.0) is None and h.steps_to(np.inf) == 0


def test_fit_rejects_mismatched_data():
    model = nn.Sequential(nn.Dense(2, 2))
    with pytest.raises(ValueError, match="x has 3 samples but y has 2"):
        fit(model, np.zeros((3, 2)), np.zeros(2, dtype=int), optim.SGD(model.parameters(), lr=0.1))


def test_progress_line_is_shown_when_asked(capsys):
    model = nn.Sequential(nn.Dense(2, 2))
    x, y = np.zeros((8, 2), dtype=np.float32), np.zeros(8, dtype=np.int64)
    fit(model, x, y, optim.SGD(model.parameters(), lr=0.1), steps=3, progress=True)
    err = capsys.readouterr().err
    assert "step 3/3" in err and "loss" in err
