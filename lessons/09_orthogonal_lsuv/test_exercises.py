"""Grader for lesson 9: `tinynet check 9` or `pytest lessons/09_orthogonal_lsuv/` grades your
exercises.py (TINYNET_GRADE=reference grades the reference solution)."""
import numpy as np
import pytest

from tinynet.lesson_tests import call_exercise, graded_module

LESSON = 9


def _orthogonal(impl, shape, seed, gain=1.0):
    w = call_exercise(impl.orthogonal, shape, np.random.default_rng(seed), gain=gain)
    assert isinstance(w, np.ndarray) and w.shape == tuple(shape), (
        f"orthogonal{shape} returned {getattr(w, 'shape', type(w).__name__)}; return a matrix of the shape asked for"
        + (" (a wide shape is the transpose of a tall one)" if getattr(w, "shape", None) == tuple(shape)[::-1] else ""))
    return np.asarray(w, dtype=np.float64)


def check_orthogonal(impl):
    for shape, gain in [((50, 30), 1.0), ((30, 50), 1.0), ((40, 40), 2.0), ((64, 8), np.sqrt(2))]:
        w = _orthogonal(impl, shape, 0, gain)
        gram = w.T @ w if shape[0] >= shape[1] else w @ w.T
        which = "WᵀW" if shape[0] >= shape[1] else "WWᵀ"
        error = np.abs(gram - gain ** 2 * np.eye(min(shape))).max()
        if error < 1e-10:
            continue
        if gain != 1 and np.abs(gram - np.eye(min(shape))).max() < 1e-10:
            raise AssertionError(f"orthogonal({shape}, gain={gain:g}): {which} is I, not gain²·I: the gain is "
                                 "not applied")
        norms = np.linalg.norm(w, axis=0 if shape[0] >= shape[1] else 1)
        if np.allclose(norms, gain, rtol=1e-9):
            raise AssertionError(f"orthogonal({shape}, gain={gain:g}): the {'columns' if shape[0] >= shape[1] else 'rows'} "
                                 "have the right length but are not perpendicular: normalizing is not orthogonalizing")
        raise AssertionError(f"orthogonal({shape}, gain={gain:g}): {which} is not gain²·I (off by {error:.2g}); "
                             "columns (tall) or rows (wide) must be orthonormal, times gain")
    a, b = _orthogonal(impl, (10, 10), 3), _orthogonal(impl, (10, 10), 3)
    assert np.array_equal(a, b), "orthogonal: the same seed gave different matrices; draw only from rng"
    # Haar: for a uniformly random orthogonal matrix W[0, 0] is positive half the time.
    # Without the sign fix, LAPACK's QR makes it negative (almost) always.
    draws = 400
    positive = np.mean([_orthogonal(impl, (4, 4), seed)[0, 0] > 0 for seed in range(draws)])
    assert abs(positive - 0.5) < 0.1, (
        f"orthogonal: W[0, 0] was positive in {positive:.0%} of {draws} draws: the matrix is not uniformly "
        "distributed (QR fixes the signs of R's diagonal, and so biases Q's signs)")


def _model(seed=0, depth=6, width=48, in_features=20):
    import tinynet as tn
    from tinynet import nn
    tn.manual_seed(seed)
    layers, fan_in = [], in_features
    for _ in range(depth):
        layers.append(nn.Dense(fan_in, width, activation="relu", kernel_initializer="orthogonal",
                               dtype=np.float64))
        fan_in = width
    return nn.Sequential(*layers)


def _variances(model, x):
    seen = []
    handles = [layer.register_forward_hook(lambda l, i, z, a: seen.append(float(np.var(z.data))))
               for layer in model.dense_layers()]
    model(x)
    for handle in handles:
        handle.remove()
    return np.array(seen)


def _activation_variances(model, x):
    seen = []
    handles = [layer.register_forward_hook(lambda l, i, z, a: seen.append(float(np.var(a.data))))
               for layer in model.dense_layers()]
    model(x)
    for handle in handles:
        handle.remove()
    return np.array(seen)


