"""Fused, numerically stable losses.

Each loss is one operation whose backward is the simplified closed form, not the chain
of its parts: softmax cross-entropy's gradient is ``(p − y) / N``, and binary
cross-entropy with logits' is ``(σ(z) − y) / N``. Both are computed from logits, so no
``log(0)`` can occur.
"""
from __future__ import annotations

import numpy as np

from . import fused
from .autograd import Function
from .functional import _tensor
from .tensor import Tensor


class CrossEntropy(Function):
    """L = −(1/N) Σᵢ log softmax(zᵢ)[yᵢ]  for logits z (N, K) and integer labels y (N,).

    dL/dz = (softmax(z) − onehot(y)) / N.
    """

    @staticmethod
    def forward(ctx, logits, labels):
        shifted = logits - logits.max(axis=1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        n = logits.shape[0]
        ctx.save(log_p, labels)
        return np.asarray(-log_p[np.arange(n), labels].mean(), dtype=logits.dtype)

    @staticmethod
    def backward(ctx, g):
        log_p, labels = ctx.saved
        n = log_p.shape[0]
        grad = np.exp(log_p)
        grad[np.arange(n), labels] -= 1
        return grad * (g / n), None


class BCEWithLogits(Function):
    """L = (1/N) Σ [max(z, 0) − z·y + log(1 + e^−|z|)],  the stable form of
    −[y log σ(z) + (1 − y) log(1 − σ(z))].   dL/dz = (σ(z) − y) / N.
    """

    @staticmethod
    def forward(ctx, z, y):
        ctx.save(z, y)
        loss = np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))
        return np.asarray(loss.mean(), dtype=z.dtype)

    @staticmethod
    def backward(ctx, g):
        z, y = ctx.saved
        p = 0.5 * (1 + np.tanh(0.5 * z))
        return (p - y) * (g / z.size), None


class MSE(Function):
    """L = (1/N) Σ (a − y)²  (mean over every element).   dL/da = 2 (a − y) / N."""

    @staticmethod
    def forward(ctx, a, y):
        diff = a - y
        ctx.save(diff)
        return np.asarray((diff * diff).mean(), dtype=a.dtype)

    @staticmethod
    def backward(ctx, g):
        (diff,) = ctx.saved
        return diff * (2 * g / diff.size), None


def _not_empty(name, shape):
    """A mean over no examples is 0/0: say so instead of returning nan with numpy's warnings."""
    if 0 in shape:
        raise ValueError(f"{name}: got an empty batch (shape {shape}); a mean loss needs at least one example")


def cross_entropy(logits, labels):
    """Mean softmax cross-entropy of ``logits`` (N, K) against integer ``labels`` (N,)."""
    logits = _tensor(logits)
    labels = np.asarray(labels.data if isinstance(labels, Tensor) else labels)
    if logits.ndim != 2:
        raise ValueError(f"cross_entropy expects logits of shape (N, K), got {logits.shape}")
    _not_empty("cross_entropy", logits.shape)
    if labels.shape != (logits.shape[0],):
        raise ValueError(
            f"cross_entropy expects one integer label per row: logits {logits.shape} need "
            f"labels of shape ({logits.shape[0]},), got {labels.shape}"
        )
    if labels.dtype.kind not in "iu":
        if labels.dtype.kind == "f" and np.all(labels == np.round(labels)):
            labels = labels.astype(np.int64)
        else:
            raise TypeError(f"cross_entropy expects integer class labels, got dtype {labels.dtype}")
    # the same math in one numba pass (tinynet/fused.py); CrossEntropy above is its readable
    # reference. The pass also checks that every label is in 0..K-1, as it reads each one.
    return fused.SoftmaxCrossEntropy.apply(logits, labels=labels)


def binary_cross_entropy_with_logits(logits, targets):
    """Mean binary cross-entropy of targets in [0, 1] given logits (same shape)."""
    logits = _tensor(logits)
    _not_empty("binary_cross_entropy_with_logits", logits.shape)
    targets = _tensor(targets, logits)
    if targets.shape != logits.shape:
        raise ValueError(
            f"binary_cross_entropy_with_logits: logits {logits.shape} and targets "
            f"{targets.shape} must have the same shape (reshape the targets to {logits.shape})"
        )
    return BCEWithLogits.apply(logits, Tensor(targets.data.astype(logits.dtype)))


def mse(prediction, target):
    """Mean squared error over every element."""
    prediction = _tensor(prediction)
    _not_empty("mse", prediction.shape)
    target = _tensor(target, prediction)
    if target.shape != prediction.shape:
        raise ValueError(
            f"mse: prediction {prediction.shape} and target {target.shape} must have the same shape"
        )
    return MSE.apply(prediction, Tensor(target.data.astype(prediction.dtype)))
