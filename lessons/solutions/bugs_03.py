"""Planted bugs for lesson 3: each must fail its exercise's grader with its own diagnosis."""
import numpy as np

from tinynet.mine import reference

Tensor = reference(1).Tensor


def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _bce(logits, targets, value, grad_of):
    z, y = logits.data, np.asarray(targets, dtype=np.float64)
    with np.errstate(all="ignore"):
        out = Tensor(value(z, y), (logits,))

    def rule():
        logits.grad += out.grad * grad_of(z, y)
    out.backward_rule = rule
    return out


def _stable(z, y):
    return np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z)))


def bce_naive(logits, targets):
    def value(z, y):
        p = 1.0 / (1.0 + np.exp(-z))                      # saturates to exactly 0 or 1 ...
        return np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p)))   # ... and log(0) = -inf
    return _bce(logits, targets, value, lambda z, y: (_sigmoid(z) - y) / z.size)


def bce_sum_not_mean(logits, targets):
    return _bce(logits, targets, lambda z, y: np.sum(_stable(z, y)), lambda z, y: (_sigmoid(z) - y) / z.size)


def bce_wrong_sign(logits, targets):
    return _bce(logits, targets, lambda z, y: np.mean(np.maximum(z, 0.0) + z * y + np.log1p(np.exp(-np.abs(z)))),
                lambda z, y: (_sigmoid(z) - y) / z.size)


def bce_grad_no_mean(logits, targets):
    return _bce(logits, targets, lambda z, y: np.mean(_stable(z, y)), lambda z, y: _sigmoid(z) - y)


def bce_grad_y_minus_p(logits, targets):
    return _bce(logits, targets, lambda z, y: np.mean(_stable(z, y)), lambda z, y: (y - _sigmoid(z)) / z.size)


def bce_grad_times_sigmoid_derivative(logits, targets):
    def grad(z, y):
        p = _sigmoid(z)
        return (p - y) * p * (1 - p) / z.size              # the MSE-through-sigmoid gradient
    return _bce(logits, targets, lambda z, y: np.mean(_stable(z, y)), grad)


def bce_no_abs(logits, targets):
    return _bce(logits, targets, lambda z, y: np.mean(np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-z))),
                lambda z, y: (_sigmoid(z) - y) / z.size)          # |z| dropped: wrong for z < 0


def bce_overflows(logits, targets):
    return _bce(logits, targets, lambda z, y: np.mean(np.log1p(np.exp(z)) - z * y),   # exact, but e^1000 = inf
                lambda z, y: (_sigmoid(z) - y) / z.size)


def bce_forgets_upstream(logits, targets):
    z, y = logits.data, np.asarray(targets, dtype=np.float64)
    out = Tensor(np.mean(_stable(z, y)), (logits,))

    def rule():
        logits.grad += (_sigmoid(z) - y) / z.size          # dL/dout not multiplied in
    out.backward_rule = rule
    return out


def bce_assigns(logits, targets):
    z, y = logits.data, np.asarray(targets, dtype=np.float64)
    out = Tensor(np.mean(_stable(z, y)), (logits,))

    def rule():
        logits.grad = out.grad * (_sigmoid(z) - y) / z.size   # replaces instead of adding
    out.backward_rule = rule
    return out


def sgd_step_copies(params, grads, lr):
    return [p - lr * g for p, g in zip(params, grads)]       # new arrays: the model never sees them


def sgd_step_ascent(params, grads, lr):
    for p, g in zip(params, grads):
        p += lr * g
    return params


BUGS = {
    "bce_with_logits": [bce_naive, bce_sum_not_mean, bce_wrong_sign, bce_grad_no_mean, bce_grad_y_minus_p,
                        bce_grad_times_sigmoid_derivative, bce_no_abs, bce_overflows, bce_forgets_upstream,
                        bce_assigns],
    "sgd_step": [sgd_step_copies, sgd_step_ascent],
}
