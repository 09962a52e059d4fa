"""The set-up every speed benchmark shares: data, starting weights, and the contenders.

Each contender is a class built from the same list of (W, b) float32 pairs and the same
learning rate, with ``train_epoch(x, y, order, batch_size)`` and ``accuracy(x, y)``, so a
benchmark can give all of them the same starting point and the same batch order:

- ``NumpyMLP`` (handwritten_numpy.py): the floor, no framework;
- ``TinynetMLP``: nn.Sequential of Dense layers, cross_entropy, optim.SGD, with a chosen
  ``tinynet.kernels`` backend;
- ``TorchMLP``: the same network in PyTorch on the CPU, when torch is installed.
"""
from __future__ import annotations

import gzip
import os
import time

import numpy as np

import tinynet as tn
from tinynet import kernels, nn, optim

from handwritten_numpy import NumpyMLP

FASHION_DIR = "/usr/share/datasets/fashion-mnist"
SETTLE = 0.15   # seconds of untimed rest before each turn (OpenBLAS spins ~0.1 s after a call)


def in_fair_order(names, rng):
    """The contenders' names in a fresh random order, each after a short untimed pause.

    Thread pools (PyTorch's OpenMP, OpenBLAS, numba) keep spinning for a while after their
    work is done. With a fixed cyclic order the contender that always follows PyTorch pays
    for its spinning threads (measured with two threads: tinynet at 1.50x of the numpy loop
    when its turn always came right after PyTorch's, 1.04x with shuffled turns). The pause
    lets the pools park -- OpenBLAS's threads were measured to spin for 0.1 s after a call,
    hence SETTLE -- and the shuffle spreads what is left over everyone.
    """
    for i in rng.permutation(len(names)):
        time.sleep(SETTLE)
        yield names[i]


# ------------------------------------------------------------------------- data
def _read_idx_gz(path):
    """An IDX file (gzip-compressed): magic (2 zero bytes, type, rank), big-endian sizes, data."""
    with gzip.open(path, "rb") as f:
        raw = f.read()
    rank = raw[3]
    shape = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(rank))
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * rank).reshape(shape)


def load_data(n_train=None):
    """((x_train, y_train), (x_test, y_test), source): float32 in [0, 1], flattened.

    Fashion-MNIST through ``tinynet.data.load_fashion_mnist`` when that exists, else from
    the IDX files in FASHION_DIR, else random data of the same shape (accuracy then means
    nothing, which ``source`` says).
    """
    try:
        from tinynet import data as tn_data

        (xtr, ytr), (xte, yte) = tn_data.load_fashion_mnist()
        source = "Fashion-MNIST (tinynet.data)"
    except Exception:  # noqa: BLE001 - any failure falls through to the next source
        try:
            xtr = _read_idx_gz(os.path.join(FASHION_DIR, "train-images-idx3-ubyte.gz"))
            ytr = _read_idx_gz(os.path.join(FASHION_DIR, "train-labels-idx1-ubyte.gz"))
            xte = _read_idx_gz(os.path.join(FASHION_DIR, "t10k-images-idx3-ubyte.gz"))
            yte = _read_idx_gz(os.path.join(FASHION_DIR, "t10k-labels-idx1-ubyte.gz"))
            source = f"Fashion-MNIST ({FASHION_DIR})"
        except OSError:
            rng = np.random.default_rng(0)
            xtr, ytr = rng.integers(0, 256, (60000, 28, 28), dtype=np.uint8), rng.integers(0, 10, 60000)
            xte, yte = rng.integers(0, 256, (10000, 28, 28), dtype=np.uint8), rng.integers(0, 10, 10000)
            source = "random data of Fashion-MNIST's shape (no data set found)"
    def prep(images):  # flatten, float32 in [0, 1], without a second full-size temporary
        out = images.reshape(len(images), -1).astype(np.float32)
        out /= np.float32(255)
        return out

    if n_train is not None:
        xtr, ytr = xtr[:n_train], ytr[:n_train]
    return (prep(xtr), ytr.astype(np.int64)), (prep(xte), yte.astype(np.int64)), source


