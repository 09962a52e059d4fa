"""The one rule that says whether a signal vanished, exploded or overflowed across depth.

``doctor`` (per layer) and the lab's verdicts (per run) both ask it, so the two can never
disagree about the same network:

- a statistic that is ``inf`` or ``nan`` is an *overflow*: the numbers grew past the
  largest float, which is explosion, never health and never vanishing (a ``nan`` compares
  False with every threshold, so a ratio test alone would call it healthy);
- otherwise the ratio ``value / reference`` above EXPLODE (10) is exploding, below
  VANISH (0.1) vanishing.

>>> scale_problem(50.0, 1.0), scale_problem(0.01, 1.0), scale_problem(1.2, 1.0)
('exploding', 'vanishing', None)
>>> scale_problem(float("nan"), 1.0)
'exploding'
>>> first_overflow([1.0, 4.7, float("inf"), float("nan")])
2
>>> overflow_label(2)
'exploding (overflowed to inf/nan at layer 2)'
"""
from __future__ import annotations

import math

VANISH, EXPLODE = 0.1, 10.0


def is_overflow(value):
    """True for a statistic that is inf or nan (``None``, "not measured", is not)."""
    return value is not None and not math.isfinite(value)


def ratio(value, reference):
    """value / reference; a zero reference gives inf (or 1 when the value is 0 too)."""
    if value is None or reference is None:
        return None
    if reference == 0:
        return float("inf") if value > 0 else 1.0
    return value / reference


def scale_problem(value, reference):
    """'exploding', 'vanishing' or None for ``value`` measured against ``reference``.

    Non-finite value or reference: 'exploding' (an overflow). ``None`` in: None out.
    """
    if value is None or reference is None:
        return None
    if is_overflow(value) or is_overflow(reference):
        return "exploding"
    r = ratio(value, reference)
    if r > EXPLODE:
        return "exploding"
    if r < VANISH:
        return "vanishing"
    return None


def first_overflow(values):
    """Index of the first inf/nan among ``values`` (None entries skipped), or None."""
    for i, v in enumerate(values):
        if is_overflow(v):
            return i
    return None


def overflow_label(layer):
    """How a layer past an overflow is described, naming the first layer that overflowed."""
    return f"exploding (overflowed to inf/nan at layer {layer})"
