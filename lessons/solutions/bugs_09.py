"""Planted bugs for lesson 9: each must fail its exercise's grader."""
import numpy as np


def orthogonal_no_sign_fix(shape, rng, gain=1.0):
    rows, cols = shape
    q, _ = np.linalg.qr(rng.standard_normal((max(rows, cols), min(rows, cols))))
    return gain * (q if rows >= cols else q.T)


def orthogonal_forgets_gain(shape, rng, gain=1.0):
    rows, cols = shape
    q, r = np.linalg.qr(rng.standard_normal((max(rows, cols), min(rows, cols))))
    q = q * np.sign(np.diag(r))
    return q if rows >= cols else q.T


def orthogonal_wide_not_transposed(shape, rng, gain=1.0):
    q, r = np.linalg.qr(rng.standard_normal(shape))
    return gain * q * np.sign(np.diag(r))


def orthogonal_normalized_gaussian(shape, rng, gain=1.0):
    g = rng.standard_normal(shape)
    return gain * g / np.linalg.norm(g, axis=0)


def _var(model, x, layer, what="z"):
    seen = []
    handle = layer.register_forward_hook(
        lambda _l, _i, z, a: seen.append(np.var((z if what == "z" else a).data)))
    model(x)
    handle.remove()
    return float(seen[-1])


def lsuv_divides_by_variance(model, x, tol=0.1, max_iter=10):
    counts = []
    for layer in model.dense_layers():
        variance, n = _var(model, x, layer), 0
        while abs(variance - 1.0) >= tol and n < max_iter:
            layer.kernel.data = layer.kernel.data / variance
            n += 1
            variance = _var(model, x, layer)
        counts.append(n)
    return counts


def lsuv_measures_activation(model, x, tol=0.1, max_iter=10):
    counts = []
    for layer in model.dense_layers():
        variance, n = _var(model, x, layer, "a"), 0
        while abs(variance - 1.0) >= tol and n < max_iter:
            layer.kernel.data = layer.kernel.data / np.sqrt(variance)
            n += 1
            variance = _var(model, x, layer, "a")
        counts.append(n)
    return counts


def lsuv_measures_once_up_front(model, x, tol=0.1, max_iter=10):
    layers = model.dense_layers()
    variances = [_var(model, x, layer) for layer in layers]   # before any rescale
    for layer, variance in zip(layers, variances):
        layer.kernel.data = layer.kernel.data / np.sqrt(variance)
    return [1] * len(layers)


BUGS = {
    "orthogonal": [orthogonal_no_sign_fix, orthogonal_forgets_gain, orthogonal_wide_not_transposed,
                   orthogonal_normalized_gaussian],
    "lsuv": [lsuv_divides_by_variance, lsuv_measures_activation, lsuv_measures_once_up_front],
}
