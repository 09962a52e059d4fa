"""Reference solution of lesson 2 (same names as lessons/02_dense_backprop/exercises.py)."""
import numpy as np

from tinynet.mine import reference

Tensor = reference(1).Tensor        # the grader and `--mine` put the engine of their choice here


def dense_backward(x, W, b, dz):
    return dz @ W.T, x.T @ dz, dz.sum(axis=0)


def matmul(a, b):
    out = Tensor(a.data @ b.data, (a, b))

    def rule():
        a.grad += out.grad @ b.data.T
        b.grad += a.data.T @ out.grad
    out.backward_rule = rule
    return out


class Dense:
    def __init__(self, kernel, bias):
        self.kernel = Tensor(kernel)
        self.bias = Tensor(bias)

    def __call__(self, x):
        return matmul(x, self.kernel) + self.bias

    def parameters(self):
        return [self.kernel, self.bias]


def softmax_cross_entropy(logits, labels):
    z = logits.data
    n = z.shape[0]
    shifted = z - z.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    out = Tensor(-log_p[np.arange(n), labels].mean(), (logits,))

    def rule():
        p = np.exp(log_p)
        p[np.arange(n), labels] -= 1.0
        logits.grad += out.grad * p / n
    out.backward_rule = rule
    return out
