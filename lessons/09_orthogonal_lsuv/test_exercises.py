"""Grader for lesson 9. `tinynet check 9` grades your exercises.py; plain pytest grades the
reference solution (set TINYNET_GRADE=learner to grade yours with pytest)."""
import numpy as np
import pytest

from tinynet.lesson_tests import graded_module, call_exercise

LESSON = 9


def _orthogonal(impl, shape, seed, gain=1.0):
    w = call_exercise(impl.orthogonal, shape, np.random.default_rng(seed), gain=gain)
    assert isinstance(w, np.ndarray) and w.shape == tuple(shape), (
        f"orthogonal{shape} returned {getattr(w, 'shape', type(w).__name__)}; expected shape {shape}")
    return np.asarray(w, dtype=np.float64)


def check_orthogonal(impl):
    for shape, gain in [((50, 30), 1.0), ((30, 50), 1.0), ((40, 40), 2.0), ((64, 8), np.sqrt(2))]:
        w = _orthogonal(impl, shape, 0, gain)
        gram = w.T @ w if shape[0] >= shape[1] else w @ w.T
        which = "WᵀW" if shape[0] >= shape[1] else "WWᵀ"
        error = np.abs(gram - gain ** 2 * np.eye(min(shape))).max()
        assert error < 1e-10, (f"orthogonal({shape}, gain={gain:g}): {which} differs from gain²·I by "
                               f"{error:.2g}; columns (tall) or rows (wide) must be orthonormal, times gain")
    a, b = _orthogonal(impl, (10, 10), 3), _orthogonal(impl, (10, 10), 3)
    assert np.array_equal(a, b), "orthogonal: the same seed gave different matrices; draw only from rng"
    # Haar: for a uniformly random orthogonal matrix W[0, 0] is positive half the time.
    # Without the sign fix, LAPACK's QR makes it negative (almost) always.
    draws = 400
    positive = np.mean([_orthogonal(impl, (4, 4), seed)[0, 0] > 0 for seed in range(draws)])
    assert abs(positive - 0.5) < 0.1, (
        f"orthogonal: W[0, 0] was positive in {positive:.0%} of {draws} draws, expected ~50%: the "
        "matrix is not uniformly distributed. Multiply Q's columns by np.sign(np.diag(R)).")


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


def check_lsuv(impl):
    x = np.random.default_rng(9).standard_normal((256, 20)) * 3.0
    model = _model()
    before = [layer.kernel.data.copy() for layer in model.dense_layers()]
    counts = call_exercise(impl.lsuv, model, x, tol=0.1, max_iter=10)
    variances = _variances(model, x)
    bad = np.flatnonzero(np.abs(variances - 1) >= 0.1)
    assert bad.size == 0, (f"after lsuv, Var(z) per layer is {np.round(variances, 3)}; layers "
                           f"{bad.tolist()} are not within 0.1 of 1. Measure the PRE-activation z of the "
                           "layer, re-measure after each rescale, divide the kernel by sqrt(Var(z)).")
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


EXERCISES = {"orthogonal": check_orthogonal, "lsuv": check_lsuv}


@pytest.mark.parametrize("name", list(EXERCISES))
def test_exercise(name):
    EXERCISES[name](graded_module(__file__, LESSON))
