"""Per-layer statistics of a forward and a backward pass, recorded with hooks.

A forward hook on each Dense layer (``layer.register_forward_hook``) sees the input x,
the pre-activation z = x·W + b and the output a = f(z); inside it, a tensor hook
(``z.register_hook``) catches the back-propagated gradient dL/dz when ``backward`` reaches
z. These are the quantities of Glorot & Bengio (2010): with a good initialization the
spread of the activations (forward) and of the gradients dL/dz (backward) stays roughly
constant from layer to layer; with a bad one it shrinks or grows geometrically with depth.

The backward pass needs a loss. With labels ``y`` it is the model's cross-entropy (or
``loss_fn``); without labels a standard-normal error signal (divided by the batch size)
is sent back from the output instead -- how gradient propagation is analysed at
initialization, independently of any task.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from .. import checks

from ..activations import ACTIVATIONS
from ..dense_layers import dense_layers
from ..losses import cross_entropy
from ..tensor import Tensor
from ..train import LOSSES
from .measures import dead_fraction, distinct_units, rms, sgd_update_ratio, update_ratio


@dataclass
class LayerStats:
    """What one Dense (or Conv2D) layer looked like on one batch (all std over every entry).

    ``fan_in`` is the number of incoming weights of one unit and ``fan_out`` the number of
    units (a Conv2D layer's channels: its kernel is read as (kh·kw·in, out)).

    ``grad_z_std`` is the std of dL/dz, the back-propagated gradient at the pre-activation;
    ``grad_w_std`` and ``grad_w_max`` describe dL/dW (``grad_w_max == 0`` means the kernel
    cannot move at all). ``update_ratio`` is lr·rms(dL/dW)/rms(W) when an ``lr`` was given.
    ``samples`` holds a random subset of the activations (for histograms), or None.
    """

    index: int
    name: str
    activation: str
    fan_in: int
    fan_out: int
    weight_std: float
    preact_std: float
    act_mean: float
    act_std: float
    saturation: float | None
    dead_fraction: float | None
    grad_z_std: float | None
    grad_w_std: float | None
    grad_w_max: float | None
    update_ratio: float | None
    distinct_units: int
    samples: np.ndarray | None = field(default=None, repr=False)

    def as_dict(self):
        d = asdict(self)
        d.pop("samples")
        return d


def layer_activation(layer):
    """(table row name, parameter) of a Dense layer's activation, read from the layer the
    same way whether it was built with a name, a class or an instance; ("custom", None) for
    an activation function outside the table."""
    name = getattr(layer, "activation_name", "linear")
    if name is None:
        return "custom", None
    return name, getattr(layer, "activation_param", ACTIVATIONS[name].param)


def layer_statistics(model, x, y=None, loss_fn=cross_entropy, lr=None, samples=0, seed=0):
    """One forward and one backward pass of ``model`` on the batch ``x``; a
    :class:`LayerStats` per Dense layer, in order.

    The model's parameter gradients are left exactly as they were before the call.
    ``samples`` > 0 keeps that many randomly chosen activation values per layer.
    """
    layers = dense_layers(model)
    if not layers:
        raise ValueError("layer_statistics: the model has no Dense layers to measure")
    loss_fn = LOSSES.get(loss_fn, loss_fn)
    params = list(model.parameters())
    saved_grads = [p.grad for p in params]
    for p in params:
        p.grad = None

    seen, grads, handles = {}, {}, []

    def make_hook(i):
        def hook(layer, inp, z, a):
            seen[i] = (z.data, a.data)
            if z.requires_grad:
                z.register_hook(lambda g: grads.__setitem__(i, np.array(g, copy=True)))
        return hook

    for i, layer in enumerate(layers):
        handles.append(layer.register_forward_hook(make_hook(i)))
    rng = np.random.default_rng(checks.seed(seed, "layer_statistics"))
    try:
        out = model(x if isinstance(x, Tensor) else Tensor(np.asarray(x)))  # an array or a Tensor
        if out.requires_grad:
            if y is not None:
                loss_fn(out, np.asarray(y)).backward()
            else:
                signal = rng.standard_normal(out.shape) / max(out.shape[0], 1)
                out.backward(signal.astype(out.dtype))
        stats = [_summarize(i, layer, seen[i], grads.get(i), lr, samples, rng) for i, layer in enumerate(layers)]
    finally:
        for h in handles:
            h.remove()
        for p, g in zip(params, saved_grads):
            p.grad = g
    return stats


def _summarize(i, layer, za, grad_z, lr, samples, rng):
    z, a = za
    name = layer_activation(layer)[0]
    spec = ACTIVATIONS.get(name)
    # A unit is one output column (Dense) or channel (Conv2D): its incoming weights are the
    # kernel flattened to (prod(shape[:-1]), units), its values z and a every entry of that
    # channel, at every position of every example.
    kernel = layer.kernel.data.reshape(-1, layer.kernel.shape[-1])
    units = kernel.shape[1]
    dw = layer.kernel.grad
    kept = None
    if samples:
        flat = a.reshape(-1)
        kept = flat[rng.choice(flat.size, size=min(samples, flat.size), replace=False)].astype(np.float64)
    return LayerStats(
        index=i,
        name=str(getattr(layer, "name", i)),
        activation=name,
        fan_in=int(kernel.shape[0]),
        fan_out=int(units),
        weight_std=float(np.std(kernel, dtype=np.float64)),
        preact_std=float(np.std(z, dtype=np.float64)),
        act_mean=float(np.mean(a, dtype=np.float64)),
        act_std=float(np.std(a, dtype=np.float64)),
        saturation=None if spec is None else spec.saturation(a),
        dead_fraction=dead_fraction(z.reshape(-1, units)) if spec is not None and spec.can_die else None,
        grad_z_std=None if grad_z is None else float(np.std(grad_z, dtype=np.float64)),
        grad_w_std=None if dw is None else float(np.std(dw, dtype=np.float64)),
        grad_w_max=None if dw is None else float(np.max(np.abs(dw))),
        update_ratio=None if (lr is None or dw is None) else sgd_update_ratio(dw, kernel, lr),
        distinct_units=distinct_units(kernel),
        samples=kept,
    )


def measure_update_ratios(model, step):
    """Measured update:weight ratio of each Dense kernel across one call of ``step()``
    (e.g. ``lambda: (opt.zero_grad(), loss_fn(model(x), y).backward(), opt.step())``)."""
    layers = dense_layers(model)
    before = [layer.kernel.data.copy() for layer in layers]
    step()
    return [update_ratio(b, layer.kernel.data) for b, layer in zip(before, layers)]


__all__ = ["LayerStats", "dense_layers", "layer_activation", "layer_statistics", "measure_update_ratios", "rms"]
