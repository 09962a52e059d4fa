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
3. **explodes**   -- the loss became NaN/inf during training, or at initialization the
                     pre-activation std grew more than 10x from the first to the last hidden
                     layer, or more than 30 % of the tanh/sigmoid outputs were saturated
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

GROWTH, SATURATED = 10.0, 0.3
VERDICTS = ("stalls", "symmetric", "explodes", "vanishes", "converges")


def _ratio(a, b):
    if a is None or b is None:
        return None
    if b == 0:
        return float("inf") if a > 0 else 1.0
    return a / b


def verdict(m):
    """The verdict for one run's measurement dict (see :class:`tinynet.lab.run.RunResult`);
    returns (word, reason)."""
    hidden = m["init_layers"][:-1] or m["init_layers"]
    grads = [layer["grad_w_max"] for layer in hidden]
    if grads and all(g == 0 for g in grads):
        return "stalls", "every hidden kernel's gradient is exactly 0 at initialization"
    wide = [(u, layer["fan_out"]) for u, layer in zip(m["distinct_units"], hidden) if layer["fan_out"] > 1]
    if wide and all(u == 1 for u, _ in wide):
        return "symmetric", "every hidden layer still has 1 distinct unit after training"
    if m["diverged"]:
        return "explodes", f"the loss became non-finite at step {len(m['loss_curve']) - 1}"
    growth = _ratio(hidden[-1]["preact_std"], hidden[0]["preact_std"])
    if growth is not None and growth > GROWTH:
        return "explodes", f"pre-activation std grows {growth:.3g}x from first to last hidden layer"
    saturation = [layer["saturation"] for layer in hidden if layer["saturation"] is not None]
    if saturation and sum(saturation) / len(saturation) > SATURATED:
        return "explodes", f"{100 * sum(saturation) / len(saturation):.0f}% of hidden outputs saturated"
    shrink = _ratio(hidden[-1]["act_std"], hidden[0]["act_std"])
    if shrink is not None and shrink < 1 / GROWTH:
        return "vanishes", f"activation std shrinks to {shrink:.2g}x from first to last hidden layer"
    back = _ratio(hidden[0]["grad_z_std"], hidden[-1]["grad_z_std"])
    if back is not None and back < 1 / GROWTH:
        return "vanishes", f"gradient std shrinks to {back:.2g}x from last to first hidden layer"
    if m["steps_to_threshold"] is not None:
        return "converges", f"loss reached {m['threshold']:.3g} at step {m['steps_to_threshold']}"
    return "stalls", f"loss never reached {m['threshold']:.3g}"


def majority(words):
    """The most common verdict; ties go to the one listed first in VERDICTS."""
    counts = Counter(words)
    best = max(counts.values())
    return next(w for w in VERDICTS if counts.get(w) == best)
