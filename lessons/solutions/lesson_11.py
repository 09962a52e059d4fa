"""Reference solutions for lesson 11 (two optimizers, one parameter at a time)."""
import numpy as np


def sgd_momentum_update(w, g, state, lr, momentum):
    """PyTorch's SGD with momentum: v <- momentum * v + g (v = g at the first step); w <- w - lr * v."""
    if "velocity" not in state:
        state["velocity"] = np.array(g, dtype=np.float64, copy=True)
    else:
        state["velocity"] = momentum * state["velocity"] + g
    return w - lr * state["velocity"]


def adam_update(w, g, state, lr, betas=(0.9, 0.999), eps=1e-8):
    """Adam (Kingma & Ba 2015): moving averages of g and g², bias-corrected, eps outside the root."""
    b1, b2 = betas
    if "t" not in state:
        state["m"], state["v"], state["t"] = np.zeros_like(w, dtype=np.float64), np.zeros_like(w, dtype=np.float64), 0
    state["t"] += 1
    state["m"] = b1 * state["m"] + (1 - b1) * g
    state["v"] = b2 * state["v"] + (1 - b2) * g * g
    m_hat = state["m"] / (1 - b1 ** state["t"])
    v_hat = state["v"] / (1 - b2 ** state["t"])
    return w - lr * m_hat / (np.sqrt(v_hat) + eps)
