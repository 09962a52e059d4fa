"""Lesson 5 exercises: measure the symmetry between the units of a layer.

Grade with `tinynet check 5`. A kernel W has tinynet's layout (fan_in, fan_out): unit j of
the layer is COLUMN j, W[:, j] (its incoming weights). Two units are the same function
when their columns are equal.
"""
import numpy as np


def unit_spread(W):
    """How far apart the units are: max over inputs i of (max_j W[i, j] − min_j W[i, j]).

    0 means every unit (column) is identical. Return a float.
    """
    raise NotImplementedError("not implemented yet: `tinynet hint 5 unit_spread` gives a hint")


def count_distinct_units(W, tol=1e-12):
    """The number of distinct units (columns of W) when columns closer than ``tol`` count as one.

    Go through the columns in order, keeping a list of representatives: a column is new
    if max|column − representative| > tol for every representative so far.
    """
    raise NotImplementedError("not implemented yet: `tinynet hint 5 count_distinct_units` gives a hint")
