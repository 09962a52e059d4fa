"""Lesson 13 exercises: the variance recursion of a residual stack, and BatchNorm's forward.

Grade with `tinynet check 13`; `tinynet hint 13 NAME` gives a hint. Notation: a residual
stack x_{l+1} = x_l + f(x_l); q_l = E[x_l²] (mean over examples and features) at
initialization; a branch has ratio c when E[f(x)²] = c · E[x²] and f(x) is uncorrelated
with x.
"""
import numpy as np


def residual_variance(q0, c, num_blocks):
    """The array [q_0, q_1, ..., q_L] (length L + 1) for L = num_blocks blocks of ratio c."""
    raise NotImplementedError("not implemented yet: `tinynet hint 13 residual_variance` gives a hint")


def branch_ratio(width, var_w1, var_w2):
    """The ratio c of a branch Dense(width, width) -> ReLU -> Dense(width, width), no biases,
    kernels drawn with mean 0 and variances var_w1, var_w2 (input to the branch symmetric)."""
    raise NotImplementedError("not implemented yet: `tinynet hint 13 branch_ratio` gives a hint")


def depth_scaled_growth(c, num_blocks):
    """q_L / q_0 when every branch's output weights are multiplied by 1/√(2L) at init."""
    raise NotImplementedError("not implemented yet: `tinynet hint 13 depth_scaled_growth` gives a hint")


def batchnorm_forward(x, gamma, beta, eps=1e-5):
    """BatchNorm in training mode over the last axis of ``x`` (features of (N, F), channels of
    (N, H, W, C)): normalize with the batch statistics, then scale by gamma and shift by beta."""
    raise NotImplementedError("not implemented yet: `tinynet hint 13 batchnorm_forward` gives a hint")
