"""Lesson 3 exercises: the two pieces of the training loop your engine is still missing.

z are logits (any real number, a Tensor of shape (N, 1) here), y the 0/1 targets of the
same shape, σ(z) = 1 / (1 + e^−z). ``Tensor`` is your lesson-1 Tensor; the grader runs
bce_with_logits on tinynet's reference Tensor, so this lesson is graded on its own.
With these, `tinynet lesson 3 --mine` (and every later lesson's --mine) trains on your
engine: your Dense layers, your backward(), this loss and this step.

Grade with `tinynet check 3` (or `pytest lessons/03_training_mlp/`); `tinynet hint 3 NAME`.
"""
import numpy as np

from tinynet.mine import engine

Tensor = engine(1).Tensor      # your Tensor, from lessons/01_autograd/exercises.py


def bce_with_logits(logits, targets):
    """Mean binary cross-entropy of the logits, as one op of your engine:

        L = (1/N) Σ −[y log σ(z) + (1 − y) log(1 − σ(z))],   N = the number of logits.

    Forward with the stable form max(z, 0) − z·y + log(1 + e^−|z|): it never takes log(0)
    and never overflows, even for |z| = 1000. Return a Tensor holding the scalar L with
    ``logits`` as its parent. Backward: dL/dz = dL/dout · (σ(z) − y) / N, z's shape (the
    sigmoid's own derivative cancels against the log's).
    """
    raise NotImplementedError("not implemented yet: `tinynet hint 3 bce_with_logits` gives a hint")


def sgd_step(params, grads, lr):
    """One gradient-descent step, in place: θ ← θ − lr · dL/dθ for each (θ, g) pair.

    ``params`` and ``grads`` are lists of numpy arrays of matching shapes (your Dense
    layers' kernel.data and bias.data, and their grads). Update the arrays in ``params``
    themselves (the layers hold references to them). Returning params is a convenience
    for the caller; the training loop uses the arrays you updated, not the return value.
    """
    raise NotImplementedError("not implemented yet: `tinynet hint 3 sgd_step` gives a hint")
