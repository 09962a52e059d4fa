"""The two argument checks every public function shares: a count (a size, a number of
steps) and a seed.

One rule for all of tinynet: an invalid seed or size is a ``ValueError`` with one line
saying what was expected and what was given. A value that is not a whole number at all
(``2.7``, ``True``, ``"4"``) raises :class:`NotAWholeNumber`, which is both a
``TypeError`` (Python's convention, as ``numpy.zeros(2.7)``) and a ``ValueError`` (so
that ``except ValueError`` catches every bad setting). Nothing is ever rounded.
"""
from __future__ import annotations

import numbers

import numpy as np

SEED_LIMIT = 2 ** 64


class NotAWholeNumber(TypeError, ValueError):
    """A count or a seed that is not an integer (a float, a bool, a string...)."""


def _is_whole(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def count(value, name, who, minimum=1):
    """``value`` as an int >= ``minimum``; else one line naming ``who`` and ``name``."""
    expected = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
    if not _is_whole(value):
        raise NotAWholeNumber(f"{who}: {name} must be {expected}, got {value!r} "
                              f"of type {type(value).__name__} (tinynet never rounds it)")
    if value < minimum:
        raise ValueError(f"{who}: {name} must be {expected}, got {value}")
    return int(value)


def seed(value, who, allow_none=False):
    """``value`` as an int in [0, 2**64) (the Philox key word), or None if ``allow_none``."""
    if value is None and allow_none:
        return None
    if not _is_whole(value):
        raise NotAWholeNumber(f"{who}: seed must be an integer in [0, 2**64), got {value!r} "
                              f"of type {type(value).__name__}")
    if not 0 <= value < SEED_LIMIT:
        raise ValueError(f"{who}: seed must be an integer in [0, 2**64), got {value}. "
                         "Use a non-negative integer, e.g. seed=0")
    return int(value)


__all__ = ["NotAWholeNumber", "count", "seed", "SEED_LIMIT"]
