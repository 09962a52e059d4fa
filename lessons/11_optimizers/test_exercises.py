"""Grader for lesson 11. `tinynet check 11` grades your exercises.py; plain pytest grades it
too (TINYNET_GRADE=reference grades the reference solution).

Each optimizer is run for a few steps on one parameter with a fixed sequence of gradients,
and its trajectory is compared with the update rule written out here; when it differs, the
grader compares it with the usual mistakes to say which one it is.
"""
import numpy as np
import pytest

from tinynet.lesson_tests import call_exercise, expect, graded_module

LESSON = 11
SHAPE = (3, 4)


def _gradients(scale=1.0, steps=5, seed=0):
    rng = np.random.default_rng(seed)
    return [scale * rng.standard_normal(SHAPE) for _ in range(steps)]


def _run(fn, gradients, **settings):
    """The parameter after each step of ``fn`` (a fresh state dict, fresh copies)."""
    w, state, path = np.random.default_rng(9).standard_normal(SHAPE), {}, []
    for g in gradients:
        new = call_exercise(fn, w.copy(), g.copy(), state, **settings)
        new = np.asarray(new, dtype=np.float64) if new is not None else None
        assert new is not None and new.shape == SHAPE, (
            f"{fn.__name__} returned {None if new is None else new.shape}; return the new parameter, shape {SHAPE}")
        assert np.all(np.isfinite(new)), f"{fn.__name__} returned NaN or inf"
        path.append(new)
        w = new
    return path


def _start():
    return np.random.default_rng(9).standard_normal(SHAPE)


# --------------------------------------------------------------------------- SGD with momentum
def _sgd_path(gradients, lr, momentum, dampening=0.0):
    w, v, path = _start(), None, []
    for g in gradients:
        v = g.copy() if v is None else momentum * v + (1 - dampening) * g
        w = w - lr * v
        path.append(w)
    return path


def check_sgd_momentum_update(impl):
    lr, mu = 0.1, 0.9
    gradients = _gradients()
    got = _run(impl.sgd_momentum_update, gradients, lr=lr, momentum=mu)
    want = expect(_sgd_path(gradients, lr, mu))
    first = (got[0] - _start()) / (-lr * gradients[0])
    if np.allclose(first, -1):
        raise AssertionError("sgd_momentum_update moved the parameter along the gradient, uphill: the loss "
                             "grows at every step")
    if np.allclose(first, 1 - mu):
        raise AssertionError(f"sgd_momentum_update: the first step is {1 - mu:g} of lr·g; the velocity is "
                             "a sum of past gradients, not their moving average (no (1 - momentum) factor)")
    if np.allclose(first, 1 + mu):
        raise AssertionError(f"sgd_momentum_update: the first step is {1 + mu:g} times lr·g; at the first "
                             "step there is no earlier gradient to add")
    assert np.allclose(first, 1), ("sgd_momentum_update: the first step is not lr times the gradient; "
                                   "check the learning rate and the sign")
    if np.allclose(got[1], got[0] - lr * gradients[1]):
        raise AssertionError("sgd_momentum_update: from the second step on the update uses only the current "
                             "gradient: nothing is carried over in `state`, so earlier gradients do not count")
    for step, (a, b) in enumerate(zip(got, want)):
        assert np.allclose(a, b, rtol=1e-10, atol=1e-12), (
            f"sgd_momentum_update: the parameter after step {step + 1} is off (largest error "
            f"{np.abs(a - b).max():.3g}); the velocity is momentum times the old velocity plus the gradient")


