"""Reference solution of lesson 2 (same names as lessons/02_dense_backprop/exercises.py)."""
import numpy as np


def dense_backward(x, W, b, dz):
    return dz @ W.T, x.T @ dz, dz.sum(axis=0)


def softmax_cross_entropy_grad(logits, labels):
    n = logits.shape[0]
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(n), labels] -= 1.0
    return p / n
