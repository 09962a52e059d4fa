"""tinynet trains exactly like the hand-written numpy loop that benchmarks use as the floor.

Same starting weights, same batches in the same order: after many SGD steps the weights
must agree to rounding (float64: 1e-10; float32: float32 noise), and so must the accuracy.
This is what lets ``benchmarks/train_epoch.py`` compare the two on speed alone.
"""
import importlib.util
import os

import numpy as np
import pytest

import tinynet as tn
from tinynet import kernels, nn, optim

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load_numpy_mlp():
    path = os.path.join(ROOT, "benchmarks", "handwritten_numpy.py")
    spec = importlib.util.spec_from_file_location("handwritten_numpy_for_tests", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.NumpyMLP


def problem(dtype, sizes=(12, 16, 8, 3), n=96, seed=0):
    rng = np.random.default_rng(seed)
    weights = [
        ((rng.standard_normal((i, o)) * np.sqrt(2.0 / i)).astype(dtype), (rng.standard_normal(o) * 0.1).astype(dtype))
        for i, o in zip(sizes[:-1], sizes[1:])
    ]
    centers = rng.standard_normal((sizes[-1], sizes[0])) * 2
    y = rng.integers(0, sizes[-1], n)
    x = (centers[y] + rng.standard_normal((n, sizes[0]))).astype(dtype)
    return weights, x, y


def train_tinynet(weights, x, y, orders, lr, dtype):
    last = len(weights) - 1
    layers = []
    for l, (w, b) in enumerate(weights):
        layer = nn.Dense(w.shape[0], w.shape[1], activation=None if l == last else "relu", dtype=dtype)
        layer.kernel.data, layer.bias.data = w.copy(), b.copy()
        layers.append(layer)
    model = nn.Sequential(*layers)
    opt = optim.SGD(model.parameters(), lr=lr)
    for order in orders:
        for start in range(0, len(order), 16):
            idx = order[start:start + 16]
            loss = nn.functional.cross_entropy(model(x[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    with tn.no_grad():
        accuracy = float(np.mean(model(x).data.argmax(axis=1) == y))
    return [(l.kernel.data, l.bias.data) for l in layers], accuracy


# the numba backend's small parallel products can take seconds in all on a loaded machine
@pytest.mark.parametrize("backend", [pytest.param("numba", marks=pytest.mark.slow), "numpy"])
@pytest.mark.parametrize("dtype, tol", [(np.float64, 1e-10), (np.float32, 2e-4)])
def test_same_weights_and_accuracy_as_the_hand_written_loop(backend, dtype, tol):
    NumpyMLP = load_numpy_mlp()
    weights, x, y = problem(dtype)
    rng = np.random.default_rng(1)
    orders = [rng.permutation(len(x)) for _ in range(5)]  # 5 epochs x 6 batches = 30 steps
    reference = NumpyMLP(weights, lr=0.1)
    for order in orders:
        reference.train_epoch(x, y, order, 16)
    with kernels.using(backend):
        got, accuracy = train_tinynet(weights, x, y, orders, 0.1, dtype)
    moved = max(np.abs(w - w0).max() for (w, _), (w0, _) in zip(got, weights))
    assert moved > 0.05  # the weights really trained, so agreement is not trivial
    for (w, b), (w_ref, b_ref) in zip(got, reference.params):
        assert w.dtype == dtype
        np.testing.assert_allclose(w, w_ref, rtol=tol, atol=tol)
        np.testing.assert_allclose(b, b_ref, rtol=tol, atol=tol)
    assert accuracy == reference.accuracy(x, y)
    assert accuracy > 0.8  # separable blobs: the loop learned, in both engines
