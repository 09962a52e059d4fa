"""The floor: a multilayer perceptron trained by hand-written numpy, no framework.

This is the same math tinynet runs, written out once for one architecture (Dense layers
with ReLU between them, softmax cross-entropy, plain SGD), with no graph, no Tensor and
no dispatch. Whatever tinynet costs above this loop is framework overhead.

For a batch X (N, d₀) and layers l = 1..L with kernels Wₗ (dₗ₋₁, dₗ) and biases bₗ:

    forward    Zₗ = Aₗ₋₁·Wₗ + bₗ,   Aₗ = max(Zₗ, 0) (l < L),   P = softmax(Z_L)
    loss       −(1/N) Σᵢ log P[i, yᵢ]
    backward   dZ_L = (P − onehot(y)) / N
               dWₗ = Aₗ₋₁ᵀ·dZₗ,   dbₗ = Σ_rows dZₗ,   dZₗ₋₁ = (dZₗ·Wₗᵀ) ⊙ [Zₗ₋₁ > 0]
    update     Wₗ ← Wₗ − lr·dWₗ,   bₗ ← bₗ − lr·dbₗ

Used by ``train_epoch.py``, ``scaling.py`` and the equivalence test.
"""
from __future__ import annotations

import numpy as np


class NumpyMLP:
    """A ReLU MLP whose forward, backward and SGD step are plain numpy calls."""

    name = "numpy (hand-written)"

    def __init__(self, weights, lr):
        """``weights``: a list of (W, b) pairs; they are copied, the caller's stay as given."""
        self.params = [(w.copy(), b.copy()) for w, b in weights]
        self.lr = weights[0][0].dtype.type(lr)

    def forward(self, x):
        """Logits for ``x``, and the list of layer inputs A₀..A_{L−1} that backward needs."""
        inputs = []
        a = x
        last = len(self.params) - 1
        for l, (w, b) in enumerate(self.params):
            inputs.append(a)
            z = a @ w
            z += b
            if l < last:
                np.maximum(z, 0, out=z)
            a = z
        return a, inputs

    def step(self, x, y):
        """One SGD step on the batch (x, y); returns the batch's mean loss."""
        logits, inputs = self.forward(x)
        n = len(y)
        rows = np.arange(n)
        shifted = logits - logits.max(axis=1, keepdims=True)
        exp = np.exp(shifted)
        total = exp.sum(axis=1, keepdims=True)
        loss = float(np.log(total[:, 0]).mean() - shifted[rows, y].mean())

        dz = exp / total                      # softmax probabilities P
        dz[rows, y] -= 1                      # P − onehot(y)
        dz *= dz.dtype.type(1.0 / n)
        for l in range(len(self.params) - 1, -1, -1):
            w, b = self.params[l]
            a_prev = inputs[l]
            dw = a_prev.T @ dz
            db = dz.sum(axis=0)
            if l > 0:
                dz = dz @ w.T
                dz *= a_prev > 0              # A_{l-1} = max(Z_{l-1}, 0) > 0  ⇔  Z_{l-1} > 0
            dw *= self.lr
            w -= dw
            db *= self.lr
            b -= db
        return loss

    def train_epoch(self, x, y, order, batch_size):
        """One pass over (x, y) in the given sample ``order``, ``batch_size`` at a time."""
        for start in range(0, len(order), batch_size):
            idx = order[start:start + batch_size]
            self.step(x[idx], y[idx])

    def predict(self, x, batch_size=4096):
        return np.concatenate([self.forward(x[s:s + batch_size])[0] for s in range(0, len(x), batch_size)])

    def accuracy(self, x, y):
        return float(np.mean(self.predict(x).argmax(axis=1) == y))

    def weights(self):
        return [(w.copy(), b.copy()) for w, b in self.params]
