"""Lesson 3 exercises: the pieces of the training loop.

Grade with `tinynet check 3`. Work in numpy (float64). z are logits (any real number),
y are 0/1 targets of the same shape; σ(z) = 1 / (1 + e^−z).
"""
import numpy as np


def bce_with_logits(z, y):
    """Mean binary cross-entropy of the logits: (1/N) Σ −[y log σ(z) + (1 − y) log(1 − σ(z))].

    Use the stable form max(z, 0) − z·y + log(1 + e^−|z|): it never takes log(0) and never
    overflows, even for |z| = 1000. Return a float.
    """
    raise NotImplementedError("hint: np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z))))")


def bce_with_logits_grad(z, y):
    """dL/dz for the mean loss above: (σ(z) − y) / N, with N = z.size. Same shape as z."""
    raise NotImplementedError("hint: sigmoid = 0.5 * (1 + np.tanh(0.5 * z)) is stable; return (sigmoid - y) / z.size")


def sgd_step(params, grads, lr):
    """One gradient-descent step, in place: θ ← θ − lr · dL/dθ for each (θ, g) pair.

    ``params`` and ``grads`` are lists of numpy arrays of matching shapes. Update the
    arrays in ``params`` themselves (the model holds references to them) and return params.
    """
    raise NotImplementedError("hint: for p, g in zip(params, grads): p -= lr * g")
