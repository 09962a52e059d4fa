"""LSUV: orthogonal start, then unit pre-activation variance layer by layer."""
import numpy as np
import pytest

import tinynet as tn
from tinynet import init, nn


# ------------------------------------------------------------------ a duck-typed stand-in
class _Box:
    def __init__(self, data):
        self.data = data


class _FakeDense:
    def __init__(self, w, b):
        self.kernel, self.bias = _Box(w), _Box(b)
        self.hooks = []

    def register_forward_hook(self, fn):
        self.hooks.append(fn)
        hooks = self.hooks

        class Handle:
            def remove(self):
                hooks.remove(fn)
        return Handle()

    def __call__(self, x):
        z = x @ self.kernel.data + self.bias.data
        a = np.tanh(z)
        for fn in list(self.hooks):
            fn(self, _Box(x), _Box(z), _Box(a))
        return a


class _FakeModel:
    def __init__(self, sizes, rng):
        self.layers = [_FakeDense(rng.standard_normal((i, o)) * 3.0, np.zeros(o))
                       for i, o in zip(sizes[:-1], sizes[1:])]

    def modules(self):
        yield self
        yield from self.layers

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


def _pre_activation_variances(layers, model, x):
    seen = {}
    handles = [layer.register_forward_hook(lambda l, _x, z, _a, i=i: seen.__setitem__(i, np.var(z.data)))
               for i, layer in enumerate(layers)]
    model(x)
    for h in handles:
        h.remove()
    return [seen[i] for i in range(len(layers))]


def test_lsuv_on_a_duck_typed_model():
    rng = np.random.default_rng(0)
    model = _FakeModel([20, 50, 50, 30, 5], rng)
    x = rng.uniform(0, 4, size=(400, 20))
    report = init.lsuv(model, x, tol=0.05, seed=0)
    assert [r.layer for r in report] == [0, 1, 2, 3]
    assert all(r.converged and r.iterations == 1 for r in report)   # zero bias: one rescale is exact
    for r, v in zip(report, _pre_activation_variances(model.layers, model, x)):
        assert v == pytest.approx(1.0, abs=1e-12) and r.variance == pytest.approx(v, abs=1e-12)
    for layer in model.layers:                      # still an orthogonal matrix times a scalar
        w = layer.kernel.data
        gram = w.T @ w if w.shape[0] >= w.shape[1] else w @ w.T
        np.testing.assert_allclose(gram / gram[0, 0], np.eye(len(gram)), atol=1e-10)
    assert all(not layer.hooks for layer in model.layers)   # hooks removed


def test_lsuv_respects_max_iter_and_tolerance():
    """A bias spread across units adds Var(b) to Var(z) whatever W's scale: with Var(b) > 1.1
    the target is out of reach and LSUV stops at max_iter; with Var(b) < 1 it converges."""
    rng = np.random.default_rng(1)
    model = _FakeModel([10, 10], rng)
    x = rng.standard_normal((300, 10))
    model.layers[0].bias.data = np.linspace(-4.0, 4.0, 10)          # Var(b) = 6.72
    for max_iter in (1, 4):
        (r,) = init.lsuv(model, x, tol=0.1, max_iter=max_iter, seed=0)
        assert r.iterations == max_iter and not r.converged and r.variance > 5.0
    model.layers[0].bias.data = np.linspace(-1.0, 1.0, 10)          # Var(b) = 0.407
    (r,) = init.lsuv(model, x, tol=0.1, max_iter=10, seed=0)
    assert r.converged and 1 <= r.iterations <= 10 and abs(r.variance - 1) < 0.1
    expected = np.var(x @ init.Orthogonal(seed=0)((10, 10), np.float64) + model.layers[0].bias.data)
    assert r.initial_variance == pytest.approx(expected, rel=1e-12)   # measured after the orthogonal start


def test_lsuv_errors():
    rng = np.random.default_rng(2)
    model = _FakeModel([4, 4], rng)
    x = rng.standard_normal((50, 4))
    with pytest.raises(ValueError, match=r"tol must be in \(0, 1\)"):
        init.lsuv(model, x, tol=0)
    with pytest.raises(ValueError, match="max_iter must be a positive integer"):
        init.lsuv(model, x, max_iter=0)
    with pytest.raises(ValueError, match="pre-activation variance 0.0"):
        init.lsuv(model, np.zeros((50, 4)))
    with pytest.raises(TypeError, match="modules()"):
        init.lsuv(lambda v: v, x)

    class Empty:
        def modules(self):
            return iter([self])
    with pytest.raises(ValueError, match="no layers with a kernel"):
        init.lsuv(Empty(), x)


# ------------------------------------------------------------------ the real thing
@pytest.mark.slow
def test_lsuv_30_layer_relu_mlp_has_unit_variance_on_held_out_data():
    tn.manual_seed(0)
    width = 96
    layers = [nn.Dense(32, width, activation="relu")]
    layers += [nn.Dense(width, width, activation="relu") for _ in range(28)]
    layers += [nn.Dense(width, 10)]
    model = nn.Sequential(*layers)
    rng = np.random.default_rng(0)
    mixing = rng.standard_normal((32, 32))           # correlated, non-unit-scale inputs
    train = (rng.uniform(0, 1, size=(512, 32)) @ mixing).astype(np.float32)
    held_out = (rng.uniform(0, 1, size=(512, 32)) @ mixing).astype(np.float32)

    report = init.lsuv(model, train, tol=0.1, max_iter=10, seed=0)
    assert len(report) == 30 and all(r.converged for r in report)
    assert np.mean([r.iterations <= 2 for r in report]) >= 0.9
    dense = [m for m in model.modules() if hasattr(m, "kernel")]
    variances = _pre_activation_variances(dense, model, held_out)
    assert all(0.9 <= v <= 1.1 for v in variances), variances
