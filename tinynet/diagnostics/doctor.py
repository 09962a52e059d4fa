"""doctor(model, x): what is wrong with this network at initialization, and what to use.

The doctor runs one forward and one backward pass on a batch (see ``hooks``) and checks
each Dense layer against the failure modes the lessons demonstrate:

- vanishing:   the layer's activation std has fallen below VANISH (0.1) x the input's std,
               or its back-propagated gradient std dL/dz below VANISH x the output layer's;
- exploding:   either ratio is above EXPLODE (10), or a statistic is inf/nan: then the
               layer is "exploding (overflowed to inf/nan at layer k)" (``rules.py``, the
               rule the lab's verdicts share);
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

from ..activations import ACTIVATIONS
from .hooks import LayerStats, layer_statistics
from .rules import EXPLODE, VANISH, first_overflow, is_overflow, overflow_label, ratio, scale_problem  # noqa: F401

SATURATED, DEAD = 0.3, 0.5

__all__ = ["doctor", "DoctorReport", "LayerDiagnosis", "VANISH", "EXPLODE", "SATURATED", "DEAD"]


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
    """Diagnose ``model`` on the batch ``x`` (an array or a Tensor; labels ``y`` optional):
    a :class:`DoctorReport`.

    A layer whose statistics are inf or nan has overflowed: it is reported as
    ``"exploding (overflowed to inf/nan at layer k)"``, k the layer where the overflow began
    (the first in the forward pass, or, when only gradients overflowed, the first the
    backward pass reached). The rule is ``rules.scale_problem``, which the lab's verdicts use.
    """
    x = np.asarray(x)
    if x.size and not np.all(np.isfinite(x)):
        raise ValueError("doctor: the input batch contains inf or nan; check the data first "
                         "(np.isfinite(x).all() should be True)")
    with np.errstate(over="ignore", invalid="ignore"):   # an overflow is reported, not warned about
        stats = layer_statistics(model, x, y=y, loss_fn=loss_fn)
    input_std = float(np.std(x, dtype=np.float64)) or 1.0
    overflowed, start = _overflow(stats)
    # After an overflow the backward pass carries nan, and ReLU' (nan > 0 is False) turns
    # it into exact zeros below: no gradient ratio means anything then, so none is taken.
    out_grad = None if overflowed else stats[-1].grad_z_std
    layers = []
    for s in stats:
        act_ratio = ratio(s.act_std, input_std)
        grad_ratio = None if (s.grad_z_std is None or not out_grad) else ratio(s.grad_z_std, out_grad)
        problems = []
        if s.index in overflowed:
            problems.append(overflow_label(start))
        else:
            found = {scale_problem(s.act_std, input_std)}
            if out_grad:
                found.add(scale_problem(s.grad_z_std, out_grad))
            problems += [p for p in ("vanishing", "exploding") if p in found]
        if s.saturation is not None and s.saturation > SATURATED:
            problems.append("saturated")
        if s.dead_fraction is not None and s.dead_fraction > DEAD:
            problems.append("dead")
        if s.fan_out > 1 and s.distinct_units == 1:
            problems.append("symmetric")
        spec = ACTIVATIONS.get(s.activation, ACTIVATIONS["linear"])
        layers.append(LayerDiagnosis(s, act_ratio, grad_ratio, problems, spec.recommended, spec.reason))
    return DoctorReport(layers, input_std)


def _overflow(stats):
    """The layers with an inf/nan statistic, and the layer where the overflow began."""
    forward = [s.act_std if is_overflow(s.act_std) else s.preact_std for s in stats]
    backward = [s.grad_z_std if is_overflow(s.grad_z_std) else s.grad_w_std for s in stats]
    bad = {s.index for s, f, b in zip(stats, forward, backward) if is_overflow(f) or is_overflow(b)}
    start = first_overflow(forward)
    if start is None and bad:
        start = max(bad)            # the backward pass runs from the last layer down
    return bad, start
