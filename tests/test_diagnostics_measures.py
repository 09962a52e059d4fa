"""Diagnostics measurements: exact values on hand-built arrays and a hand-run MLP."""
import numpy as np
import pytest

import tinynet as tn
from tinynet import nn
from tinynet.diagnostics import (dead_fraction, distinct_units, layer_statistics, measure_update_ratios,
                                 saturation_fraction, sgd_update_ratio, update_ratio)


def test_distinct_units_counts_equal_columns_once():
    w = np.array([[1.0, 1.0, 2.0, 1.0], [0.5, 0.5, 0.5, 0.5]])
    assert distinct_units(w) == 2
    assert distinct_units(np.zeros((3, 7))) == 1
    assert distinct_units(np.eye(5)) == 5


def test_distinct_units_tolerance_is_1e_9():
    w = np.ones((4, 3))
    w[2, 1] += 5e-10          # within tolerance: still the same unit
    w[0, 2] += 2e-9           # beyond it: a different unit
    assert distinct_units(w) == 2


def test_distinct_units_bias_separates_units():
    w = np.ones((2, 3))
    assert distinct_units(w, bias=np.array([0.0, 0.0, 1.0])) == 2


def test_distinct_units_nan_columns_each_count():
    w = np.ones((2, 3))
    w[:, 1:] = np.nan
    assert distinct_units(w) == 3


def test_dead_fraction_needs_all_rows_nonpositive():
    z = np.array([[-1.0, 2.0, 0.0, -3.0], [-2.0, -1.0, 0.0, 0.5]])
    assert dead_fraction(z) == 0.5     # units 0 and 2; unit 1 and 3 are positive somewhere


def test_saturation_fraction_thresholds():
    a = np.array([-0.99, -0.5, 0.0, 0.975, 0.96])
    assert saturation_fraction(a, "tanh") == pytest.approx(2 / 5)
    s = np.array([0.01, 0.02, 0.5, 0.98, 0.96])
    assert saturation_fraction(s, "sigmoid") == pytest.approx(3 / 5)
    assert saturation_fraction(a, "relu") is None


def test_update_ratios():
    w = np.full((2, 2), 2.0)
    assert update_ratio(w, w + 0.002) == pytest.approx(1e-3)
    assert np.isnan(update_ratio(np.zeros(3), np.ones(3)))
    assert sgd_update_ratio(np.full(4, 3.0), np.full(4, 1.5), lr=0.1) == pytest.approx(0.2)


def _mlp64(seed=0):
    tn.manual_seed(seed)
    return nn.Sequential(nn.Dense(3, 4, activation="tanh", kernel_initializer="he_normal", dtype=np.float64),
                         nn.Dense(4, 5, activation="relu", kernel_initializer="he_normal", dtype=np.float64),
                         nn.Dense(5, 2, dtype=np.float64))


def test_layer_statistics_match_a_hand_written_pass():
    model = _mlp64()
    rng = np.random.default_rng(1)
    x, y = rng.standard_normal((16, 3)), rng.integers(0, 2, 16)
    (w1, b1), (w2, b2), (w3, b3) = [(d.kernel.data, d.bias.data) for d in model.dense_layers()]
    z1 = x @ w1 + b1; a1 = np.tanh(z1)
    z2 = a1 @ w2 + b2; a2 = np.maximum(z2, 0)
    z3 = a2 @ w3 + b3
    p = np.exp(z3 - z3.max(1, keepdims=True)); p /= p.sum(1, keepdims=True)
    g3 = (p - np.eye(2)[y]) / len(y)
    g2 = (g3 @ w3.T) * (z2 > 0)
    g1 = (g2 @ w2.T) * (1 - a1 ** 2)

    sentinel = [np.full(q.shape, 7.0) for q in model.parameters()]
    for q, s in zip(model.parameters(), sentinel):
        q.grad = s
    stats = layer_statistics(model, x, y, lr=0.1)
    for q, s in zip(model.parameters(), sentinel):   # the caller's gradients are untouched
        assert q.grad is s

    for st, z, a, g, xin in ((stats[0], z1, a1, g1, x), (stats[1], z2, a2, g2, a1), (stats[2], z3, z3, g3, a2)):
        assert st.preact_std == pytest.approx(z.std(), rel=1e-12)
        assert st.act_std == pytest.approx(a.std(), rel=1e-12)
        assert st.act_mean == pytest.approx(a.mean(), rel=1e-12, abs=1e-15)
        assert st.grad_z_std == pytest.approx(g.std(), rel=1e-10)
        dw = xin.T @ g
        assert st.grad_w_std == pytest.approx(dw.std(), rel=1e-10)
        assert st.grad_w_max == pytest.approx(np.abs(dw).max(), rel=1e-10)
    assert stats[0].saturation == pytest.approx(np.mean(np.abs(a1) > 0.97))
    assert stats[1].dead_fraction == pytest.approx(np.mean(np.all(z2 <= 0, axis=0)))
    assert stats[0].dead_fraction is None and stats[1].saturation is None
    assert stats[1].update_ratio == pytest.approx(0.1 * np.sqrt(np.mean((a1.T @ g2) ** 2)) / np.sqrt(np.mean(w2 ** 2)))
    assert [s.distinct_units for s in stats] == [4, 5, 2]


def test_layer_statistics_without_labels_and_samples():
    model = _mlp64()
    x = np.random.default_rng(2).standard_normal((32, 3))
    stats = layer_statistics(model, x, samples=50)
    assert all(s.grad_z_std > 0 for s in stats)
    assert [len(s.samples) for s in stats] == [50, 50, 50]
    assert "samples" not in stats[0].as_dict()


def test_zero_kernels_get_exactly_zero_hidden_gradients():
    """The stall mechanism: with W = 0 and f(0) = 0, no hidden kernel ever sees a gradient."""
    for act in ("relu", "tanh"):
        model = nn.Sequential(nn.Dense(2, 8, activation=act, kernel_initializer="zeros", dtype=np.float64),
                              nn.Dense(8, 8, activation=act, kernel_initializer="zeros", dtype=np.float64),
                              nn.Dense(8, 3, kernel_initializer="zeros", dtype=np.float64))
        rng = np.random.default_rng(0)
        stats = layer_statistics(model, rng.standard_normal((20, 2)), rng.integers(0, 3, 20))
        assert [s.grad_w_max for s in stats] == [0.0, 0.0, 0.0]
        assert [s.distinct_units for s in stats] == [1, 1, 1]


def test_measured_update_ratio_of_plain_sgd():
    model = _mlp64()
    x, y = np.random.default_rng(3).standard_normal((8, 3)), np.arange(8) % 2
    opt = tn.optim.SGD(model.parameters(), lr=0.05)
    expected = [s.update_ratio for s in layer_statistics(model, x, y, lr=0.05)]

    def step():
        opt.zero_grad()
        nn.functional.cross_entropy(model(x), y).backward()
        opt.step()

    measured = measure_update_ratios(model, step)
    np.testing.assert_allclose(measured, expected, rtol=1e-10)
