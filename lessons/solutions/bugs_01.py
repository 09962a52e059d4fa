"""Planted bugs for lesson 1: each must fail its exercise's grader."""
import numpy as np


def mul_backward_swapped(a, b, grad):
    return grad * a, grad * b          # each input gets its own value instead of the other's


def mul_backward_forgets_upstream(a, b, grad):
    return b, a                         # the chain rule's dL/dout factor is missing


def tanh_backward_of_x_not_tanh(x, grad):
    return grad * (1.0 - x ** 2)        # 1 − x² instead of 1 − tanh(x)²


def tanh_backward_missing_square(x, grad):
    return grad * (1.0 - np.tanh(x))


def sum_backward_mean(x, grad):
    return np.full(x.shape, grad / x.size)   # the backward of mean, not of sum


def sum_backward_scalar(x, grad):
    return grad                              # not broadcast to x's shape


def numerical_gradient_forward(f, x, h=1e-6):
    g = np.zeros(x.shape)
    f0 = f(x)
    for i in np.ndindex(x.shape):
        saved = x[i]
        x[i] = saved + h
        g[i] = (f(x) - f0) / h               # one-sided: error O(h), not O(h²)
        x[i] = saved
    return g


def numerical_gradient_no_restore(f, x, h=1e-6):
    g = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        x[i] += h
        f_plus = f(x)
        x[i] -= 2 * h
        f_minus = f(x)                       # x[i] is left at x − h
        g[i] = (f_plus - f_minus) / (2 * h)
    return g


def numerical_gradient_divides_by_h(f, x, h=1e-6):
    g = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        saved = x[i]
        x[i] = saved + h
        f_plus = f(x)
        x[i] = saved - h
        f_minus = f(x)
        x[i] = saved
        g[i] = (f_plus - f_minus) / h
    return g


def relative_difference_no_denominator(g, g_numerical):
    return float(np.linalg.norm(np.asarray(g) - np.asarray(g_numerical)))


def relative_difference_max_abs(g, g_numerical):
    g, gn = np.asarray(g, float), np.asarray(g_numerical, float)
    d = np.abs(g).max() + np.abs(gn).max()
    return 0.0 if d == 0 else float(np.abs(g - gn).max() / d)


def relative_difference_nan_on_zero(g, g_numerical):
    g, gn = np.asarray(g, float), np.asarray(g_numerical, float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return float(np.linalg.norm(g - gn) / (np.linalg.norm(g) + np.linalg.norm(gn)))


BUGS = {
    "mul_backward": [mul_backward_swapped, mul_backward_forgets_upstream],
    "tanh_backward": [tanh_backward_of_x_not_tanh, tanh_backward_missing_square],
    "sum_backward": [sum_backward_mean, sum_backward_scalar],
    "numerical_gradient": [numerical_gradient_forward, numerical_gradient_no_restore,
                           numerical_gradient_divides_by_h],
    "relative_difference": [relative_difference_no_denominator, relative_difference_max_abs,
                            relative_difference_nan_on_zero],
}
