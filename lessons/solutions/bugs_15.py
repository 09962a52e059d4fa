"""Planted bugs for lesson 15: each must fail the grader."""
import numpy as np


def zeros(shape, rng):
    return np.zeros(shape)


def constant(shape, rng):
    return np.full(shape, 0.5)


def small_gaussian(shape, rng):
    return rng.normal(0.0, 0.01, size=shape)


def glorot_uniform_for_relu(shape, rng):
    limit = np.sqrt(6.0 / (shape[0] + shape[1]))
    return rng.uniform(-limit, limit, size=shape)


def unit_gaussian(shape, rng):
    return rng.normal(0.0, 1.0, size=shape)


def he_from_global_random(shape, rng):
    return np.random.normal(0.0, np.sqrt(2.0 / shape[0]), size=shape)


BUGS = {"my_initializer": [zeros, constant, small_gaussian, glorot_uniform_for_relu, unit_gaussian,
                           he_from_global_random]}
