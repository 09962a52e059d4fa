"""Reference solution of lesson 3 (same names as lessons/03_training_mlp/exercises.py)."""
import numpy as np

from tinynet.mine import reference

Tensor = reference(1).Tensor        # the grader and `--mine` put the engine of their choice here


def bce_with_logits(logits, targets):
    z = logits.data
    y = np.asarray(targets, dtype=np.float64)
    out = Tensor(np.mean(np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z)))), (logits,))

    def rule():
        sigmoid = 0.5 * (1.0 + np.tanh(0.5 * z))
        logits.grad += out.grad * (sigmoid - y) / z.size
    out.backward_rule = rule
    return out


def sgd_step(params, grads, lr):
    for p, g in zip(params, grads):
        p -= lr * g
    return params
