"""Lesson 2 exercises: a Dense layer's backward, and softmax cross-entropy's gradient.

Grade with `tinynet check 2`. Work in numpy (float64). Layout as in tinynet and Keras:
X is (N, fan_in), W is (fan_in, fan_out), b is (fan_out,), Z = X @ W + b is (N, fan_out).
"""
import numpy as np


def dense_backward(x, W, b, dz):
    """Given dZ = dL/dZ (N, fan_out), return (dX, dW, db):

        dX = dZ @ Wᵀ   (N, fan_in)
        dW = Xᵀ @ dZ   (fan_in, fan_out)
        db = Σ_rows dZ (fan_out,)

    Each gradient has the shape of the thing it is the gradient of.
    """
    raise NotImplementedError("hint: return dz @ W.T, x.T @ dz, dz.sum(axis=0)")


def softmax_cross_entropy_grad(logits, labels):
    """dL/dZ for L = −(1/N) Σₙ log softmax(Zₙ)[yₙ] (mean over the batch).

    logits: (N, K) floats; labels: (N,) integers in [0, K). Return (softmax(Z) − onehot(y)) / N.
    Compute the softmax stably: subtract each row's max before exp.
    """
    raise NotImplementedError("hint: p = np.exp(z - z.max(1, keepdims=True)); p /= p.sum(1, keepdims=True); "
                              "p[np.arange(N), labels] -= 1; return p / N")
