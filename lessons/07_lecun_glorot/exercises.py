"""Lesson 7 exercises: LeCun and Glorot initializers from first principles.

Grade with `tinynet check 7`. ``shape`` is a Dense kernel's shape (fan_in, fan_out);
``rng`` is a numpy Generator (np.random.default_rng(seed)): draw ONLY from it, so the same
seed gives the same weights. Return a float64 numpy array of that shape.
"""
import numpy as np


def glorot_uniform(shape, rng):
    """Glorot & Bengio (2010) "normalized" init: W ~ U[-limit, limit].

    Keep the forward variance (n_in·Var(W) = 1) and the backward one (n_out·Var(W) = 1) as
    well as both allow: Var(W) = 2 / (fan_in + fan_out). A uniform on [-l, l] has
    variance l²/3, so limit = sqrt(6 / (fan_in + fan_out)).
    """
    raise NotImplementedError("not implemented yet: `tinynet hint 7 glorot_uniform` gives a hint")


def lecun_normal(shape, rng):
    """LeCun et al. (1998) init as Keras and tinynet draw it: Var(W) = 1 / fan_in.

    A normal truncated at two standard deviations of the underlying normal (redraw
    anything outside [-2, 2]), rescaled so the FINAL std is exactly 1/sqrt(fan_in).
    Truncation shrinks the std of a standard normal to
    c = sqrt(1 - 4·φ(2) / (Φ(2) - Φ(-2))) ≈ 0.8796, so scale by (1/sqrt(fan_in)) / c.
    """
    raise NotImplementedError("not implemented yet: `tinynet hint 7 lecun_normal` gives a hint")
