"""Reference solutions for lesson 8 (He for ReLU; spot the bug)."""
import math

import numpy as np

TRUNCATED_STD = math.sqrt(1 - 4 * math.exp(-2) / math.sqrt(2 * math.pi) / math.erf(math.sqrt(2)))


def he_normal(shape, rng):
    z = rng.standard_normal(shape)
    outside = np.abs(z) > 2.0
    while outside.any():
        z[outside] = rng.standard_normal(int(outside.sum()))
        outside = np.abs(z) > 2.0
    return z * np.sqrt(2.0 / shape[0]) / TRUNCATED_STD


_FIXED_GAINS = {name: 1.0 for name in ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d",
                                        "conv_transpose2d", "conv_transpose3d", "sigmoid")}
_FIXED_GAINS.update({"tanh": 5.0 / 3.0, "relu": math.sqrt(2.0), "selu": 3.0 / 4.0})


def calculate_gain(nonlinearity, param=None):
    if nonlinearity in _FIXED_GAINS:
        return _FIXED_GAINS[nonlinearity]
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else float(param)
        return math.sqrt(2.0 / (1 + slope ** 2))
    names = ", ".join(sorted([*_FIXED_GAINS, "leaky_relu"]))
    raise ValueError(f"unsupported nonlinearity {nonlinearity!r}; choose one of {names}")


def fixed_a(shape, rng):
    limit = np.sqrt(6.0 / (shape[0] + shape[1]))
    return rng.uniform(-limit, limit, size=shape)


def fixed_b(shape, rng):
    return rng.normal(0.0, np.sqrt(2.0 / shape[0]), size=shape)


def fixed_c(shape, rng):
    return rng.normal(0.0, np.sqrt(1.0 / shape[0]), size=shape)


def fixed_d(shape, rng):
    limit = np.sqrt(3.0 / shape[0])
    return rng.uniform(-limit, limit, size=shape)


def fixed_e(rng):
    return fixed_a((784, 10), rng)


def what_it_draws(snippet, fan_in, fan_out):
    if snippet == "A":
        return None                                    # normal() has no low/high: TypeError
    if snippet == "B":
        return math.sqrt(2.0 / fan_in) / math.sqrt(3)  # uniform on [-s, s]
    if snippet == "C":
        return 1.0 / fan_in                            # the variance used as the std
    if snippet == "D":
        return (3.0 / fan_in) / math.sqrt(3)           # uniform on [-3/n, 3/n]
    raise ValueError(f"snippet must be 'A', 'B', 'C' or 'D', got {snippet!r}")
