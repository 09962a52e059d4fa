"""Single-number measurements of one layer: symmetry, dead units, saturation, update size.

Each takes plain numpy arrays, so a learner can call it on anything, and each answers one
question a failed initialization raises:

- ``distinct_units``: did every unit in the layer start (and stay) identical? Units with
  the same incoming weights compute the same function and receive the same gradient, so
  gradient descent can never tell them apart: a layer of n identical units is a layer of
  one unit (the *symmetry* problem of constant initializations).
- ``dead_fraction``: how many ReLU units output 0 for every example of the batch? They pass
  no gradient (ReLU'(z) = 0 for z <= 0), so their incoming weights never change.
- ``saturation_fraction``: how many tanh/sigmoid outputs sit on the flat tails, where the
  derivative is nearly 0 (tanh'(z) = 1 - tanh(z)^2 < 0.06 once |tanh z| > 0.97)?
- ``update_ratio``: how large is one optimizer step compared to the weights? A common rule
  of thumb (Karpathy, CS231n) is about 1e-3: much smaller learns nothing, much larger thrashes.
"""
from __future__ import annotations

import numpy as np

from ..activations import SATURATION_LEVEL, lookup  # noqa: F401  (SATURATION_LEVEL re-exported)


#: the tolerance below which two units' incoming weights count as equal (float64 training).
SYMMETRY_TOL = 1e-9


def distinct_units(kernel, bias=None, tol=SYMMETRY_TOL):
    """Number of distinct units in a Dense layer: columns of ``kernel`` equal within ``tol``
    (max absolute difference, together with the bias entries when ``bias`` is given) count
    as one.

    Greedy grouping: take the first unassigned column, absorb every column within ``tol``
    of it, repeat. ``nan`` columns never equal anything, so each counts once.
    """
    w = np.asarray(kernel, dtype=np.float64)
    if w.ndim != 2:
        raise ValueError(f"distinct_units expects a 2-D kernel (fan_in, fan_out), got shape {w.shape}")
    if bias is not None:
        w = np.vstack([w, np.asarray(bias, dtype=np.float64).reshape(1, -1)])
    remaining = np.arange(w.shape[1])
    groups = 0
    while remaining.size:
        reference = w[:, remaining[0]][:, None]
        same = np.all(np.abs(w[:, remaining] - reference) <= tol, axis=0)
        same[0] = True  # a nan column still forms its own group
        remaining = remaining[~same]
        groups += 1
    return groups


def dead_fraction(z):
    """Fraction of units whose pre-activation is <= 0 on *every* row of the batch ``z``
    (shape (batch, units)): for ReLU they output 0 and pass no gradient at all."""
    z = np.asarray(z)
    if z.ndim != 2 or z.shape[1] == 0:
        raise ValueError(f"dead_fraction expects (batch, units), got shape {z.shape}")
    return float(np.mean(np.all(z <= 0, axis=0)))


def saturation_fraction(a, activation):
    """Fraction of outputs ``a`` on the flat tails of a squashing ``activation`` (the table's
    rule: tanh/softsign |a| > 0.97, sigmoid a < 0.03 or a > 0.97). ``None`` for activations
    that do not saturate (relu, leaky_relu, linear)."""
    return lookup(activation).saturation(np.asarray(a))


def rms(x):
    """Root mean square, sqrt(mean(x^2)): the size of an array, including its mean."""
    x = np.asarray(x, dtype=np.float64)
    return float(np.sqrt(np.mean(x * x))) if x.size else 0.0


def update_ratio(before, after):
    """Measured update:weight ratio rms(W_after - W_before) / rms(W_before) across one
    optimizer step. ``nan`` when the weights were all zero (the ratio is undefined)."""
    before = np.asarray(before, dtype=np.float64)
    size = rms(before)
    return rms(np.asarray(after, dtype=np.float64) - before) / size if size > 0 else float("nan")


def sgd_update_ratio(grad, weight, lr):
    """Predicted update:weight ratio of a plain SGD step, lr * rms(dL/dW) / rms(W)."""
    size = rms(weight)
    return lr * rms(grad) / size if size > 0 else float("nan")
