"""Reference solution of lesson 3 (same names as lessons/03_training_mlp/exercises.py)."""
import numpy as np


def bce_with_logits(z, y):
    z, y = np.asarray(z, dtype=np.float64), np.asarray(y, dtype=np.float64)
    return float(np.mean(np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z)))))


def bce_with_logits_grad(z, y):
    z, y = np.asarray(z, dtype=np.float64), np.asarray(y, dtype=np.float64)
    return (0.5 * (1.0 + np.tanh(0.5 * z)) - y) / z.size


def sgd_step(params, grads, lr):
    for p, g in zip(params, grads):
        p -= lr * g
    return params
