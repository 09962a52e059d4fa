"""Reference solutions for lesson 13 (the variance recursion of a residual stack; BatchNorm)."""
import numpy as np


def residual_variance(q0, c, num_blocks):
    return q0 * (1.0 + c) ** np.arange(num_blocks + 1)


def branch_ratio(width, var_w1, var_w2):
    return width * var_w1 * 0.5 * width * var_w2


def depth_scaled_growth(c, num_blocks):
    return (1.0 + c / (2 * num_blocks)) ** num_blocks


def batchnorm_forward(x, gamma, beta, eps=1e-5):
    axes = tuple(range(x.ndim - 1))
    mean = x.mean(axis=axes)
    var = x.var(axis=axes)
    return gamma * (x - mean) / np.sqrt(var + eps) + beta
