"""The networks ``tinynet compare`` can train: ``--model mlp|cnn|resmlp``, ``--norm none|batch|layer``.

Every kernel gets the scheme under comparison; biases start at zero; normalization layers
start at γ = 1, β = 0. ``depth`` and ``width`` mean:

* ``mlp``    ``depth`` hidden Dense layers of ``width`` units, then Dense(width, K);
* ``resmlp`` Dense(n_in, width), then ``depth`` residual blocks x + Dense(Dense(x)) (the
  branch is Dense -> activation -> Dense, width x width), then activation -> Dense(width, K);
* ``cnn``    for 28x28 images: 2x2 average pooling to 14x14 (so a comparison of 33 runs
  takes minutes, not an hour), then ``depth`` 3x3 "same" conv layers of ``width``
  channels with a 2x2 max-pool after the first half, then Flatten -> Dense(., K).

With ``norm`` "batch" or "layer" every hidden layer becomes linear -> norm -> activation
(and a residual branch Dense -> norm -> activation -> Dense -> norm).
"""
from __future__ import annotations

import math

from .. import nn

MODELS = ("mlp", "cnn", "resmlp")
NORMS = ("none", "batch", "layer")
#: default (depth, width) of each model when the command line does not give them
DEFAULT_SIZES = {"mlp": (5, 64), "resmlp": (5, 64), "cnn": (4, 8)}


def _norm(config, features, dtype):
    if config.norm == "batch":
        return [nn.BatchNorm(features, dtype=dtype)]
    if config.norm == "layer":
        return [nn.LayerNorm(features, dtype=dtype)]
    return []


def _hidden(config, make_linear, features, dtype):
    """linear -> (norm) -> activation, with the activation inside the layer when there is no norm."""
    if config.norm == "none":
        return [make_linear(config.activation)]
    return [make_linear(None), *_norm(config, features, dtype), nn.get_activation(config.activation)]


def build(config, n_in, classes, kernel, dtype):
    """The network of ``config`` as an ``nn.Sequential`` with ``kernel`` on every kernel."""
    w = config.width
    if config.model == "mlp":
        layers, fan_in = [], n_in
        for _ in range(config.depth):
            layers += _hidden(config, lambda act, fi=fan_in: nn.Dense(fi, w, activation=act, kernel_initializer=kernel,
                                                                     dtype=dtype), w, dtype)
            fan_in = w
        return nn.Sequential(*layers, nn.Dense(fan_in, classes, kernel_initializer=kernel, dtype=dtype))
    if config.model == "resmlp":
        def dense(act, fan_in=w):
            return nn.Dense(fan_in, w, activation=act, kernel_initializer=kernel, dtype=dtype)
        layers = [dense(config.activation, n_in)]
        for _ in range(config.depth):
            branch = _hidden(config, dense, w, dtype) + [dense(None)] + _norm(config, w, dtype)
            layers.append(nn.Residual(nn.Sequential(*branch)))
        layers += [nn.get_activation(config.activation), nn.Dense(w, classes, kernel_initializer=kernel, dtype=dtype)]
        return nn.Sequential(*layers)
    side = math.isqrt(n_in)
    layers, c_in = [nn.Reshape((side, side, 1)), nn.AvgPool2D(2)], 1
    for i in range(config.depth):
        layers += _hidden(config, lambda act, ci=c_in: nn.Conv2D(ci, w, 3, padding="same", activation=act,
                                                                 kernel_initializer=kernel, dtype=dtype), w, dtype)
        c_in = w
        if i == (config.depth - 1) // 2:
            layers.append(nn.MaxPool2D(2))
    out_side = side // 2 // 2
    return nn.Sequential(*layers, nn.Flatten(),
                         nn.Dense(w * out_side * out_side, classes, kernel_initializer=kernel, dtype=dtype))


def describe(config):
    """One phrase for tables and titles, e.g. "MLP 5 x 64 relu" or "CNN 4 conv x 8 ch relu, batch norm"."""
    shape = {"mlp": f"MLP {config.depth} x {config.width}",
             "resmlp": f"residual MLP {config.depth} blocks x {config.width}",
             "cnn": f"CNN {config.depth} conv x {config.width} ch"}[config.model]
    norm = "" if config.norm == "none" else f", {config.norm} norm"
    return f"{shape} {config.activation}{norm}"
