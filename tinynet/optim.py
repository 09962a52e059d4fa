"""Optimizers: SGD (momentum, Nesterov, weight decay) and Adam.

Updates happen in place on each parameter's array, with PyTorch's conventions, so a
learner can compare numbers line by line:

SGD:   g ← ∇ + λ·w;   v ← μ·v + (1−d)·g  (v ← g at the first step);
       step = g + μ·v (Nesterov) or v;   w ← w − lr·step
Adam:  g ← ∇ + λ·w;   m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  w ← w − lr·m̂/(√v̂ + ε)
       with the bias corrections m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ)   (Kingma & Ba 2015).

Each update is one numba loop over the parameter's entries (:func:`_sgd_update`,
:func:`_adam_update`): it reads w, ∇ and the state once and writes w and the state in
place, with no temporary arrays. The loops do exactly the roundings of the numpy
one-liners above, in the parameter's dtype and in the same order (the hyperparameters
are rounded to that dtype first, as numpy does with a Python float), so they give the
same bits as numpy would; ``tests/test_optim.py`` checks that against numpy versions.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit


@njit(cache=True, error_model="numpy")
def _sgd_update(w, g, v, lr, mu, damped, wd, nesterov, first):
    """One SGD step on flat arrays: w, g (∇), v (velocity; empty without momentum).

    ``damped`` = 1 − dampening; every scalar has w's dtype; ``first``: v ← g.
    """
    momentum = v.shape[0] == w.shape[0]
    for i in range(w.shape[0]):
        gi = g[i]
        if wd != 0:
            gi = gi + wd * w[i]
        if momentum:
            vi = gi if first else v[i] * mu + damped * gi
            v[i] = vi
            gi = gi + mu * vi if nesterov else vi
        w[i] = w[i] - lr * gi


@njit(cache=True, error_model="numpy")
def _adam_update(w, g, m, v, lr, b1, b2, c1, c2, bc1, bc2, eps, wd):
    """One Adam step on flat arrays: c1 = 1−β₁, c2 = 1−β₂, bc1 = 1−β₁ᵗ, bc2 = 1−β₂ᵗ."""
    for i in range(w.shape[0]):
        gi = g[i]
        if wd != 0:
            gi = gi + wd * w[i]
        mi = m[i] * b1 + c1 * gi
        vi = v[i] * b2 + c2 * gi * gi
        m[i] = mi
        v[i] = vi
        w[i] = w[i] - lr * (mi / bc1) / (math.sqrt(vi / bc2) + eps)


def _update_in_place(kernel, w, *args):
    """``kernel(w_flat, *args)`` on a 1-D view of the parameter array ``w``, so the update
    lands in ``w`` itself; through a contiguous copy, written back, if ``w`` is not
    C-contiguous (e.g. a transposed array assigned to ``p.data``)."""
    if w.flags.c_contiguous:
        kernel(w.reshape(-1), *args)
        return
    flat = np.ascontiguousarray(w).reshape(-1)
    kernel(flat, *args)
    w[...] = flat.reshape(w.shape)


def _flat(a, dtype):
    """A 1-D view of ``a`` (C-contiguous, of ``dtype``), or a converted copy if it is not one."""
    if a.dtype != dtype or not a.flags.c_contiguous:
        a = np.ascontiguousarray(a, dtype)
    return a.reshape(-1)


class Optimizer:
    def __init__(self, params, lr):
        self.params = list(params)
        if not self.params:
            raise ValueError("the optimizer got an empty parameter list: pass model.parameters()")
        if not lr > 0:
            raise ValueError(f"the learning rate must be positive, got lr={lr}")
        self.lr = float(lr)
        self.state = [dict() for _ in self.params]
        self.steps = 0

    def zero_grad(self):
        """Set every gradient to None (as PyTorch does), ready for the next backward()."""
        for p in self.params:
            p.grad = None

    def step(self):
        """Update every parameter that has a gradient, in place.

        The hyperparameters are rounded to each parameter dtype once per step (not once
        per parameter), then shared by every parameter of that dtype; rounding again each
        step keeps a changed ``opt.lr`` effective at the next step.
        """
        self.steps += 1
        rounded = {}   # dtype -> this step's hyperparameters as scalars of that dtype
        for p, state in zip(self.params, self.state):
            grad = p.grad
            if grad is None:
                continue
            w = p.data
            hyper = rounded.get(w.dtype)
            if hyper is None:
                hyper = rounded[w.dtype] = self._hyperparameters(w.dtype.type)
            self._update(w, grad, state, hyper)

    def _hyperparameters(self, scalar):  # pragma: no cover - interface
        """The hyperparameters ``_update`` needs, each as ``scalar(value)`` (e.g. np.float32)."""
        raise NotImplementedError(f"{type(self).__name__} must define _hyperparameters(scalar)")

    def _update(self, w, grad, state, hyper):  # pragma: no cover - interface
        """Update the parameter array ``w`` in place from ``grad`` and its ``state`` dict."""
        raise NotImplementedError(f"{type(self).__name__} must define _update(w, grad, state, hyper)")


#: The velocity passed to the SGD kernel when there is no momentum (an empty array: the
#: kernel's signal to skip the velocity), one per float dtype a parameter can have.
_NO_VELOCITY = {np.dtype(np.float32): np.empty(0, np.float32), np.dtype(np.float64): np.empty(0, np.float64)}


class SGD(Optimizer):
    """Stochastic gradient descent with optional momentum, Nesterov and weight decay."""

    def __init__(self, params, lr=0.01, momentum=0.0, nesterov=False, weight_decay=0.0, dampening=0.0):
        super().__init__(params, lr)
        if momentum < 0 or weight_decay < 0:
            raise ValueError(f"momentum and weight_decay must be >= 0, got {momentum} and {weight_decay}")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum needs momentum > 0 and dampening = 0")
        self.momentum, self.nesterov = float(momentum), bool(nesterov)
        self.weight_decay, self.dampening = float(weight_decay), float(dampening)

    def _hyperparameters(self, t):
        return t(self.lr), t(self.momentum), t(1 - self.dampening), t(self.weight_decay)

    def _update(self, w, grad, state, hyper):
        lr, mu, damped, wd = hyper
        v = state.get("velocity")
        first = v is None
        if self.momentum:
            if first:
                v = state["velocity"] = np.empty(w.shape, w.dtype)
            v = v.reshape(-1)
        else:
            v = _NO_VELOCITY[w.dtype]
        _update_in_place(_sgd_update, w, _flat(grad, w.dtype), v, lr, mu, damped, wd, self.nesterov, first)


class Adam(Optimizer):
    """Adam (Kingma & Ba 2015) with PyTorch's defaults and L2 weight decay."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        super().__init__(params, lr)
        b1, b2 = betas
        if not (0 <= b1 < 1 and 0 <= b2 < 1):
            raise ValueError(f"Adam betas must be in [0, 1), got {betas}")
        if eps <= 0 or weight_decay < 0:
            raise ValueError(f"Adam needs eps > 0 and weight_decay >= 0, got {eps} and {weight_decay}")
        self.betas, self.eps, self.weight_decay = (float(b1), float(b2)), float(eps), float(weight_decay)

    def _hyperparameters(self, d):
        b1, b2 = self.betas
        return d(self.lr), d(b1), d(b2), d(1 - b1), d(1 - b2), d(self.eps), d(self.weight_decay)

    def _update(self, w, grad, state, hyper):
        lr, b1, b2, c1, c2, eps, wd = hyper
        if "m" not in state:
            state["m"], state["v"], state["t"] = np.zeros(w.shape, w.dtype), np.zeros(w.shape, w.dtype), 0
        state["t"] += 1
        t, d = state["t"], w.dtype.type
        beta1, beta2 = self.betas   # the bias corrections 1 − βᵗ, from the Python floats
        _update_in_place(_adam_update, w, _flat(grad, w.dtype), state["m"].reshape(-1), state["v"].reshape(-1),
                         lr, b1, b2, c1, c2, d(1 - beta1**t), d(1 - beta2**t), eps, wd)


def get(name, params, lr, momentum=0.9):
    """An optimizer by name ("sgd", "momentum", "nesterov", "adam"), for the command line."""
    name = name.lower()
    if name == "sgd":
        return SGD(params, lr=lr)
    if name == "momentum":
        return SGD(params, lr=lr, momentum=momentum)
    if name == "nesterov":
        return SGD(params, lr=lr, momentum=momentum, nesterov=True)
    if name == "adam":
        return Adam(params, lr=lr)
    raise ValueError(f"unknown optimizer {name!r}; choose one of 'sgd', 'momentum', 'nesterov', 'adam'")
