"""Lesson 11 exercises: two optimizers, written for one parameter array at a time.

Grade with `tinynet check 11`; `tinynet hint 11 <name>` gives a hint. ``w`` and ``g`` are
float64 numpy arrays of the same shape (a parameter and its gradient); ``state`` is a dict
that belongs to this parameter: it starts empty, and whatever you store in it is given
back to you at the next step. Return the NEW parameter array.
"""
import numpy as np


def sgd_momentum_update(w, g, state, lr, momentum):
    """One step of SGD with momentum, as PyTorch and tinynet.optim.SGD compute it: the
    velocity accumulates the gradients (it is the gradient itself at the first step) and
    the parameter moves against the velocity."""
    raise NotImplementedError("not implemented yet: `tinynet hint 11 sgd_momentum_update` gives a hint")


def adam_update(w, g, state, lr, betas=(0.9, 0.999), eps=1e-8):
    """One step of Adam (Kingma & Ba 2015), as PyTorch and tinynet.optim.Adam compute it:
    moving averages of the gradient and of its square, both corrected for starting at
    zero, and a step of the first over the square root of the second (eps guards the
    division)."""
    raise NotImplementedError("not implemented yet: `tinynet hint 11 adam_update` gives a hint")
