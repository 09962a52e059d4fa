"""Initialization rules for residual branches ``x + f(x)``.

Each block adds its branch to the signal, so at initialization the variance of the
stream grows from block to block: if the branch returns ``Var f(x) = c · Var x`` (and f(x)
is uncorrelated with x), then ``Var x_{l+1} = (1 + c) · Var x_l``, and after L blocks
``Var x_L = (1 + c)^L · Var x_0``. A He-initialized ReLU branch has c ≈ 1, so 100 blocks
multiply the variance by ~2^100. The named rules below keep it bounded:

``"zero_last_layer"``
    The branch's last kernel starts at zero, so every block starts as the identity
    (c = 0). Fixup (Zhang, Dauphin & Ma 2019) zero-initializes the last layer of each
    branch (and rescales the others); SkipInit (De & Smith 2020) gets the same start with
    a learnable scalar α = 0 on the branch, ``nn.Residual(block, scale=0.0,
    learnable_scale=True)``.
``"zero_last_gamma"``
    The γ of the branch's last BatchNorm starts at zero (Goyal et al. 2017, "Accurate,
    large minibatch SGD").
``"depth_scaled"``
    The branch's last kernel is multiplied by ``1/√(2L)`` for a stack of L blocks, so
    c becomes c/(2L) and ``(1 + c/(2L))^L < e^{c/2}`` for every L. GPT-2 (Radford et al.
    2019) scales "the weights of residual layers at initialization by a factor of 1/√N
    where N is the number of residual layers"; a transformer block holds two residual
    layers, hence 1/√(2L) for L blocks.

The functions are duck-typed (they look for ``kernel`` and ``gamma`` Parameters in
``branch.modules()``), so ``init`` does not import ``nn``.
"""
import math

import numpy as np

__all__ = ["BRANCH_RULES", "init_residual_branch", "zero_last_layer", "zero_last_gamma",
           "depth_scale", "scale_last_layer"]

BRANCH_RULES = ("zero_last_layer", "zero_last_gamma", "depth_scaled")


def _last_with(branch, attribute):
    modules = list(branch.modules()) if hasattr(branch, "modules") else [branch]
    found = [m for m in modules if getattr(m, attribute, None) is not None]
    if not found:
        raise ValueError(f"residual branch {type(branch).__name__} has no layer with a "
                         f"{attribute!r}; cannot apply this initialization rule to it.")
    return found[-1]


def zero_last_layer(branch):
    """Zero the last kernel of ``branch`` (and its bias): the block starts as the identity."""
    layer = _last_with(branch, "kernel")
    layer.kernel.data = np.zeros_like(layer.kernel.data)
    if getattr(layer, "bias", None) is not None:
        layer.bias.data = np.zeros_like(layer.bias.data)
    return layer


def zero_last_gamma(branch):
    """Zero the γ of the last normalization layer of ``branch`` (Goyal et al. 2017)."""
    layer = _last_with(branch, "gamma")
    layer.gamma.data = np.zeros_like(layer.gamma.data)
    return layer


def depth_scale(num_blocks):
    """``1/√(2L)``: the GPT-2 factor for a stack of ``num_blocks`` = L residual blocks."""
    if isinstance(num_blocks, bool) or not isinstance(num_blocks, (int, np.integer)) or num_blocks < 1:
        raise ValueError(f"depth_scale: the number of residual blocks must be a positive integer, "
                         f"got {num_blocks!r}")
    return 1.0 / math.sqrt(2 * num_blocks)


def scale_last_layer(branch, factor):
    """Multiply the last kernel of ``branch`` by ``factor`` (in its own dtype)."""
    layer = _last_with(branch, "kernel")
    layer.kernel.data = (layer.kernel.data * factor).astype(layer.kernel.dtype)
    return layer


def init_residual_branch(branch, rule, num_blocks=None):
    """Apply one of ``BRANCH_RULES`` to ``branch``; ``"depth_scaled"`` needs ``num_blocks``."""
    if rule == "zero_last_layer":
        return zero_last_layer(branch)
    if rule == "zero_last_gamma":
        return zero_last_gamma(branch)
    if rule == "depth_scaled":
        if num_blocks is None:
            raise ValueError("the 'depth_scaled' rule needs num_blocks (the L of 1/sqrt(2L))")
        return scale_last_layer(branch, depth_scale(num_blocks))
    raise ValueError(f"unknown residual branch rule {rule!r}; choose one of {', '.join(BRANCH_RULES)}")
