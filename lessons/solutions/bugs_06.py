"""Planted bugs for lesson 6: each must fail its exercise's grader."""
import numpy as np


def std_gain_forgets_relu_half(sigma, fan_in, activation):
    if activation not in ("linear", "tanh", "relu"):
        raise ValueError(activation)
    return sigma * np.sqrt(fan_in)


def std_gain_variance_not_std(sigma, fan_in, activation):
    if activation not in ("linear", "tanh", "relu"):
        raise ValueError(activation)
    return sigma ** 2 * fan_in / (2 if activation == "relu" else 1)


def std_gain_accepts_anything(sigma, fan_in, activation):
    return sigma * np.sqrt(fan_in / 2 if activation == "relu" else fan_in)


def layer_stds_preactivation(x, kernels, activation):
    f = {"linear": lambda z: z, "tanh": np.tanh, "relu": lambda z: np.maximum(z, 0.0)}[activation]
    a, stds = np.asarray(x, dtype=np.float64), []
    for kernel in kernels:
        z = a @ kernel
        stds.append(float(z.std()))
        a = f(z)
    return stds


def layer_stds_includes_input(x, kernels, activation):
    f = {"linear": lambda z: z, "tanh": np.tanh, "relu": lambda z: np.maximum(z, 0.0)}[activation]
    a = np.asarray(x, dtype=np.float64)
    stds = [float(a.std())]
    for kernel in kernels[:-1]:
        a = f(a @ kernel)
        stds.append(float(a.std()))
    return stds


BUGS = {
    "std_gain": [std_gain_forgets_relu_half, std_gain_variance_not_std, std_gain_accepts_anything],
    "layer_stds": [layer_stds_preactivation, layer_stds_includes_input],
}
