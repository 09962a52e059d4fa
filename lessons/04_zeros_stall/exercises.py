"""Lesson 4 exercises: find where the gradient first arrives, and predict it.

Grade with `tinynet check 4`.
"""
import numpy as np


def first_nonzero_step(history):
    """``history`` is a list with one dict per training step, {parameter name: gradient array}.

    Return {name: the first step index at which that gradient has ANY non-zero element},
    with None for a parameter whose gradient is zero at every step. Compare with exact
    zero (!= 0), not a tolerance: the lesson's point is that these zeros are exact.
    """
    raise NotImplementedError("not implemented yet: `tinynet hint 4 first_nonzero_step` gives a hint")


def nonzero_gradients_at_step0():
    """Predict, without running anything: lesson 3's 2-10-5-1 ReLU network with every
    kernel 0 and biases drawn from N(0, 1) (some positive, some negative), on data whose
    classes are not exactly predicted by σ(b3).

    Which of "W1", "b1", "W2", "b2", "W3", "b3" have a non-zero gradient at step 0?
    Return them as a set of names. (Use dW = Aᵀ dZ, dA_prev = dZ Wᵀ from lesson 2.)
    """
    raise NotImplementedError("not implemented yet: `tinynet hint 4 nonzero_gradients_at_step0` gives a hint")
