"""Optimizers follow PyTorch's update rules exactly (float64)."""
import numpy as np
import pytest

import tinynet as tn
from tinynet import optim


def run(opt_factory, grads, w0):
    w = tn.Tensor(np.array(w0, dtype=np.float64), requires_grad=True)
    opt = opt_factory([w])
    for g in grads:
        w.grad = np.array(g, dtype=np.float64)
        opt.step()
    return w.data


GRADS = [[1.0, -2.0], [0.5, 0.5], [-1.0, 3.0]]


def test_plain_sgd():
    w = run(lambda p: optim.SGD(p, lr=0.1), GRADS, [1.0, 1.0])
    np.testing.assert_allclose(w, [1.0 - 0.1 * 0.5, 1.0 - 0.1 * 1.5], rtol=1e-15)


def test_momentum_nesterov_weight_decay_match_hand_computation():
    lr, mu, wd = 0.1, 0.9, 0.01
    for nesterov in (False, True):
        w, v = np.array([1.0, 1.0]), None
        for g in GRADS:
            g = np.array(g) + wd * w
            v = g.copy() if v is None else mu * v + g
            w = w - lr * (g + mu * v if nesterov else v)
        got = run(lambda p: optim.SGD(p, lr=lr, momentum=mu, nesterov=nesterov, weight_decay=wd), GRADS, [1.0, 1.0])
        np.testing.assert_allclose(got, w, rtol=1e-14)


def test_adam_matches_hand_computation():
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-8
    w, m, v = np.array([1.0, 1.0]), np.zeros(2), np.zeros(2)
    for t, g in enumerate(GRADS, start=1):
        g = np.array(g)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        w = w - lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)
    np.testing.assert_allclose(run(lambda p: optim.Adam(p, lr=lr), GRADS, [1.0, 1.0]), w, rtol=1e-14)


def test_zero_grad_sets_none_and_step_skips_missing_grads():
    w = tn.Tensor([1.0], requires_grad=True)
    opt = optim.SGD([w], lr=1.0)
    w.grad = np.array([1.0], dtype=np.float32)
    opt.zero_grad()
    assert w.grad is None
    opt.step()
    assert w.data[0] == 1.0


def test_updates_are_in_place_and_keep_dtype():
    w = tn.Tensor(np.ones(3, dtype=np.float32), requires_grad=True)
    buffer = w.data
    opt = optim.Adam([w], lr=0.1)
    w.grad = np.ones(3, dtype=np.float32)
    opt.step()
    assert w.data is buffer and w.dtype == np.float32


def test_bad_hyperparameters_are_clear_errors():
    w = [tn.Tensor([1.0], requires_grad=True)]
    with pytest.raises(ValueError, match="learning rate must be positive"):
        optim.SGD(w, lr=0)
    with pytest.raises(ValueError, match="empty parameter list"):
        optim.SGD([], lr=0.1)
    with pytest.raises(ValueError, match="Nesterov"):
        optim.SGD(w, lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match="unknown optimizer 'rmsprop'"):
        optim.get("rmsprop", w, 0.1)


# ------------------------------------------------------------------ the fused updates
def numpy_sgd(w, grads, lr, momentum=0.0, nesterov=False, weight_decay=0.0, dampening=0.0):
    """The unfused update: numpy one-liners in w's dtype (hyperparameters rounded to it)."""
    t = w.dtype.type
    w, v = w.copy(), None
    for grad in grads:
        if weight_decay:
            grad = grad + t(weight_decay) * w
        if momentum:
            if v is None:
                v = grad.copy()
            else:
                v *= t(momentum)
                v += t(1 - dampening) * grad
            grad = grad + t(momentum) * v if nesterov else v
        w -= t(lr) * grad
    return w


def numpy_adam(w, grads, lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
    t_ = w.dtype.type
    b1, b2 = betas
    w, m, v = w.copy(), np.zeros_like(w), np.zeros_like(w)
    for t, grad in enumerate(grads, start=1):
        if weight_decay:
            grad = grad + t_(weight_decay) * w
        m *= t_(b1)
        m += t_(1 - b1) * grad
        v *= t_(b2)
        v += t_(1 - b2) * grad * grad
        w -= t_(lr) * (m / t_(1 - b1**t)) / (np.sqrt(v / t_(1 - b2**t)) + t_(eps))
    return w


def fused_run(factory, w0, grads):
    p = tn.Tensor(w0.copy(), requires_grad=True)
    opt = factory([p])
    for g in grads:
        p.grad = g.copy()
        opt.step()
    return p.data


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("settings", [
    dict(lr=0.1), dict(lr=0.05, momentum=0.9), dict(lr=0.05, momentum=0.9, nesterov=True),
    dict(lr=0.05, momentum=0.8, weight_decay=0.01), dict(lr=0.05, momentum=0.8, dampening=0.3),
    dict(lr=0.02, weight_decay=0.1),
])
def test_fused_sgd_gives_the_bits_of_the_numpy_update(dtype, settings):
    rng = np.random.default_rng(0)
    w0 = rng.standard_normal((17, 5)).astype(dtype)
    grads = [rng.standard_normal((17, 5)).astype(dtype) for _ in range(6)]
    got = fused_run(lambda p: optim.SGD(p, **settings), w0, grads)
    np.testing.assert_array_equal(got, numpy_sgd(w0, grads, **settings))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("settings", [dict(lr=0.01), dict(lr=0.003, betas=(0.8, 0.99), eps=1e-6),
                                      dict(lr=0.01, weight_decay=0.05)])
def test_fused_adam_gives_the_bits_of_the_numpy_update(dtype, settings):
    rng = np.random.default_rng(1)
    w0 = rng.standard_normal(40).astype(dtype)
    grads = [rng.standard_normal(40).astype(dtype) for _ in range(6)]
    got = fused_run(lambda p: optim.Adam(p, **settings), w0, grads)
    np.testing.assert_array_equal(got, numpy_adam(w0, grads, **settings))


def test_a_transposed_parameter_is_updated_in_place_too():
    w0 = np.arange(6.0).reshape(2, 3)
    p = tn.Tensor(w0.copy(), requires_grad=True)
    p.data = p.data.T          # (3, 2), Fortran-ordered
    opt = optim.SGD([p], lr=0.5, momentum=0.9)
    p.grad = np.ones((3, 2))
    opt.step()
    np.testing.assert_array_equal(p.data, w0.T - 0.5)
