"""Lesson 10 exercises: the loss a network should start from, and the output bias that
makes it start there.

Grade with `tinynet check 10`; `tinynet hint 10 <name>` gives a hint. Work in float64
numpy; return plain Python floats or numpy arrays as each docstring says.
"""
import numpy as np


def expected_initial_loss(prior, bias):
    """The mean cross-entropy of a network whose logits are ``bias`` (shape (K,)) for every
    input, on a data set whose class frequencies are ``prior`` (shape (K,), sums to 1).

    This is the loss at step 0 of a network whose output kernel is (nearly) zero: the
    logits do not depend on the input. Return a float (nats).
    """
    raise NotImplementedError("not implemented yet: `tinynet hint 10 expected_initial_loss` gives a hint")


def prior_bias(y, num_classes):
    """The output bias (shape (num_classes,), float64) that makes a network with a zero
    output kernel predict, for every input, the class frequencies of the integer labels
    ``y``. Every class occurs in ``y`` at least once.
    """
    raise NotImplementedError("not implemented yet: `tinynet hint 10 prior_bias` gives a hint")
