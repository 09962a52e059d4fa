"""Grader for lesson 5. `tinynet check 5` grades your exercises.py; plain pytest grades the
reference solution (set TINYNET_GRADE=learner to grade yours with pytest)."""
import numpy as np
import pytest

from tinynet.lesson_tests import graded_module, call_exercise

LESSON = 5


def _kernels():
    """(W, spread, distinct units at tol 1e-12, at tol 1e-3), with units = columns."""
    symmetric = np.full((2, 10), 0.5)                                   # one unit, repeated
    two = np.array([[1.0, 1.0, 3.0, 1.0], [2.0, 2.0, 0.0, 2.0], [0.5, 0.5, 0.5, 0.5]])   # rows differ, 2 units
    nearly = np.full((3, 5), 0.25)
    nearly[1, 3] += 1e-9                                               # within 1e-3, not within 1e-12
    tall = np.tile(np.array([[1.0], [2.0]]), (1, 3))                    # rows differ, all units equal
    return [(symmetric, 0.0, 1, 1), (two, 2.0, 2, 2), (nearly, 1e-9, 2, 1), (tall, 0.0, 1, 1)]


def check_unit_spread(impl):
    for W, spread, _, _ in _kernels():
        got = call_exercise(impl.unit_spread, W)
        assert np.isclose(got, spread, rtol=1e-6, atol=1e-15), (
            f"unit_spread of a {W.shape} kernel = {got}, expected {spread}: units are the COLUMNS "
            "(fan_in, fan_out); take max minus min across columns for each input row, then the largest")


def check_count_distinct_units(impl):
    for W, _, strict, loose in _kernels():
        for tol, expected in ((1e-12, strict), (1e-3, loose)):
            got = call_exercise(impl.count_distinct_units, W, tol)
            assert got == expected, (
                f"count_distinct_units of a {W.shape} kernel with tol={tol:g} = {got}, expected {expected}: "
                "count distinct COLUMNS, treating columns within tol (max abs difference) as one")


EXERCISES = {"unit_spread": check_unit_spread, "count_distinct_units": check_count_distinct_units}


@pytest.mark.parametrize("name", list(EXERCISES))
def test_exercise(name):
    EXERCISES[name](graded_module(__file__, LESSON))
