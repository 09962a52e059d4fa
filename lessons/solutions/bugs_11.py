"""Planted bugs for lesson 11: each must fail the grader."""
import numpy as np


def sgd_dampened(w, g, state, lr, momentum):          # v <- mu v + (1 - mu) g: an average, 1/(1-mu) too small
    state["velocity"] = momentum * state.get("velocity", 0.0) + (1 - momentum) * g
    return w - lr * state["velocity"]


def sgd_wrong_sign(w, g, state, lr, momentum):        # climbs the loss: W_new = W_old + lr * v
    state["velocity"] = momentum * state["velocity"] + g if "velocity" in state else np.array(g, dtype=np.float64)
    return w + lr * state["velocity"]


def sgd_forgets_velocity(w, g, state, lr, momentum):  # no state kept: plain SGD
    return w - lr * g


def sgd_momentum_on_gradient_only(w, g, state, lr, momentum):   # mu * g + g, no history
    return w - lr * (momentum * g + g)


def adam_no_bias_correction(w, g, state, lr, betas=(0.9, 0.999), eps=1e-8):
    b1, b2 = betas
    if "t" not in state:
        state["m"], state["v"], state["t"] = np.zeros_like(w, dtype=np.float64), np.zeros_like(w, dtype=np.float64), 0
    state["t"] += 1
    state["m"] = b1 * state["m"] + (1 - b1) * g
    state["v"] = b2 * state["v"] + (1 - b2) * g * g
    return w - lr * state["m"] / (np.sqrt(state["v"]) + eps)


def adam_eps_inside_root(w, g, state, lr, betas=(0.9, 0.999), eps=1e-8):
    b1, b2 = betas
    if "t" not in state:
        state["m"], state["v"], state["t"] = np.zeros_like(w, dtype=np.float64), np.zeros_like(w, dtype=np.float64), 0
    state["t"] += 1
    state["m"] = b1 * state["m"] + (1 - b1) * g
    state["v"] = b2 * state["v"] + (1 - b2) * g * g
    m_hat, v_hat = state["m"] / (1 - b1 ** state["t"]), state["v"] / (1 - b2 ** state["t"])
    return w - lr * m_hat / np.sqrt(v_hat + eps)


def adam_abs_not_square(w, g, state, lr, betas=(0.9, 0.999), eps=1e-8):   # v averages |g|, then its root
    b1, b2 = betas
    if "t" not in state:
        state["m"], state["v"], state["t"] = np.zeros_like(w, dtype=np.float64), np.zeros_like(w, dtype=np.float64), 0
    state["t"] += 1
    state["m"] = b1 * state["m"] + (1 - b1) * g
    state["v"] = b2 * state["v"] + (1 - b2) * np.abs(g)
    m_hat, v_hat = state["m"] / (1 - b1 ** state["t"]), state["v"] / (1 - b2 ** state["t"])
    return w - lr * m_hat / (np.sqrt(v_hat) + eps)


def adam_step_count_frozen(w, g, state, lr, betas=(0.9, 0.999), eps=1e-8):   # t stays 1
    b1, b2 = betas
    if "t" not in state:
        state["m"], state["v"], state["t"] = np.zeros_like(w, dtype=np.float64), np.zeros_like(w, dtype=np.float64), 1
    state["m"] = b1 * state["m"] + (1 - b1) * g
    state["v"] = b2 * state["v"] + (1 - b2) * g * g
    m_hat, v_hat = state["m"] / (1 - b1), state["v"] / (1 - b2)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps)


def adam_betas_swapped(w, g, state, lr, betas=(0.9, 0.999), eps=1e-8):
    b2, b1 = betas
    if "t" not in state:
        state["m"], state["v"], state["t"] = np.zeros_like(w, dtype=np.float64), np.zeros_like(w, dtype=np.float64), 0
    state["t"] += 1
    state["m"] = b1 * state["m"] + (1 - b1) * g
    state["v"] = b2 * state["v"] + (1 - b2) * g * g
    m_hat, v_hat = state["m"] / (1 - b1 ** state["t"]), state["v"] / (1 - b2 ** state["t"])
    return w - lr * m_hat / (np.sqrt(v_hat) + eps)


BUGS = {
    "sgd_momentum_update": [sgd_dampened, sgd_wrong_sign, sgd_forgets_velocity, sgd_momentum_on_gradient_only],
    "adam_update": [adam_no_bias_correction, adam_eps_inside_root, adam_abs_not_square,
                    adam_step_count_frozen, adam_betas_swapped],
}
