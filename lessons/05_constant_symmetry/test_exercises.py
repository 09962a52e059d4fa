"""Grader for lesson 5: `tinynet check 5` or `pytest lessons/05_constant_symmetry/` grades
your exercises.py (TINYNET_GRADE=reference grades the reference solution)."""
import numpy as np
import pytest

from tinynet.lesson_tests import call_exercise, expect, graded_module

LESSON = 5


def _kernels():
    """(W, spread, distinct units at tol 1e-12, at tol 1e-3), with units = columns."""
    symmetric = np.full((2, 10), 0.5)                                   # one unit, repeated
    two = np.array([[1.0, 1.0, 3.0, 1.0], [2.0, 2.0, 0.0, 2.0], [0.5, 0.5, 0.5, 0.5]])   # rows differ, 2 units
    nearly = np.full((3, 5), 0.25)
    nearly[1, 3] += 1e-9                                               # within 1e-3, not within 1e-12
    tall = np.tile(np.array([[1.0], [2.0]]), (1, 3))                    # rows differ, all units equal
    return [(symmetric, 0.0, 1, 1), (two, 2.0, 2, 2), (nearly, 1e-9, 2, 1), (tall, 0.0, 1, 1)]


def _distinct(vectors, tol):
    reps = []
    for v in vectors:
        if all(np.max(np.abs(v - r)) > tol for r in reps):
            reps.append(v)
    return len(reps)


def check_unit_spread(impl):
    for W, spread, _, _ in _kernels():
        got = call_exercise(impl.unit_spread, W)
        if np.isclose(got, expect(spread), rtol=1e-6, atol=1e-15):
            continue
        if np.isclose(got, np.ptp(W, axis=0).max(), rtol=1e-6, atol=1e-15):
            raise AssertionError(f"unit_spread of a {W.shape} kernel: you took the range down each column, "
                                 "across the inputs; a unit is a column, so compare the columns entry by entry")
        if np.isclose(got, np.std(W, axis=1).max(), rtol=1e-6, atol=1e-15):
            raise AssertionError(f"unit_spread of a {W.shape} kernel: you measured a standard deviation; "
                                 "the spread is a range, largest minus smallest")
        raise AssertionError(f"unit_spread of a {W.shape} kernel is wrong: per input row, how far apart "
                             "are the units' weights, and then the worst row")


def check_count_distinct_units(impl):
    for W, _, strict, loose in _kernels():
        for tol, expected in ((1e-12, strict), (1e-3, loose)):
            got = call_exercise(impl.count_distinct_units, W, tol)
            if got == expect(expected):
                continue
            if W.shape[0] != W.shape[1] and got == _distinct(list(W), tol):
                raise AssertionError(f"count_distinct_units of a {W.shape} kernel: you counted distinct ROWS "
                                     "(inputs); a unit is a column")
            if got == _distinct(list(W.T), 0.0) and tol > 0:
                raise AssertionError(f"count_distinct_units of a {W.shape} kernel with tol={tol:g}: columns "
                                     "that differ by less than tol must count as one unit; your count ignores tol")
            raise AssertionError(f"count_distinct_units of a {W.shape} kernel with tol={tol:g} is wrong: "
                                 "count each group of (nearly) equal columns once, not pairs or differences")


HINTS = {
    "unit_spread": [
        "Two units compute the same function when their incoming weights are equal. Measure, for each "
        "input, how different the units' weights from that input are, and report the worst input.",
        "W has shape (fan_in, fan_out): row i holds the weights from input i to every unit, column j is "
        "unit j. For row i the spread is max over j of W[i, j] minus min over j of W[i, j]; the answer "
        "is the largest of these fan_in numbers, a float.",
        "Compute the range (max minus min) along the unit axis, giving one number per input row; "
        "return the largest of them as a Python float. A kernel of identical columns gives exactly 0.",
    ],
    "count_distinct_units": [
        "Group the units (columns) that are equal up to a tolerance and count the groups, keeping one "
        "representative per group, as one would sort socks.",
        "Unit j is column j of W, a vector of length fan_in. Two columns u, v are 'the same' when "
        "max over i of |u[i] − v[i]| <= tol. The answer is an int between 1 and fan_out.",
        "Keep a list of representatives, empty at first. Visit the columns in order; compare each with "
        "every representative so far; if it is farther than tol from all of them, append it. The "
        "length of the list at the end is the count.",
    ],
}


EXERCISES = {"unit_spread": check_unit_spread, "count_distinct_units": check_count_distinct_units}


@pytest.mark.parametrize("name", list(EXERCISES))
def test_exercise(name):
    EXERCISES[name](graded_module(__file__, LESSON))
