"""BatchNorm and LayerNorm over the last axis, with learnable scale γ and shift β.

The last axis is the feature axis: the units of a Dense output ``(N, F)`` or the channels
of an NHWC map ``(N, H, W, C)``. Both layers compute ``γ · x̂ + β`` (``tinynet/norm_ops.py``
has the op and its backward); they differ in what x̂ is normalized over.

BatchNorm (Ioffe & Szegedy 2015)
--------------------------------
* training (``model.train()``, the default): x̂ uses the mean and the biased variance of
  the current batch, per feature, over every other axis (batch and pixels);
* evaluation (``model.eval()``): x̂ uses the running estimates, so an example's output no
  longer depends on the rest of its batch.

Running estimates follow **PyTorch's convention** (``torch.nn.BatchNorm1d/2d``):

    running_mean ← (1 − momentum) · running_mean + momentum · batch_mean
    running_var  ← (1 − momentum) · running_var  + momentum · batch_var · M / (M − 1)

with ``momentum = 0.1`` and ``eps = 1e-5`` by default, M the number of values per feature
in the batch (the running variance is the *unbiased* estimate; the normalization itself
uses the biased one). Keras's ``BatchNormalization(momentum=0.99, epsilon=1e-3)`` weights
the *old* value by its momentum (Keras 0.99 = PyTorch 0.1) and keeps the biased variance.

The running estimates are arrays, not Parameters: no gradient reaches them. They are
the layer's ``buffers``, so ``state_dict()`` and checkpoints carry them with the parameters.

LayerNorm (Ba, Kiros & Hinton 2016)
-----------------------------------
x̂ uses the mean and biased variance of each example's features (the last axis), in
training and evaluation alike; ``eps = 1e-5`` as PyTorch's ``nn.LayerNorm``.
"""
from __future__ import annotations

import numpy as np

from .. import functional as F
from ..dtypes import float_dtype
from ..norm_ops import normalize
from ..tensor import Tensor
from .module import Module, Parameter


class _Norm(Module):
    def __init__(self, num_features, eps=1e-5, dtype=None, name=None):
        who = type(self).__name__
        if not isinstance(num_features, (int, np.integer)) or isinstance(num_features, bool) or num_features <= 0:
            raise ValueError(f"{who}: num_features must be a positive integer, got {num_features!r}")
        if not eps > 0:
            raise ValueError(f"{who}: eps must be > 0, got {eps!r}")
        self.num_features, self.eps = int(num_features), float(eps)
        self.dtype = float_dtype(dtype, type(self).__name__, allow_none=True)
        self.name = name
        self.gamma = Parameter(np.ones(self.num_features, dtype=self.dtype))
        self.beta = Parameter(np.zeros(self.num_features, dtype=self.dtype))

    def _check(self, x):
        if x.ndim < 2 or x.shape[-1] != self.num_features:
            raise ValueError(f"{type(self).__name__}({self.num_features}) normalizes the last axis, "
                             f"which must have {self.num_features} features; got input of shape "
                             f"{x.shape}, gamma of shape {self.gamma.shape}. For NHWC maps the last "
                             f"axis is the channel axis.")

    def extra_repr(self):
        return f"{self.num_features}, eps={self.eps}"


class BatchNorm(_Norm):
    """Batch normalization over the last axis (PyTorch's momentum convention, module doc).

    >>> bn = BatchNorm(64)          # after Dense(..., 64) or Conv2D(..., 64)
    >>> bn.momentum, bn.eps
    (0.1, 1e-05)
    """

    buffers = ("running_mean", "running_var")

    def __init__(self, num_features, momentum=0.1, eps=1e-5, dtype=None, name=None):
        super().__init__(num_features, eps, dtype, name)
        if not 0 <= momentum <= 1:
            raise ValueError(f"BatchNorm: momentum must be in [0, 1] (PyTorch's convention: the "
                             f"weight of the new batch, default 0.1), got {momentum!r}")
        self.momentum = float(momentum)
        self.running_mean = np.zeros(self.num_features, dtype=self.dtype)
        self.running_var = np.ones(self.num_features, dtype=self.dtype)

    def forward(self, x):
        self._check(x)
        axes = tuple(range(x.ndim - 1))
        if not self.training:
            scale = Tensor(1.0 / np.sqrt(self.running_var + self.eps))
            centered = F.sub(x, Tensor(self.running_mean))
            return F.add(F.mul(centered, F.mul(self.gamma, scale)), self.beta)
        m = x.size // x.shape[-1]
        if m < 2:
            raise ValueError(f"BatchNorm in training mode needs more than one value per feature; got "
                             f"input of shape {x.shape}. Use a batch of 2 or more, or model.eval().")
        batch_mean = x.data.mean(axis=axes)
        batch_var = x.data.var(axis=axes)
        k = self.momentum
        self.running_mean = ((1 - k) * self.running_mean + k * batch_mean).astype(self.dtype)
        self.running_var = ((1 - k) * self.running_var + k * batch_var * (m / (m - 1))).astype(self.dtype)
        return normalize(x, self.gamma, self.beta, axes, self.eps)

    def extra_repr(self):
        return f"{self.num_features}, momentum={self.momentum}, eps={self.eps}"


class LayerNorm(_Norm):
    """Layer normalization over the last axis (per example; same in training and evaluation)."""

    def forward(self, x):
        self._check(x)
        return normalize(x, self.gamma, self.beta, (x.ndim - 1,), self.eps)
