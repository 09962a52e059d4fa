"""Planted bugs for lesson 3: each must fail its exercise's grader."""
import numpy as np


def bce_naive(z, y):
    p = 1.0 / (1.0 + np.exp(-z))                         # saturates to exactly 0 or 1 ...
    with np.errstate(all="ignore"):
        return float(np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p))))   # ... and log(0) = -inf


def bce_sum_not_mean(z, y):
    return float(np.sum(np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z)))))


def bce_wrong_sign(z, y):
    return float(np.mean(np.maximum(z, 0.0) + z * y + np.log1p(np.exp(-np.abs(z)))))


def bce_grad_no_mean(z, y):
    return 0.5 * (1.0 + np.tanh(0.5 * z)) - y


def bce_grad_y_minus_p(z, y):
    return (y - 0.5 * (1.0 + np.tanh(0.5 * z))) / z.size   # ascent direction


def bce_grad_times_sigmoid_derivative(z, y):
    p = 0.5 * (1.0 + np.tanh(0.5 * z))
    return (p - y) * p * (1 - p) / z.size                   # the MSE-through-sigmoid gradient


def sgd_step_copies(params, grads, lr):
    return [p - lr * g for p, g in zip(params, grads)]       # new arrays: the model never sees them


def sgd_step_ascent(params, grads, lr):
    for p, g in zip(params, grads):
        p += lr * g
    return params


BUGS = {
    "bce_with_logits": [bce_naive, bce_sum_not_mean, bce_wrong_sign],
    "bce_with_logits_grad": [bce_grad_no_mean, bce_grad_y_minus_p, bce_grad_times_sigmoid_derivative],
    "sgd_step": [sgd_step_copies, sgd_step_ascent],
}
