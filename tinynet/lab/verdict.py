"""The one-word verdict of a run, derived from its measurements only (never from its name).

The rules, tried in this order (the first that applies wins):

1. **stalls**     -- every hidden kernel's gradient at initialization is exactly 0
                     (max |dL/dW| == 0): nothing below the output layer can ever move. This
                     is what all-zero weights do with ReLU or tanh (f(0) = 0 passes no signal
                     forward, a zero W passes no gradient backward), and the loss stays at
                     the uniform guess ln K.
2. **symmetric**  -- after training, every hidden layer (of width > 1) still has exactly 1
                     distinct unit (kernel columns equal within 1e-9): the units got equal
                     gradients at every step, so the network is as wide as one unit.
3. **explodes**   -- the loss became NaN/inf during training, or at initialization a
                     layer's statistics overflowed to inf/nan, or the pre-activation std grew
                     more than 10x from the first to the last hidden layer (the rule doctor
                     uses: ``diagnostics.rules.scale_problem``), or more than 30 % of the
                     tanh/sigmoid outputs were saturated
                     (|tanh| > 0.97; sigmoid < 0.03 or > 0.97): too large weights.
4. **vanishes**   -- at initialization the activation std of the last hidden layer is below
                     0.1x the first's, or the gradient std dL/dz of the first hidden layer is
                     below 0.1x the last's: too small weights.
5. **converges**  -- the training loss reached the threshold (default 0.5 ln K).
6. **stalls**     -- none of the above, but the loss never reached the threshold.

A scheme's verdict over several seeds is the most common one (ties: the earlier rule).
"""
from __future__ import annotations

from collections import Counter

from ..diagnostics.rules import first_overflow, is_overflow, overflow_label, ratio, scale_problem

SATURATED = 0.3
VERDICTS = ("stalls", "symmetric", "explodes", "vanishes", "converges")


def verdict(m):
    """The verdict for one run's measurement dict (what ``lab.run.run_one`` returns: its
    ``init_layers`` are ``LayerStats.as_dict()`` rows); returns (word, reason)."""
    hidden = m["init_layers"][:-1] or m["init_layers"]
    grads = [layer["grad_w_max"] for layer in hidden]
    if grads and all(g == 0 for g in grads):
        return "stalls", "every hidden kernel's gradient is exactly 0 at initialization"
    wide = [(u, layer["fan_out"]) for u, layer in zip(m["distinct_units"], hidden) if layer["fan_out"] > 1]
    if wide and all(u == 1 for u, _ in wide):
        return "symmetric", "every hidden layer still has 1 distinct unit after training"
    if m["diverged"]:
        return "explodes", f"the loss became non-finite at step {len(m['loss_curve']) - 1}"
    layers = m["init_layers"]
    overflow = first_overflow([_worst(layer) for layer in layers])
    if overflow is not None:
        return "explodes", f"at initialization: {overflow_label(overflow)}"
    first, last = hidden[0]["preact_std"], hidden[-1]["preact_std"]
    if scale_problem(last, first) == "exploding":
        return "explodes", f"pre-activation std grows {ratio(last, first):.3g}x from first to last hidden layer"
    saturation = [layer["saturation"] for layer in hidden if layer["saturation"] is not None]
    if saturation and sum(saturation) / len(saturation) > SATURATED:
        return "explodes", f"{100 * sum(saturation) / len(saturation):.0f}% of hidden outputs saturated"
    first, last = hidden[0]["act_std"], hidden[-1]["act_std"]
    if scale_problem(last, first) == "vanishing":
        return "vanishes", f"activation std shrinks to {ratio(last, first):.2g}x from first to last hidden layer"
    first, last = hidden[0]["grad_z_std"], hidden[-1]["grad_z_std"]
    if scale_problem(first, last) == "vanishing":
        return "vanishes", f"gradient std shrinks to {ratio(first, last):.2g}x from last to first hidden layer"
    if m["steps_to_threshold"] is not None:
        return "converges", f"loss reached {m['threshold']:.3g} at step {m['steps_to_threshold']}"
    return "stalls", f"loss never reached {m['threshold']:.3g}"


def _worst(layer):
    """A layer's first inf/nan statistic, if any (else its pre-activation std)."""
    values = [layer.get(key) for key in ("preact_std", "act_std", "grad_z_std", "grad_w_std")]
    return next((v for v in values if is_overflow(v)), layer["preact_std"])


def majority(words):
    """The most common verdict; ties go to the one listed first in VERDICTS."""
    counts = Counter(words)
    best = max(counts.values())
    return next(w for w in VERDICTS if counts.get(w) == best)
