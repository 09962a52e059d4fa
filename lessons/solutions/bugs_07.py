"""Planted bugs for lesson 7: each must fail its exercise's grader."""
import numpy as np


def glorot_uniform_missing_sqrt(shape, rng):
    limit = 6.0 / (shape[0] + shape[1])
    return rng.uniform(-limit, limit, size=shape)


def glorot_uniform_fan_in_only(shape, rng):
    limit = np.sqrt(6.0 / shape[0])
    return rng.uniform(-limit, limit, size=shape)


def glorot_uniform_std_as_limit(shape, rng):
    limit = np.sqrt(2.0 / (shape[0] + shape[1]))
    return rng.uniform(-limit, limit, size=shape)


def glorot_uniform_normal_instead(shape, rng):
    return rng.normal(0.0, np.sqrt(2.0 / (shape[0] + shape[1])), size=shape)


def glorot_uniform_global_random(shape, rng):
    limit = np.sqrt(6.0 / (shape[0] + shape[1]))
    return np.random.uniform(-limit, limit, size=shape)


def _truncated(shape, rng):
    z = rng.standard_normal(shape)
    outside = np.abs(z) > 2.0
    while outside.any():
        z[outside] = rng.standard_normal(int(outside.sum()))
        outside = np.abs(z) > 2.0
    return z


def lecun_normal_fan_out(shape, rng):
    return _truncated(shape, rng) / np.sqrt(shape[1]) / 0.87962566103423978


def lecun_normal_no_correction(shape, rng):
    return _truncated(shape, rng) / np.sqrt(shape[0])


def lecun_normal_untruncated(shape, rng):
    return rng.normal(0.0, 1.0 / np.sqrt(shape[0]), size=shape)


def lecun_normal_variance_as_std(shape, rng):
    return _truncated(shape, rng) * (1.0 / shape[0]) / 0.87962566103423978


def lecun_normal_clipped(shape, rng):
    return np.clip(rng.standard_normal(shape), -2, 2) / np.sqrt(shape[0]) / 0.87962566103423978


BUGS = {
    "glorot_uniform": [glorot_uniform_missing_sqrt, glorot_uniform_fan_in_only, glorot_uniform_std_as_limit,
                       glorot_uniform_normal_instead, glorot_uniform_global_random],
    "lecun_normal": [lecun_normal_fan_out, lecun_normal_no_correction, lecun_normal_untruncated,
                     lecun_normal_variance_as_std, lecun_normal_clipped],
}
