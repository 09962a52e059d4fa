"""Reference solution of lesson 4 (same names as lessons/04_zeros_stall/exercises.py)."""
import numpy as np


def first_nonzero_step(history):
    names = list(history[0]) if history else []
    result = {}
    for name in names:
        result[name] = next((step for step, grads in enumerate(history) if np.any(grads[name] != 0)), None)
    return result


def nonzero_gradients_at_step0():
    # dz = (σ(b3) − y)/N ≠ 0: b3 moves; dW3 = A2ᵀ dz with A2 = relu(b2) ≠ 0: W3 moves.
    # dZ2 = dz W3ᵀ ⊙ relu'(Z2) = 0 because W3 = 0, so b2, W2 and everything below get 0.
    return {"W3", "b3"}
