"""Planted bugs for lesson 8, including the tutorial snippets themselves."""
import math

import numpy as np


def _truncated(shape, rng):
    z = rng.standard_normal(shape)
    outside = np.abs(z) > 2.0
    while outside.any():
        z[outside] = rng.standard_normal(int(outside.sum()))
        outside = np.abs(z) > 2.0
    return z


def he_normal_lecun_factor(shape, rng):
    return _truncated(shape, rng) * np.sqrt(1.0 / shape[0]) / 0.87962566103423978


def he_normal_fan_out(shape, rng):
    return _truncated(shape, rng) * np.sqrt(2.0 / shape[1]) / 0.87962566103423978


def he_normal_no_correction(shape, rng):
    return _truncated(shape, rng) * np.sqrt(2.0 / shape[0])


def he_normal_untruncated(shape, rng):
    return rng.normal(0.0, np.sqrt(2.0 / shape[0]), size=shape)


def gain_tanh_wrong(nonlinearity, param=None):
    table = {"linear": 1.0, "sigmoid": 1.0, "tanh": 1.0, "relu": math.sqrt(2.0), "selu": 0.75}
    if nonlinearity == "leaky_relu":
        return math.sqrt(2.0 / (1 + (0.01 if param is None else param) ** 2))
    if nonlinearity.startswith("conv"):
        return 1.0
    return table[nonlinearity]


def gain_leaky_default_zero(nonlinearity, param=None):
    if nonlinearity == "leaky_relu":
        return math.sqrt(2.0 / (1 + (param or 0.0) ** 2))
    return {"tanh": 5 / 3, "relu": math.sqrt(2.0), "selu": 0.75}.get(nonlinearity, 1.0)


def gain_leaky_no_sqrt(nonlinearity, param=None):
    if nonlinearity == "leaky_relu":
        return 2.0 / (1 + (0.01 if param is None else param) ** 2)
    if nonlinearity in ("tanh", "relu", "selu"):
        return {"tanh": 5 / 3, "relu": math.sqrt(2.0), "selu": 0.75}[nonlinearity]
    if nonlinearity in ("linear", "sigmoid") or nonlinearity.startswith("conv"):
        return 1.0
    raise ValueError(nonlinearity)


def snippet_a(shape, rng):
    limit = np.sqrt(6.0 / (shape[0] + shape[1]))
    return rng.normal(low=-limit, high=limit, size=shape)      # TypeError, as in the tutorial


def snippet_a_normal(shape, rng):                               # "fixed" into a normal
    return rng.normal(0.0, np.sqrt(6.0 / (shape[0] + shape[1])), size=shape)


def snippet_b(shape, rng):
    std = np.sqrt(2.0 / shape[0])
    return rng.uniform(-std, std, size=shape)


def snippet_c(shape, rng):
    return rng.normal(0.0, 1.0 / shape[0], size=shape)


def snippet_d(shape, rng):
    limit = 3.0 / shape[0]
    return rng.uniform(-limit, limit, size=shape)


def snippet_e(rng):
    limit = np.sqrt(6.0 / (768 + 10))
    return rng.uniform(-limit, limit, size=(768, 10))


def snippet_e_transposed(rng):
    limit = np.sqrt(6.0 / (784 + 10))
    return rng.uniform(-limit, limit, size=(10, 784))


def what_it_draws_b_forgets_sqrt3(snippet, fan_in, fan_out):
    return {"A": None, "B": math.sqrt(2.0 / fan_in), "C": 1.0 / fan_in,
            "D": math.sqrt(3) / fan_in}[snippet]


def what_it_draws_c_as_intended(snippet, fan_in, fan_out):
    return {"A": None, "B": math.sqrt(2.0 / fan_in / 3), "C": math.sqrt(1.0 / fan_in),
            "D": math.sqrt(3) / fan_in}[snippet]


BUGS = {
    "he_normal": [he_normal_lecun_factor, he_normal_fan_out, he_normal_no_correction, he_normal_untruncated],
    "calculate_gain": [gain_tanh_wrong, gain_leaky_default_zero, gain_leaky_no_sqrt],
    "fixed_a": [snippet_a, snippet_a_normal],
    "fixed_b": [snippet_b],
    "fixed_c": [snippet_c],
    "fixed_d": [snippet_d],
    "fixed_e": [snippet_e, snippet_e_transposed],
    "what_it_draws": [what_it_draws_b_forgets_sqrt3, what_it_draws_c_as_intended],
}
