"""LSUV: layer-sequential unit-variance initialization (Mishkin & Matas 2015, "All you need
is a good init").

Formulas give a layer the *expected* right scale; LSUV measures instead. With a batch x:

1. give every Dense kernel an orthogonal start (Saxe et al. 2013);
2. for each layer in forward order, run the batch and read the layer's pre-activation
   z = x W + b; while |Var(z) - 1| >= tol (and fewer than ``max_iter`` rescales),
   set W <- W / sqrt(Var(z)) and run again.

Scaling W by c scales x W by c, so with a zero bias one rescale makes Var(z) = 1 on the
batch exactly; layers already done are not touched again, so the input of the current
layer stays fixed. A non-zero bias is left alone and may take a few more rescales.

Duck-typed, so the ``nn`` package above it is not imported: the model must be callable on
``x``, expose ``modules()`` in forward order, and each layer with a ``kernel`` attribute
(``kernel.data`` a numpy array) must offer ``register_forward_hook(fn)`` calling
``fn(layer, x, z, a)`` and returning a handle with ``remove()``.
"""
from dataclasses import dataclass

import numpy as np

from ..dense_layers import dense_layers
from .orthogonal import Orthogonal

__all__ = ["lsuv", "LSUVLayerReport"]


@dataclass(frozen=True)
class LSUVLayerReport:
    """What LSUV did to one layer: its index among the Dense layers, how many times its
    kernel was rescaled, the variance of z on the batch before and after, and whether
    |variance - 1| < tol was reached."""

    layer: int
    iterations: int
    initial_variance: float
    variance: float
    converged: bool


def _dense_layers(model):
    layers = dense_layers(model, "lsuv")
    if not layers:
        raise ValueError("lsuv: the model has no layers with a kernel (Dense layers); "
                         "there is nothing to initialize.")
    return layers


class _Reached(Exception):
    """Raised by the hook to stop the forward pass once the layer of interest has run."""


def _variance_of_z(model, x, layer):
    """Var(z) of ``layer`` on ``x``, over all its elements, in float64.

    The layers after ``layer`` cannot change its z, so the hook stops the forward pass
    there: initializing L layers costs about L^2 / 2 layer evaluations instead of L^2.
    """
    seen = []

    def capture(_layer, _x, z, _a):
        seen.append(z)
        raise _Reached

    handle = layer.register_forward_hook(capture)
    try:
        model(x)
    except _Reached:
        pass
    finally:
        handle.remove()
    if not seen:
        raise RuntimeError("lsuv: a Dense layer's forward hook never fired; is the layer used "
                           "in the model's forward pass?")
    z = seen[0]
    return float(np.var(np.asarray(getattr(z, "data", z), dtype=np.float64)))


def lsuv(model, x, tol=0.1, max_iter=10, seed=None):
    """Initialize ``model``'s Dense kernels in place by LSUV; return one report per layer.

    ``x`` should be a representative batch (a few hundred rows is plenty). Use LSUV for deep
    nets whose activation has no clean variance formula (maxout, ELU, deep ReLU stacks).

    >>> import tinynet as tn
    >>> from tinynet import nn
    >>> _ = tn.manual_seed(0)
    >>> model = nn.Sequential(nn.Dense(20, 64, activation="relu"), nn.Dense(64, 64, activation="relu"),
    ...                       nn.Dense(64, 10))
    >>> x = np.random.default_rng(0).standard_normal((512, 20)).astype(np.float32)
    >>> report = lsuv(model, x, seed=0)
    >>> [r.iterations for r in report]          # zero biases: one rescale per layer
    [1, 1, 1]
    >>> [round(r.variance, 6) for r in report]
    [1.0, 1.0, 1.0]
    """
    if not 0 < tol < 1:
        raise ValueError(f"lsuv: tol must be in (0, 1); got {tol!r}. The default 0.1 accepts "
                         f"variances in (0.9, 1.1).")
    if isinstance(max_iter, bool) or not isinstance(max_iter, int) or max_iter < 1:
        raise ValueError(f"lsuv: max_iter must be a positive integer; got {max_iter!r}.")
    layers = _dense_layers(model)
    start = Orthogonal(seed=seed)
    for layer in layers:
        kernel = layer.kernel.data
        layer.kernel.data = start(kernel.shape, dtype=kernel.dtype)

    report = []
    for index, layer in enumerate(layers):
        variance = initial = _variance_of_z(model, x, layer)
        iterations = 0
        while abs(variance - 1.0) >= tol and iterations < max_iter:
            if not np.isfinite(variance) or variance <= 0.0:
                raise ValueError(f"lsuv: layer {index} has pre-activation variance {variance} on "
                                 f"the batch, so it cannot be rescaled to 1. Check the input "
                                 f"batch (all-constant? all-zero?) and the previous layers.")
            kernel = layer.kernel.data
            layer.kernel.data = (kernel / np.sqrt(variance)).astype(kernel.dtype, copy=False)
            iterations += 1
            variance = _variance_of_z(model, x, layer)
        report.append(LSUVLayerReport(index, iterations, initial, variance,
                                      abs(variance - 1.0) < tol))
    return report
