"""Grader for lesson 15 (your own initializer). `tinynet check 15` grades your
exercises.py; plain pytest grades it too (TINYNET_GRADE=reference grades the reference)."""
import math

import numpy as np
import pytest

from tinynet.lesson_tests import graded_module

LESSON = 15


def _kernel(fn, shape, seed):
    try:
        w = fn(shape, np.random.default_rng(seed))
    except NotImplementedError:
        raise
    except Exception as error:
        raise AssertionError(f"my_initializer({shape}, rng) raised {type(error).__name__}: {error}") from None
    assert isinstance(w, np.ndarray) and w.shape == tuple(shape), (
        f"my_initializer({shape}, rng) returned {getattr(w, 'shape', type(w).__name__)}; expected a "
        f"numpy array of shape {shape}")
    assert np.all(np.isfinite(w)), f"my_initializer({shape}, rng) returned NaN or inf"
    return np.asarray(w, dtype=np.float64)


def _as_initializer(fn, seed):
    """Adapt my_initializer to tinynet's initializer protocol: fn(shape, dtype) -> array."""
    rng = np.random.default_rng(seed)

    def initializer(shape, dtype=None):
        return np.asarray(fn(tuple(shape), rng), dtype=dtype or np.float64)

    return initializer


def _mlp(fn, depth, width, in_features, classes=None, seed=0):
    from tinynet import nn
    make = _as_initializer(fn, seed)
    layers, fan_in = [], in_features
    for _ in range(depth):
        layers.append(nn.Dense(fan_in, width, activation="relu", kernel_initializer=make, dtype=np.float64))
        fan_in = width
    if classes:
        layers.append(nn.Dense(fan_in, classes, kernel_initializer=make, dtype=np.float64))
    return nn.Sequential(*layers)


def _sanity(fn):
    for shape in [(64, 32), (32, 64), (128, 128)]:
        w = _kernel(fn, shape, 0)
        assert np.any(w != 0), (f"my_initializer{shape}: every weight is 0, so no signal passes forward "
                                "and no gradient reaches the hidden layers (lesson 4)")
        distinct = np.unique(np.round(w.T, 12), axis=0).shape[0]
        assert distinct == shape[1], (
            f"my_initializer{shape}: only {distinct} of {shape[1]} units (columns) differ; identical "
            "units get identical gradients and stay identical (lesson 5)")
    a, b = _kernel(fn, (40, 30), 5), _kernel(fn, (40, 30), 5)
    assert np.array_equal(a, b), "my_initializer: the same seed gave different kernels; draw only from rng"


def _keeps_scale(fn):
    import tinynet as tn
    x = np.random.default_rng(1).standard_normal((256, 128))
    stds = []
    model = _mlp(fn, depth=20, width=128, in_features=128)
    hooks = [layer.register_forward_hook(lambda l, i, z, a: stds.append(float(a.data.std())))
             for layer in model.dense_layers()]
    with tn.no_grad():
        model(x)
    for h in hooks:
        h.remove()
    ratio = stds[-1] / stds[0] if stds[0] > 0 else 0.0
    assert 0.25 <= ratio <= 4.0, (
        f"through 20 ReLU layers of 128 your init changes the activation std by a factor {ratio:.3g} "
        "(layer 20 / layer 1); it should stay within 4x either way. ReLU halves the second "
        "moment per layer: Var(W) = 2/fan_in compensates (lesson 8).")


def _learns_spirals(fn):
    from tinynet import data, optim
    from tinynet.train import fit
    x, y = data.spirals(600, classes=3, seed=0)
    model = _mlp(fn, depth=6, width=64, in_features=2, classes=3, seed=2)
    optimizer = optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    with np.errstate(all="ignore"):
        history = fit(model, x, y, optimizer, steps=300, progress=False, stop_on_divergence=False)
    final = float(np.mean(history.step_loss[-10:]))
    assert math.isfinite(final) and final < 0.5 * math.log(3), (
        f"a 6 x 64 ReLU MLP initialized with your kernels ends 300 steps of training on the "
        f"3-class spirals at loss {final:.3g}; it should get below 0.5·ln 3 = {0.5 * math.log(3):.3f}")


def check_my_initializer(impl):
    _sanity(impl.my_initializer)
    _keeps_scale(impl.my_initializer)
    _learns_spirals(impl.my_initializer)


EXERCISES = {"my_initializer": check_my_initializer}

HINTS = {
    "my_initializer": [
        "Three things must hold at once: the units must differ (lesson 5), the variance must be kept "
        "through ReLU layers (lessons 6 and 8), and the draw must come only from the generator you are "
        "given, so a seed reproduces it.",
        "For a kernel of shape (fan_in, fan_out) feeding a ReLU, each layer multiplies the variance of "
        "the pre-activations by fan_in * Var(W) / 2. Choose Var(W) so that this factor is one; an "
        "orthogonal matrix (lesson 9) with each column's squared norm set to the same target also works.",
        "Draw a zero-mean matrix of the given shape with rng (a normal, a uniform with the matching limit, "
        "or the Q of a QR decomposition), scale it to the variance the ReLU rule asks for, and return it "
        "as float64.",
    ],
}


@pytest.mark.parametrize("name", list(EXERCISES))
def test_exercise(name):
    EXERCISES[name](graded_module(__file__, LESSON))