def _lsuv_diagnosis(impl, x, bad, variances):
    """What the wrong rescaling did, from the variances it left behind."""
    model = _model()
    call_exercise(impl.lsuv, model, x, tol=0.1, max_iter=10)
    if np.all(np.abs(_activation_variances(model, x) - 1) < 0.1):
        return ("after lsuv the activations a = relu(z) have unit variance, but the pre-activations z do "
                f"not (layers {bad.tolist()}): measure z, the output of x @ W + b, before the activation")
    if bad[0] == 0:
        return ("after lsuv the first layer's Var(z) is still not within tol of 1, so its rescale is wrong: "
                "multiplying W by c multiplies Var(z) by c², so which power of the variance undoes it?")
    return (f"after lsuv the first layer is right but layers {bad.tolist()} are not: a layer's Var(z) "
            "depends on the layers below it, so measure it after they have been rescaled")


def check_lsuv(impl):
    x = np.random.default_rng(9).standard_normal((256, 20)) * 3.0
    model = _model()
    before = [layer.kernel.data.copy() for layer in model.dense_layers()]
    counts = call_exercise(impl.lsuv, model, x, tol=0.1, max_iter=10)
    variances = _variances(model, x)
    bad = np.flatnonzero(np.abs(variances - 1) >= 0.1)
    if bad.size:
        raise AssertionError(_lsuv_diagnosis(impl, x, bad, variances))
    for i, (old, layer) in enumerate(zip(before, model.dense_layers())):
        ratio = layer.kernel.data / old
        assert np.allclose(ratio, ratio.flat[0], rtol=1e-9), (
            f"lsuv changed layer {i}'s kernel by more than a common factor; only rescale it")
    assert counts is not None and len(counts) == len(before), (
        f"lsuv should return one rescale count per Dense layer ({len(before)}), got {counts!r}")
    assert all(0 <= int(c) <= 10 for c in counts), f"rescale counts {counts} outside [0, max_iter]"
    assert all(int(c) <= 2 for c in counts), (
        f"rescale counts {counts}: with zero biases one rescale per layer suffices "
        "(z is linear in W), so each count should be 1 (or 0 if already within tol)")


HINTS = {
    "orthogonal": [
        "Start from a random Gaussian matrix and orthogonalize it; then fix the one arbitrary choice "
        "the factorization makes, or the result is not uniformly random among orthogonal matrices.",
        "For rows >= cols draw G of shape (rows, cols) and factor G = Q·R with Q (rows, cols) having "
        "orthonormal columns, R (cols, cols) upper triangular. QR is unique only up to the signs of R's "
        "diagonal; a wide (rows < cols) matrix is the transpose of a tall one.",
        "Draw the Gaussian with the larger dimension first, take its QR factorization, flip the sign of "
        "each column of Q whose matching diagonal entry of R is negative, transpose if the requested "
        "shape is wide, and multiply by the gain.",
    ],
    "lsuv": [
        "Go through the layers from the input upward. For each, look at what comes out of it on real "
        "data and rescale its kernel until that has unit variance; the layers above see the rescaled ones.",
        "z = a_prev·W + b is (batch, fan_out). Multiplying W by c multiplies z by c (zero bias) and Var(z) "
        "by c². A forward hook gives you z of one layer during model(x); z.data is a numpy array.",
        "For each Dense layer: register a hook that records the variance of z, run the model, remove the "
        "hook. While that variance is farther than tol from 1 and you have rescaled fewer than max_iter "
        "times, divide the kernel by the factor that brings the variance to 1, count, and measure again. "
        "Return the counts.",
    ],
}


EXERCISES = {"orthogonal": check_orthogonal, "lsuv": check_lsuv}


@pytest.mark.parametrize("name", list(EXERCISES))
def test_exercise(name):
    EXERCISES[name](graded_module(__file__, LESSON))
