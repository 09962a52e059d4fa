"""Planted bugs for lesson 4: each must fail its exercise's grader."""
import numpy as np


def first_nonzero_with_tolerance(history):
    return {name: next((s for s, g in enumerate(history) if np.max(np.abs(g[name])) > 1e-8), None)
            for name in history[0]}


def first_nonzero_counts_from_one(history):
    return {name: next((s + 1 for s, g in enumerate(history) if np.any(g[name] != 0)), None)
            for name in history[0]}


def first_nonzero_last_instead(history):
    result = {}
    for name in history[0]:
        steps = [s for s, g in enumerate(history) if np.any(g[name] != 0)]
        result[name] = steps[-1] if steps else None
    return result


def predict_only_output_kernel():
    return {"W3"}


def predict_bias_chain():
    return {"W3", "b3", "b2", "b1"}          # biases do not carry gradient past a zero kernel


def predict_nothing():
    return set()


def predict_everything():
    return {"W1", "b1", "W2", "b2", "W3", "b3"}


BUGS = {
    "first_nonzero_step": [first_nonzero_with_tolerance, first_nonzero_counts_from_one, first_nonzero_last_instead],
    "nonzero_gradients_at_step0": [predict_only_output_kernel, predict_bias_chain, predict_everything,
                                   predict_nothing],
}
