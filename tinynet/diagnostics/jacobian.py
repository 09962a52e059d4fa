"""The input-output Jacobian of an MLP and its singular values, in float64.

For one input row x, a Dense layer maps a_{l-1} to a_l = f(a_{l-1}·W_l + b_l). Its Jacobian
(out x in) is

    J_l = diag(f'(z_l)) · W_lᵀ,

and the chain rule multiplies them: J = J_L ··· J_2 · J_1 (the whole network's da_L/dx).
Its singular values say how the network stretches a small change of the input; if
they are all far below 1 the signal (and, by the same matrices transposed, the gradient)
vanishes with depth, if far above 1 it explodes. Saxe et al. (2013) and Pennington et al.
(2017) ask for *dynamical isometry*: all singular values near 1. Glorot & Bengio (2010)
report the mean singular value of each layer's J_l (about 0.5 with the old uniform
initialization, 0.8 with theirs).

The forward pass is recomputed here in float64 numpy from the layers' kernels, so the
numbers do not depend on the model's training dtype.
"""
from __future__ import annotations

import numpy as np

from ..activations import ACTIVATIONS
from .hooks import dense_layers, layer_activation


def _row(layer):
    """The layer's row of the activation table and its parameter (name, class or instance alike)."""
    name, param = layer_activation(layer)
    if name not in ACTIVATIONS:
        raise ValueError(f"jacobian: no derivative known for the activation of "
                         f"{getattr(layer, 'describe', lambda: 'a layer')()} (a custom function); "
                         f"use one of {', '.join(ACTIVATIONS)} (by name, class or instance)")
    return ACTIVATIONS[name], param


def layer_jacobians(model, x, points=8):
    """Per-layer Jacobians J_l = diag(f'(z_l)) W_lᵀ at the first ``points`` rows of ``x``:
    a list (one per Dense layer) of float64 arrays of shape (points, fan_out, fan_in).

    Assumes the model is a chain of Dense layers (an MLP), as every model in the lessons is.
    """
    layers = dense_layers(model)
    a = np.asarray(x, dtype=np.float64)[:points]
    if a.ndim != 2:
        raise ValueError(f"layer_jacobians expects a batch of shape (N, features), got {a.shape}")
    out = []
    for layer in layers:
        w = np.asarray(layer.kernel.data, dtype=np.float64)
        b = 0.0 if layer.bias is None else np.asarray(layer.bias.data, dtype=np.float64)
        if a.shape[1] != w.shape[0]:
            raise ValueError(f"layer_jacobians: {getattr(layer, 'describe', lambda: 'a layer')()} "
                             f"expects {w.shape[0]} inputs but receives {a.shape[1]}; the model "
                             "must be a plain chain of Dense layers")
        spec, param = _row(layer)
        z = a @ w + b
        a = spec.forward(z, param)
        out.append(spec.derivative(z, a, param)[:, :, None] * w.T[None, :, :])
    return out


def jacobian_singular_values(model, x, points=8):
    """Singular values of the end-to-end Jacobian d(output)/d(input) of ``model`` at each
    of the first ``points`` rows of ``x``: float64 array (points, min(n_out, n_in)),
    largest first. The output is the last layer's activation (the logits for a classifier)."""
    jac = None
    for j in layer_jacobians(model, x, points):
        jac = j if jac is None else j @ jac
    return np.linalg.svd(jac, compute_uv=False)


def layer_jacobian_singular_values(model, x, points=8):
    """Singular values of each layer's J_l: a list of arrays (points, min(fan_out, fan_in))."""
    return [np.linalg.svd(j, compute_uv=False) for j in layer_jacobians(model, x, points)]
