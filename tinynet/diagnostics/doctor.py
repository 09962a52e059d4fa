"""doctor(model, x): what is wrong with this network at initialization, and what to use.

The doctor runs one forward and one backward pass on a batch (see ``hooks``) and checks
each Dense layer against the failure modes the lessons demonstrate:

- vanishing:   the layer's activation std has fallen below VANISH (0.1) x the input's std,
               or its back-propagated gradient std dL/dz below VANISH x the output layer's;
- exploding:   either ratio is above EXPLODE (10);
- saturated:   more than SATURATED (30 %) of tanh/sigmoid/softsign outputs on the flat tails;
- dead:        more than DEAD (50 %) of ReLU units zero on the whole batch;
- symmetric:   all units of a layer with more than one unit identical (1 distinct unit).

The reference points are the input (forward) and the output layer (backward), so the
test is about *change across depth*, which is what an initialization controls: with
Var(W) matched to the activation (He for ReLU, Glorot/LeCun for tanh and friends) each
layer multiplies the variance by about 1, and 20 layers later it is still about 1;
mismatched by a factor c it becomes c^20.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .hooks import LayerStats, layer_statistics

VANISH, EXPLODE, SATURATED, DEAD = 0.1, 10.0, 0.3, 0.5

RECOMMENDATION = {
    "relu": ("he_normal", "ReLU zeroes half of its inputs, halving the variance at every layer, "
                          "so the weights need Var(W) = 2/fan_in to keep it constant (He et al. 2015)."),
    "leaky_relu": ("he_normal", "a leaky ReLU still discards most of the negative half, so it needs "
                                "He's Var(W) = 2/((1+a^2) fan_in), about 2/fan_in (He et al. 2015)."),
    "tanh": ("glorot_uniform", "tanh is linear with slope 1 around 0, so Var(W) = 2/(fan_in+fan_out) "
                               "keeps both activations and gradients at constant variance "
                               "(Glorot & Bengio 2010)."),
    "softsign": ("glorot_uniform", "softsign behaves like tanh around 0, so Glorot's "
                                   "Var(W) = 2/(fan_in+fan_out) balances forward and backward variance."),
    "sigmoid": ("glorot_uniform", "sigmoid is not centred and has slope 1/4 at 0; Glorot's "
                                  "Var(W) = 2/(fan_in+fan_out) is the standard choice, but tanh or ReLU "
                                  "hidden layers train more easily (Glorot & Bengio 2010)."),
    "linear": ("glorot_uniform", "a linear layer preserves variance with Var(W) = 1/fan_in (LeCun) or "
                                 "2/(fan_in+fan_out) (Glorot), which also balances the backward pass."),
}


@dataclass
class LayerDiagnosis:
    """The doctor's finding for one layer: its statistics, what is wrong, what to use."""

    stats: LayerStats
    activation_ratio: float
    gradient_ratio: float | None
    problems: list = field(default_factory=list)
    recommended: str = ""
    reason: str = ""

    @property
    def healthy(self):
        return not self.problems


@dataclass
class DoctorReport:
    """``str(report)`` is a table for people; ``layers``, ``healthy`` and ``problems`` for code."""

    layers: list
    input_std: float

    @property
    def healthy(self):
        return all(d.healthy for d in self.layers)

    @property
    def problems(self):
        """Every problem found, as (layer index, problem) pairs."""
        return [(d.stats.index, p) for d in self.layers for p in d.problems]

    def __str__(self):
        head = (f"{'layer':>5} {'activation':>10} {'shape':>11} {'act std/x':>10} {'grad std/out':>12} "
                f"{'sat':>5} {'dead':>5} {'units':>5}  diagnosis")
        lines = [f"tinynet doctor: {len(self.layers)} Dense layers, input std {self.input_std:.3g}", head]
        for d in self.layers:
            s = d.stats
            sat = "-" if s.saturation is None else f"{s.saturation:.2f}"
            dead = "-" if s.dead_fraction is None else f"{s.dead_fraction:.2f}"
            grad = "-" if d.gradient_ratio is None else f"{d.gradient_ratio:.3g}"
            shape = f"{s.fan_in}x{s.fan_out}"
            lines.append(f"{s.index:>5} {s.activation:>10} {shape:>11} {d.activation_ratio:>10.3g} {grad:>12} "
                         f"{sat:>5} {dead:>5} {s.distinct_units:>5}  {', '.join(d.problems) or 'healthy'}")
        if self.healthy:
            lines.append("All layers healthy: activations and gradients keep their scale across depth.")
        else:
            lines.append("Recommendations:")
            seen = set()
            for d in self.layers:
                if d.problems and d.stats.activation not in seen:
                    seen.add(d.stats.activation)
                    lines.append(f"  {d.stats.activation} layers -> {d.recommended}: {d.reason}")
        return "\n".join(lines)


def doctor(model, x, y=None, loss_fn="cross_entropy"):
    """Diagnose ``model`` on the batch ``x`` (labels ``y`` optional): a :class:`DoctorReport`."""
    x = np.asarray(x)
    stats = layer_statistics(model, x, y=y, loss_fn=loss_fn)
    input_std = float(np.std(x, dtype=np.float64)) or 1.0
    out_grad = stats[-1].grad_z_std
    layers = []
    for s in stats:
        act_ratio = s.act_std / input_std
        grad_ratio = None if (s.grad_z_std is None or not out_grad) else s.grad_z_std / out_grad
        problems = []
        if act_ratio < VANISH or (grad_ratio is not None and grad_ratio < VANISH):
            problems.append("vanishing")
        if act_ratio > EXPLODE or (grad_ratio is not None and grad_ratio > EXPLODE):
            problems.append("exploding")
        if s.saturation is not None and s.saturation > SATURATED:
            problems.append("saturated")
        if s.dead_fraction is not None and s.dead_fraction > DEAD:
            problems.append("dead")
        if s.fan_out > 1 and s.distinct_units == 1:
            problems.append("symmetric")
        scheme, reason = RECOMMENDATION.get(s.activation, RECOMMENDATION["linear"])
        layers.append(LayerDiagnosis(s, act_ratio, grad_ratio, problems, scheme, reason))
    return DoctorReport(layers, input_std)
