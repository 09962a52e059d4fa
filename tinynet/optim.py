"""Optimizers: SGD (momentum, Nesterov, weight decay) and Adam.

Updates happen in place on each parameter's array, under no_grad, with PyTorch's
conventions, so a learner can compare numbers line by line:

SGD:   g ← ∇ + λ·w;   v ← μ·v + g;   step = g + μ·v (Nesterov) or v;   w ← w − lr·step
Adam:  m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  w ← w − lr·m̂/(√v̂ + ε)
       with the bias corrections m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ)   (Kingma & Ba 2015).
"""
from __future__ import annotations

import numpy as np


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
        self.steps += 1
        for p, state in zip(self.params, self.state):
            if p.grad is not None:
                self._update(p, p.grad, state)

    def _update(self, p, grad, state):  # pragma: no cover - interface
        raise NotImplementedError


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

    def _update(self, p, grad, state):
        w = p.data
        lr = w.dtype.type(self.lr)
        if self.weight_decay:
            grad = grad + w.dtype.type(self.weight_decay) * w
        if self.momentum:
            mu = w.dtype.type(self.momentum)
            v = state.get("velocity")
            if v is None:
                v = state["velocity"] = grad.astype(w.dtype, copy=True)
            else:
                v *= mu
                v += w.dtype.type(1 - self.dampening) * grad
            grad = grad + mu * v if self.nesterov else v
        w -= lr * grad


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

    def _update(self, p, grad, state):
        w = p.data
        b1, b2 = self.betas
        if self.weight_decay:
            grad = grad + self.weight_decay * w
        if "m" not in state:
            state["m"], state["v"], state["t"] = np.zeros_like(w), np.zeros_like(w), 0
        state["t"] += 1
        t, m, v = state["t"], state["m"], state["v"]
        m *= b1
        m += (1 - b1) * grad
        v *= b2
        v += (1 - b2) * grad * grad
        m_hat = m / (1 - b1**t)
        v_hat = v / (1 - b2**t)
        w -= (self.lr * m_hat / (np.sqrt(v_hat) + self.eps)).astype(w.dtype, copy=False)


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
