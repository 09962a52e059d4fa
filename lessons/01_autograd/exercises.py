"""Lesson 1 exercises: backward passes by hand, and the central-difference check.

Grade with `tinynet check 1`. Work in numpy (float64); every backward function receives
the op's inputs and the upstream gradient ``grad`` = dL/d(output), and returns
dL/d(input) for each input, of the input's shape.
"""
import numpy as np


def mul_backward(a, b, grad):
    """out = a * b (elementwise, a and b of the same shape). Return (dL/da, dL/db).

    Chain rule: dL/da = dL/dout · dout/da, and dout/da = b elementwise.
    """
    raise NotImplementedError("hint: return grad * b, grad * a")


def tanh_backward(x, grad):
    """out = tanh(x). Return dL/dx.

    d tanh(x)/dx = 1 − tanh(x)²; note: tanh of the INPUT x, not 1 − x².
    """
    raise NotImplementedError("hint: return grad * (1 - np.tanh(x) ** 2)")


def sum_backward(x, grad):
    """out = x.sum() (a scalar). Return dL/dx, an array of x's shape.

    Every element contributes with slope 1, so each receives the scalar upstream gradient.
    """
    raise NotImplementedError("hint: return np.full(x.shape, grad) -- a new array of x's shape")


def numerical_gradient(f, x, h=1e-6):
    """Central differences: g̃ᵢ = (f(x + h·eᵢ) − f(x − h·eᵢ)) / (2h) for every element i.

    ``f`` maps an array to a float. Return an array of x's shape; leave ``x`` unchanged
    when you return (perturb one element, evaluate, then restore it).
    """
    raise NotImplementedError("hint: loop over np.ndindex(x.shape); save x[i], set x[i] + h and "
                              "x[i] - h in turn, restore x[i]; divide the difference by 2 * h")


def relative_difference(g, g_numerical):
    """‖g − g̃‖ / (‖g‖ + ‖g̃‖) with Euclidean norms over all elements; 0.0 when both are 0.

    Scale-free: 1e-9 means 'equal to nine digits' whether gradients are 1e-3 or 1e3.
    """
    raise NotImplementedError("hint: np.linalg.norm(g - gn) / (np.linalg.norm(g) + np.linalg.norm(gn)), "
                              "guarding the 0 / 0 case")
