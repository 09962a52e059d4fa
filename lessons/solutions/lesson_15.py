"""Reference solution for lesson 15: orthogonal directions, He's scale.

Orthogonal columns keep every direction's length and make the units as different as
possible (lesson 9); ReLU removes half of the second moment, so each unit's weight vector
needs squared norm 2, as He's Var(W) = 2/fan_in gives on average (lesson 8):
Var(z_j) = |w_j|² · E[a²] = 2 E[a²]. A tall kernel (fan_in >= fan_out) has orthonormal
columns: scale by sqrt(2). A wide one has orthonormal rows, so its columns have squared norm
fan_in/fan_out: scale by sqrt(2 · fan_out / fan_in).
"""
import numpy as np


def my_initializer(shape, rng):
    rows, cols = shape
    q, r = np.linalg.qr(rng.standard_normal((max(rows, cols), min(rows, cols))))
    q = q * np.sign(np.diag(r))
    if rows >= cols:
        return np.sqrt(2.0) * q
    return np.sqrt(2.0 * cols / rows) * q.T
