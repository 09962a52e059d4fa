"""Lesson 6 exercises: predict and measure how the activation scale travels through depth.

Grade with `tinynet check 6`. Work in numpy (float64); no tinynet needed.
"""
import numpy as np


def std_gain(sigma, fan_in, activation):
    """The factor by which one layer multiplies the activation std, small-signal regime.

    A layer computes z = a_prev @ W with W[i, j] ~ N(0, sigma²), then a = f(z).
    Var(z) = fan_in · sigma² · E[a_prev²]. For "linear" and "tanh" (tanh(z) ≈ z near 0)
    E[a²] ≈ Var(z); for "relu", half of a symmetric z is zeroed, so E[a²] = Var(z) / 2.
    Return the std gain per layer: sigma·sqrt(fan_in) or sigma·sqrt(fan_in / 2).
    Any other activation name: raise ValueError naming the three accepted ones.
    """
    raise NotImplementedError("not implemented yet: `tinynet hint 6 std_gain` gives a hint")


def layer_stds(x, kernels, activation):
    """Forward ``x`` (batch, features) through the kernels (each (fan_in, fan_out), no
    bias), applying ``activation`` ("linear", "tanh" or "relu") after every layer; return
    a list with the std (np.std over the whole batch) of each layer's OUTPUT activation.
    """
    raise NotImplementedError("not implemented yet: `tinynet hint 6 layer_stds` gives a hint")
