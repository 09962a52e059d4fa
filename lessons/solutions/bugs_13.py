"""Planted bugs for lesson 13."""
import numpy as np


def variance_added_not_multiplied(q0, c, num_blocks):
    return q0 + q0 * c * np.arange(num_blocks + 1)


def variance_without_identity(q0, c, num_blocks):
    return q0 * c ** np.arange(num_blocks + 1)


def variance_one_short(q0, c, num_blocks):
    return q0 * (1.0 + c) ** np.arange(num_blocks)


def ratio_without_relu_half(width, var_w1, var_w2):
    return width * var_w1 * width * var_w2


def ratio_one_layer(width, var_w1, var_w2):
    return 0.5 * width * var_w2


def growth_scaled_by_one_over_2L_not_sqrt(c, num_blocks):
    return (1.0 + c / (2 * num_blocks) ** 2) ** num_blocks


def growth_unscaled(c, num_blocks):
    return (1.0 + c) ** num_blocks


def growth_over_L_not_2L(c, num_blocks):
    return (1.0 + c / num_blocks) ** num_blocks


def bn_unbiased_variance(x, gamma, beta, eps=1e-5):
    axes = tuple(range(x.ndim - 1))
    return gamma * (x - x.mean(axis=axes)) / np.sqrt(x.var(axis=axes, ddof=1) + eps) + beta


def bn_over_features(x, gamma, beta, eps=1e-5):
    mean = x.mean(axis=-1, keepdims=True)
    return gamma * (x - mean) / np.sqrt(x.var(axis=-1, keepdims=True) + eps) + beta


def bn_std_not_sqrt_var_eps(x, gamma, beta, eps=1e-5):
    axes = tuple(range(x.ndim - 1))
    return gamma * (x - x.mean(axis=axes)) / (x.std(axis=axes) + eps) + beta


def bn_shift_before_scale(x, gamma, beta, eps=1e-5):
    axes = tuple(range(x.ndim - 1))
    return gamma * ((x - x.mean(axis=axes)) / np.sqrt(x.var(axis=axes) + eps) + beta)


BUGS = {
    "residual_variance": [variance_added_not_multiplied, variance_without_identity, variance_one_short],
    "branch_ratio": [ratio_without_relu_half, ratio_one_layer],
    "depth_scaled_growth": [growth_scaled_by_one_over_2L_not_sqrt, growth_unscaled, growth_over_L_not_2L],
    "batchnorm_forward": [bn_unbiased_variance, bn_over_features, bn_std_not_sqrt_var_eps, bn_shift_before_scale],
}