def he_weights(sizes, seed=0, dtype=np.float32):
    """Starting weights for layer sizes [d₀, d₁, ..., d_L]: W ~ N(0, 2/fan_in), b = 0."""
    rng = np.random.default_rng(seed)
    return [
        ((rng.standard_normal((i, o)) * np.sqrt(2.0 / i)).astype(dtype), np.zeros(o, dtype))
        for i, o in zip(sizes[:-1], sizes[1:])
    ]


# -------------------------------------------------------------------- contenders
def has_backend_switch():
    return hasattr(kernels, "use")


class TinynetMLP:
    """The network as a learner writes it with tinynet, with a given kernels backend."""

    def __init__(self, weights, lr, backend=None):
        self.backend = backend
        self.name = f"tinynet ({backend or 'default'} backend)"
        self._use_backend()
        last = len(weights) - 1
        layers = [
            nn.Dense(w.shape[0], w.shape[1], activation=None if l == last else "relu", dtype=w.dtype)
            for l, (w, _) in enumerate(weights)
        ]
        for layer, (w, b) in zip(layers, weights):
            layer.kernel.data = w.copy()
            layer.bias.data = b.copy()
        self.model = nn.Sequential(*layers)
        self.optimizer = optim.SGD(self.model.parameters(), lr=lr)

    def _use_backend(self):
        if self.backend is not None and has_backend_switch():
            kernels.use(self.backend)

    def train_epoch(self, x, y, order, batch_size):
        self._use_backend()
        model, opt, loss_fn = self.model, self.optimizer, nn.functional.cross_entropy
        for start in range(0, len(order), batch_size):
            idx = order[start:start + batch_size]
            loss = loss_fn(model(x[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()

    def accuracy(self, x, y):
        self._use_backend()
        with tn.no_grad():
            return float(np.mean(self.model(x).data.argmax(axis=1) == y))

    def weights(self):
        return [(l.kernel.data.copy(), l.bias.data.copy()) for l in self.model.dense_layers()]


class TorchMLP:
    """The same network in PyTorch (CPU); torch stores the transposed kernel (out, in)."""

    name = "PyTorch CPU"

    def __init__(self, weights, lr):
        import torch

        self.torch = torch
        layers = []
        for l, (w, b) in enumerate(weights):
            lin = torch.nn.Linear(w.shape[0], w.shape[1])
            with torch.no_grad():
                lin.weight.copy_(torch.from_numpy(np.ascontiguousarray(w.T)))
                lin.bias.copy_(torch.from_numpy(b))
            layers.append(lin)
            if l < len(weights) - 1:
                layers.append(torch.nn.ReLU())
        self.model = torch.nn.Sequential(*layers)
        self.optimizer = torch.optim.SGD(self.model.parameters(), lr=lr)

    def train_epoch(self, x, y, order, batch_size):
        torch, model, opt = self.torch, self.model, self.optimizer
        loss_fn = torch.nn.functional.cross_entropy
        for start in range(0, len(order), batch_size):
            idx = order[start:start + batch_size]
            loss = loss_fn(model(torch.from_numpy(x[idx])), torch.from_numpy(y[idx]))
            opt.zero_grad()
            loss.backward()
            opt.step()

    def accuracy(self, x, y):
        with self.torch.no_grad():
            out = self.model(self.torch.from_numpy(x)).numpy()
        return float(np.mean(out.argmax(axis=1) == y))


def torch_available():
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def make_contenders(weights, lr, include_torch=True):
    """name -> contender, in the order the tables print them."""
    out = {}
    if has_backend_switch():
        out["tinynet (numba)"] = TinynetMLP(weights, lr, "numba")
        out["tinynet (blas)"] = TinynetMLP(weights, lr, "blas")
    else:
        out["tinynet (default)"] = TinynetMLP(weights, lr, None)
    out["numpy (hand-written)"] = NumpyMLP(weights, lr)
    if include_torch and torch_available():
        out["PyTorch CPU"] = TorchMLP(weights, lr)
    return out
