"""Planted bugs for lesson 2: each must fail its exercise's grader."""
import numpy as np


def dense_backward_transposed_dw(x, W, b, dz):
    return dz @ W.T, (x.T @ dz).T, dz.sum(axis=0)      # dW in PyTorch's (out, in) layout


def dense_backward_mean_bias(x, W, b, dz):
    return dz @ W.T, x.T @ dz, dz.mean(axis=0)          # db averaged instead of summed


def dense_backward_forgets_weights_in_dx(x, W, b, dz):
    return dz @ np.ones_like(W).T, x.T @ dz, dz.sum(axis=0)


def dense_backward_db_per_example(x, W, b, dz):
    return dz @ W.T, x.T @ dz, dz                       # db not summed over the batch


def softmax_ce_no_batch_mean(logits, labels):
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(len(labels)), labels] -= 1.0
    return p                                            # the gradient of the SUM over the batch


def softmax_ce_unstable(logits, labels):
    p = np.exp(logits)                                  # overflows for logits above ~709
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(len(labels)), labels] -= 1.0
    return p / len(labels)


def softmax_ce_logits_minus_y(logits, labels):
    y = np.zeros_like(logits)
    y[np.arange(len(labels)), labels] = 1.0
    return (logits - y) / len(labels)                   # forgot the softmax


BUGS = {
    "dense_backward": [dense_backward_transposed_dw, dense_backward_mean_bias,
                       dense_backward_forgets_weights_in_dx, dense_backward_db_per_example],
    "softmax_cross_entropy_grad": [softmax_ce_no_batch_mean, softmax_ce_unstable, softmax_ce_logits_minus_y],
}
