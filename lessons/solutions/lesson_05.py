"""Reference solution of lesson 5 (same names as lessons/05_constant_symmetry/exercises.py)."""
import numpy as np


def unit_spread(W):
    W = np.asarray(W, dtype=np.float64)
    return float(np.ptp(W, axis=1).max()) if W.size else 0.0


def count_distinct_units(W, tol=1e-12):
    W = np.asarray(W, dtype=np.float64)
    representatives = []
    for j in range(W.shape[1]):
        column = W[:, j]
        if all(np.max(np.abs(column - r)) > tol for r in representatives):
            representatives.append(column)
    return len(representatives)