# --------------------------------------------------------------------------- Adam
def _adam_path(gradients, lr, betas=(0.9, 0.999), eps=1e-8, correct=True, frozen_t=False, square=True,
               eps_inside=False):
    b1, b2 = betas
    w, m, v, path = _start(), 0.0, 0.0, []
    for t, g in enumerate(gradients, start=1):
        t_used = 1 if frozen_t else t
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * (g * g if square else np.abs(g))
        m_hat = m / (1 - b1 ** t_used) if correct else m
        v_hat = v / (1 - b2 ** t_used) if correct else v
        w = w - lr * m_hat / (np.sqrt(v_hat + eps) if eps_inside else np.sqrt(v_hat) + eps)
        path.append(w)
    return path


def _same(a, b):
    return all(np.allclose(x, y, rtol=1e-9, atol=1e-13) for x, y in zip(a, b))


def check_adam_update(impl):
    lr = 1e-3
    for scale in (1e-6, 1e-3, 1.0):
        gradients = _gradients(scale)
        got = _run(impl.adam_update, gradients, lr=lr)
        want = expect(_adam_path(gradients, lr))
        if _same(got, want):
            continue
        first = np.abs(got[0] - _start()) / lr
        where = f"for gradients of size about {scale:g}"
        if _same(got, _adam_path(gradients, lr, correct=False)):
            raise AssertionError(f"adam_update: the first step is about {np.median(first):.3g} times lr; the "
                                 "averages start at zero and are not corrected for it")
        if _same(got, _adam_path(gradients, lr, square=False)):
            raise AssertionError(f"adam_update {where}: the step size depends on the gradient's scale: "
                                 "the second average is not of the squared gradient")
        if _same(got, _adam_path(gradients, lr, eps_inside=True)):
            raise AssertionError(f"adam_update {where}: the steps are {np.median(first):.3g} times lr; eps sits "
                                 "inside the square root, where it swamps small squared gradients")
        if _same(got, _adam_path(gradients, lr, frozen_t=True)):
            raise AssertionError("adam_update: the first step is right, the later ones are not; the bias "
                                 "correction uses the same step count every time")
        if _same(got, _adam_path(gradients, lr, betas=(0.999, 0.9))):
            raise AssertionError("adam_update: the first step is right, the later ones are not; each beta "
                                 "belongs to the other average")
        for step, (a, b) in enumerate(zip(got, want)):
            assert np.allclose(a, b, rtol=1e-9, atol=1e-13), (
                f"adam_update {where}: the parameter after step {step + 1} is off (largest error "
                f"{np.abs(a - b).max():.3g}, {np.abs(a - b).max() / lr:.3g} times lr)")


EXERCISES = {"sgd_momentum_update": check_sgd_momentum_update, "adam_update": check_adam_update}

HINTS = {
    "sgd_momentum_update": [
        "Momentum remembers where the previous steps went: the step is a running sum of gradients "
        "in which older gradients count less and less, so a direction that keeps coming back builds up speed.",
        "With velocity v (same shape as w), each step first updates v from its old value, the momentum "
        "coefficient and the new gradient g, then moves w against v, scaled by lr. At the very first "
        "step there is no old velocity: v is the gradient itself.",
        "If 'velocity' is not in state yet, store a copy of g there; otherwise replace it by momentum "
        "times itself plus g. Return w minus lr times the stored velocity.",
    ],
    "adam_update": [
        "Adam keeps two running averages per parameter, of the gradient and of its square. Dividing the "
        "first by the square root of the second makes each parameter's step about lr whatever the "
        "gradient's scale: that is the point of this lesson.",
        "m and v have w's shape and start at 0, so early on they are too small by the factor 1 - beta^t "
        "(t = 1, 2, ... counts the steps of this parameter); divide each by its factor before using it. "
        "eps is added after the square root.",
        "Keep m, v and the step count t in state (create them on the first call). Each call: increase t; "
        "blend g into m with betas[0] and g*g into v with betas[1]; correct both for their start at zero; "
        "return w minus lr times corrected m over (square root of corrected v plus eps).",
    ],
}


@pytest.mark.parametrize("name", list(EXERCISES))
def test_exercise(name):
    EXERCISES[name](graded_module(__file__, LESSON))
