"""Residual: ``x + scale · block(x)`` (He et al. 2016), with the branch-init rules as options.

``branch_init`` names a rule of ``tinynet.init.residual`` applied once, at construction:
``"zero_last_layer"`` (Fixup's zero last layer), ``"zero_last_gamma"`` (Goyal et al. 2017)
or ``"depth_scaled"`` (GPT-2's 1/√(2L) on the branch's last kernel; give ``num_blocks`` = L).
``scale`` multiplies the branch's output on every forward; ``learnable_scale=True`` makes
it a Parameter (``scale=0.0, learnable_scale=True`` is SkipInit, De & Smith 2020).
"""
from __future__ import annotations

import numpy as np

from .. import functional as F
from ..dtypes import get_default_dtype
from ..init.residual import init_residual_branch
from .module import Module, Parameter


class Residual(Module):
    """``Residual(block)(x) == x + block(x)``; the block must keep the input's shape."""

    def __init__(self, block, scale=1.0, learnable_scale=False, branch_init=None, num_blocks=None,
                 name=None):
        if not isinstance(block, Module):
            raise TypeError(f"Residual: block must be a Module, got {type(block).__name__}")
        self.block = block
        self.name = name
        self.branch_init = branch_init
        if branch_init is not None:
            init_residual_branch(block, branch_init, num_blocks)
        dtype = getattr(block, "dtype", None) or get_default_dtype()
        if learnable_scale:
            self.scale = Parameter(np.asarray(scale, dtype=dtype))
        else:
            self.scale = float(scale)

    def forward(self, x):
        out = self.block(x)
        if out.shape != x.shape:
            raise ValueError(f"Residual: the block maps shape {x.shape} to {out.shape}; x + block(x) "
                             f"needs the same shape (make the block's last layer output "
                             f"{x.shape[-1]} features).")
        if isinstance(self.scale, float) and self.scale == 1.0:
            return F.add(x, out)
        return F.add(x, F.mul(out, self.scale))

    def extra_repr(self):
        return f"scale={self.scale}"
