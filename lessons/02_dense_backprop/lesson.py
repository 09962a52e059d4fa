# %% [markdown]
# # Lesson 2 — Backprop through Dense by hand
#
# A two-layer classifier, Z1 = X W1 + b1, A1 = relu(Z1), Z2 = A1 W2 + b2, loss =
# softmax cross-entropy. We derive every gradient with matrix calculus (README), write the
# backward pass in numpy, and check it against tinynet's autograd in float64: they agree
# to rounding. Then both train side by side and follow the same loss curve.
# Run: `python lesson.py` (about 1.5 s on an idle 2-core machine).

# %%
import os
from pathlib import Path

import numpy as np

import tinynet as tn
from tinynet import data, mine, nn, optim
from tinynet.nn import functional as F

tn, nn, F, optim = mine.modules(tn, nn, F, optim)   # `tinynet lesson 2 --mine`: your engine from lessons 1-3

HERE = Path(__file__).resolve().parent
OUT = Path(os.environ.get("TINYNET_OUT", HERE / "out"))


def spiral_problem(n=300, seed=0):
    x, y = data.spirals(n, classes=3, noise=0.1, seed=seed)
    return x.astype(np.float64), y


def make_model(hidden=16, seed=0):
    tn.manual_seed(seed)
    return nn.Sequential(nn.Dense(2, hidden, activation="relu", kernel_initializer="he_normal", dtype=np.float64),
                         nn.Dense(hidden, 3, dtype=np.float64))


# %% The backward pass written out
def dense_backward(x, W, b, dz):
    """One Dense layer z = x W + b backwards: (dL/dx, dL/dW, dL/db) from dL/dz."""
    return dz @ W.T, x.T @ dz, dz.sum(axis=0)


dense_backward = mine.piece(2, "dense_backward", dense_backward)   # --mine: your lesson-2 backward


def hand_backward(x, y, W1, b1, W2, b2):
    """Loss and gradients of the two-layer classifier, by the formulas of the README."""
    n = len(x)
    z1 = x @ W1 + b1
    a1 = np.maximum(z1, 0.0)
    z2 = a1 @ W2 + b2
    shifted = z2 - z2.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_p[np.arange(n), y].mean()
    dz2 = np.exp(log_p)
    dz2[np.arange(n), y] -= 1.0
    dz2 /= n                                   # softmax cross-entropy: (p − y) / N
    da1, dW2, db2 = dense_backward(a1, W2, b2, dz2)
    dz1 = da1 * (z1 > 0)                       # relu'(z) = 1 where z > 0
    _, dW1, db1 = dense_backward(x, W1, b1, dz1)
    return float(loss), {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


def autograd_backward(model, x, y):
    model.zero_grad()
    loss = F.cross_entropy(model(tn.Tensor(x)), y)
    loss.backward()
    first, second = model.dense_layers()
    grads = {"W1": first.kernel.grad, "b1": first.bias.grad, "W2": second.kernel.grad, "b2": second.bias.grad}
    return float(loss.data), grads


def compare_gradients(seed=0):
    """Largest |hand − autograd| over every gradient element, and the gradients' shapes."""
    x, y = spiral_problem(seed=seed)
    model = make_model(seed=seed)
    first, second = model.dense_layers()
    params = [p.data for p in (first.kernel, first.bias, second.kernel, second.bias)]
    loss_hand, hand = hand_backward(x, y, *params)
    loss_auto, auto = autograd_backward(model, x, y)
    return {"loss_difference": abs(loss_hand - loss_auto),
            "max_difference": max(float(np.max(np.abs(hand[k] - auto[k]))) for k in hand),
            "shapes": {k: v.shape for k, v in hand.items()}}


# %% Training with the hand-written gradients and with autograd
def train_both(steps=300, lr=0.5, seed=0):
    """Full-batch gradient descent twice from the same start: hand gradients, tinynet autograd."""
    x, y = spiral_problem(seed=seed)
    model = make_model(seed=seed)
    params = {k: p.data.copy() for k, p in zip(("W1", "b1", "W2", "b2"), model.parameters())}
    opt = optim.SGD(model.parameters(), lr=lr)
    hand_losses, auto_losses = [], []
    for _ in range(steps):
        loss, grads = hand_backward(x, y, params["W1"], params["b1"], params["W2"], params["b2"])
        hand_losses.append(loss)
        for k in params:
            params[k] -= lr * grads[k]
        opt.zero_grad()
        out = F.cross_entropy(model(tn.Tensor(x)), y)
        out.backward()
        opt.step()
        auto_losses.append(float(out.data))
    return np.asarray(hand_losses), np.asarray(auto_losses)


# %% Figures and printout
def plot_losses(hand, auto, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(hand, lw=3, alpha=0.5, label="hand-written backward (numpy)")
    ax.plot(auto, "k--", lw=1, label="tinynet autograd")
    ax.set_xlabel("gradient-descent step (full batch)")
    ax.set_ylabel("cross-entropy (nats)")
    ax.set_title(f"Hand-written backward and autograd: largest gap over {len(hand)} steps "
                 f"{np.max(np.abs(hand - auto)):.1e}", fontsize=10)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    c = compare_gradients()
    print("gradient shapes:", ", ".join(f"d{k} {v}" for k, v in c["shapes"].items()))
    print(f"hand-written backward vs autograd (float64): max |difference| {c['max_difference']:.1e}, "
          f"loss difference {c['loss_difference']:.1e}")
    hand, auto = train_both()
    print(f"training 300 steps: loss {hand[0]:.4f} -> {hand[-1]:.4f} by hand, {auto[-1]:.4f} by autograd "
          f"(largest gap along the way {np.max(np.abs(hand - auto)):.1e})")
    plot_losses(hand, auto, OUT / "02_hand_vs_autograd.png")
    print(f"figure: {OUT / '02_hand_vs_autograd.png'}")


# %%
if __name__ == "__main__":
    main()
