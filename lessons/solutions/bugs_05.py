"""Planted bugs for lesson 5: each must fail its exercise's grader."""
import numpy as np


def unit_spread_across_inputs(W):
    return float(np.ptp(np.asarray(W), axis=0).max())        # rows, not units: PyTorch's layout read as Keras'


def unit_spread_std(W):
    return float(np.std(np.asarray(W), axis=1).max())         # a std, not the range


def count_rows(W, tol=1e-12):
    W = np.asarray(W)
    reps = []
    for i in range(W.shape[0]):                               # inputs instead of units
        if all(np.max(np.abs(W[i] - r)) > tol for r in reps):
            reps.append(W[i])
    return len(reps)


def count_exact(W, tol=1e-12):
    return len(np.unique(np.asarray(W).T, axis=0))            # ignores the tolerance


def count_pairs(W, tol=1e-12):
    W = np.asarray(W)
    n = W.shape[1]
    return sum(1 for j in range(n) for k in range(j + 1, n) if np.max(np.abs(W[:, j] - W[:, k])) > tol)


BUGS = {
    "unit_spread": [unit_spread_across_inputs, unit_spread_std],
    "count_distinct_units": [count_rows, count_exact, count_pairs],
}
