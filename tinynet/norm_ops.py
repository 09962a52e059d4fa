"""Normalization as one operation, forward beside backward: BatchNorm's and LayerNorm's core.

Over the reduced axes (a set R of M elements per normalized group):

    mean = (1/M) Σ_R x,   var = (1/M) Σ_R (x − mean)²      (biased, as both papers)
    x̂ = (x − mean) · r,   r = 1 / √(var + ε)
    out = γ · x̂ + β                                          (γ, β over the last axis)

Backward (g = dL/d out, sums over R with the result broadcast back):

    dβ = Σ_{all but last axis} g,   dγ = Σ_{all but last axis} g · x̂
    ĝ = g · γ
    dx = (r / M) · (M ĝ − Σ_R ĝ − x̂ · Σ_R ĝ x̂)

The last line is the chain rule through mean and var together: subtracting the mean
removes the component of ĝ shared by the whole group, and dividing by the std removes
the component along x̂ (the output of a normalization cannot change its own scale).

* BatchNorm (Ioffe & Szegedy 2015) reduces over every axis but the last: the batch, and
  for an NHWC map the pixels too, one statistic per channel.
* LayerNorm (Ba, Kiros & Hinton 2016) reduces over the last axis: one statistic per
  example (per pixel for a map), features normalized together.
"""
from __future__ import annotations

import numpy as np

from .autograd import Function
from .tensor import as_tensor


class Normalization(Function):
    """out = γ · (x − mean) / √(var + ε) + β over ``axes`` (module docstring)."""

    @staticmethod
    def forward(ctx, x, gamma, beta, axes=(0,), eps=1e-5):
        dtype = np.result_type(x, gamma, beta)
        x = x.astype(dtype, copy=False)
        mean = x.mean(axis=axes, keepdims=True)
        centered = x - mean
        var = np.mean(centered * centered, axis=axes, keepdims=True)
        inv_std = 1.0 / np.sqrt(var + eps)
        x_hat = centered * inv_std
        ctx.save(x_hat, inv_std, gamma)
        ctx.axes = axes
        return x_hat * gamma + beta

    @staticmethod
    def backward(ctx, g):
        x_hat, inv_std, gamma = ctx.saved
        axes = ctx.axes
        leading = tuple(range(g.ndim - 1))
        need_x, need_gamma, need_beta = ctx.needs_input_grad
        dx = dgamma = dbeta = None
        if need_x:
            m = x_hat.size // inv_std.size
            g_hat = g * gamma
            dx = (inv_std / m) * (m * g_hat - g_hat.sum(axis=axes, keepdims=True)
                                  - x_hat * (g_hat * x_hat).sum(axis=axes, keepdims=True))
        if need_gamma:
            dgamma = (g * x_hat).sum(axis=leading)
        if need_beta:
            dbeta = g.sum(axis=leading)
        return dx, dgamma, dbeta


def normalize(x, gamma, beta, axes, eps):
    """``γ · x̂ + β`` with x̂ normalized over ``axes`` (a tuple of non-negative ints)."""
    return Normalization.apply(as_tensor(x), as_tensor(gamma), as_tensor(beta), axes=tuple(axes), eps=float(eps))
