# %% [markdown]
# # Lesson 4 — Zeros stall
#
# Lesson 3's network, every weight started at 0. The hidden-weight gradients are exactly
# 0 at every step, so nothing but the output bias can move — and on balanced classes even
# its gradient is 0: the loss sits at ln 2 and the accuracy at 0.5 forever. With random
# biases the gradient creeps in one layer per step: W3 at step 0, W2 at step 1, W1 at
# step 2. Run: `python lesson.py` (about 4 s on an idle 2-core machine).

# %%
import importlib.util
import os
from pathlib import Path

import numpy as np

import tinynet as tn
from tinynet import init, mine, nn, optim
from tinynet.nn import functional as F

tn, nn, F, optim = mine.modules(tn, nn, F, optim)   # `tinynet lesson 4 --mine`: your engine from lessons 1-3

HERE = Path(__file__).resolve().parent
OUT = Path(os.environ.get("TINYNET_OUT", HERE / "out"))
_spec = importlib.util.spec_from_file_location("tinynet_lesson_03_for_04", HERE.parent / "03_training_mlp" / "lesson.py")
lesson3 = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lesson3)
NAMES = ("W1", "b1", "W2", "b2", "W3", "b3")


def build_model(hidden="relu", bias_initializer="zeros"):
    """Lesson 3's 2-10-5-1 network with every kernel zero (float64)."""
    return nn.Sequential(
        nn.Dense(2, 10, activation=hidden, kernel_initializer="zeros", bias_initializer=bias_initializer, dtype=np.float64),
        nn.Dense(10, 5, activation=hidden, kernel_initializer="zeros", bias_initializer=bias_initializer, dtype=np.float64),
        nn.Dense(5, 1, kernel_initializer="zeros", bias_initializer=bias_initializer, dtype=np.float64),
    )


def gradient_history(model, x, y, steps, lr=0.01):
    """Train with tinynet; per step the loss and a copy of every gradient (before the update)."""
    opt = optim.SGD(model.parameters(), lr=lr)
    inputs, targets = tn.Tensor(x), y.reshape(-1, 1).astype(np.float64)
    history, losses = [], []
    for _ in range(steps):
        loss = F.binary_cross_entropy_with_logits(model(inputs), targets)
        opt.zero_grad()
        loss.backward()
        history.append({name: p.grad.copy() for name, p in zip(NAMES, model.parameters())})
        losses.append(float(loss.data))
        opt.step()
    return history, np.asarray(losses)


def first_nonzero(history):
    """For each parameter, the first step whose gradient has a non-zero element (None: never)."""
    return {name: next((step for step, grads in enumerate(history) if np.any(grads[name] != 0)), None)
            for name in NAMES}


first_nonzero = mine.piece(4, "first_nonzero_step", first_nonzero)   # --mine: your lesson-4 measure


# %% Experiment 1: all zeros, ReLU
def zeros_relu(engine_steps=500, long_steps=15_000):
    """Exact zeros, measured with tinynet for ``engine_steps`` (every gradient inspected), then
    the full 15,000 steps with lesson 3's trainer (the final weights and every loss)."""
    (x, y), (xt, yt) = lesson3.circles_problem()
    model = build_model("relu")
    history, losses = gradient_history(model, x, y, engine_steps)
    hidden_max = max(float(np.max(np.abs(g[n]))) for g in history for n in ("W1", "W2", "b1", "b2"))
    kernels = [np.zeros((1,) + layer.kernel.shape) for layer in build_model("relu").dense_layers()]
    W, b, long_losses = lesson3.train_numpy(kernels, x, y, long_steps)
    logits_train, logits_test = lesson3.predict_numpy(W, b, x)[0], lesson3.predict_numpy(W, b, xt)[0]
    exact = {n: all(np.all(g[n] == 0) for g in history) for n in NAMES if n != "b3"}
    return {"hidden_grad_max": hidden_max, "first_nonzero": first_nonzero(history),
            "exactly_zero": exact, "b3_grad_step0": float(history[0]["b3"][0]),
            "class_counts": (int(np.sum(y == 0)), int(np.sum(y == 1))),
            "b3_grad_max": max(float(np.abs(g["b3"]).max()) for g in history),
            "loss_deviation": float(np.max(np.abs(long_losses[:, 0] - np.log(2)))),
            "weights_still_zero": all(np.all(w == 0) for w in W),
            "train_accuracy": lesson3.accuracy(logits_train, y), "test_accuracy": lesson3.accuracy(logits_test, yt),
            "engine_losses": losses, "steps": long_steps}


# %% Experiment 2: all zeros, sigmoid hidden units
def zeros_sigmoid(steps=300, balanced=True):
    """Sigmoid hidden units output σ(0) = 1/2, not 0, so W3's gradient is ½·Σₙ dzₙ per unit.

    On balanced classes Σₙ (σ(0) − yₙ) = 0 and that too vanishes; drop 50 points of one
    class and the gradients become non-zero — yet every unit of a layer stays identical.
    """
    (x, y), _ = lesson3.circles_problem()
    if not balanced:
        keep = np.r_[np.flatnonzero(y == 0), np.flatnonzero(y == 1)[:100]]
        x, y = x[keep], y[keep]
    model = build_model("sigmoid")
    history, losses = gradient_history(model, x, y, steps)
    first, second, _ = model.dense_layers()
    spread = max(float(np.ptp(layer.kernel.data, axis=1).max()) for layer in (first, second))
    return {"grad_max": {n: max(float(np.max(np.abs(g[n]))) for g in history) for n in NAMES},
            "unit_spread": spread, "loss_change": float(losses[0] - losses[-1])}


# %% Experiment 3: zero weights, random biases
def random_biases(seed=0, steps=5):
    """Kernels 0, biases ~ N(0, 1): the first non-zero gradient step of each parameter."""
    (x, y), _ = lesson3.circles_problem()
    tn.manual_seed(seed)
    model = build_model("relu", bias_initializer=init.RandomNormal(mean=0.0, stddev=1.0))
    history, _ = gradient_history(model, x, y, steps)
    return first_nonzero(history)


# %% Printout and figure
def main():
    OUT.mkdir(parents=True, exist_ok=True)
    r = zeros_relu()
    print(f"zeros, ReLU: largest hidden gradient in 500 tinynet steps = {r['hidden_grad_max']}; "
          f"after {r['steps']} steps every kernel is still exactly 0: {r['weights_still_zero']}; "
          f"|loss − ln 2| ≤ {r['loss_deviation']:.1e}; accuracy train {r['train_accuracy']}, test {r['test_accuracy']}")
    zero = [n for n, z in r["exactly_zero"].items() if z]
    print(f"  exactly 0 at every step (each is a product with a zero factor): {', '.join(zero)}")
    n0, n1 = r["class_counts"]
    print(f"  b3's gradient Σₙ(½ − yₙ)/N is 0 in exact arithmetic ({n0} terms +1/{2 * (n0 + n1)}, "
          f"{n1} terms −1/{2 * (n0 + n1)}), "
          f"but 1/{2 * (n0 + n1)} is not a binary fraction, so the running sum rounds: measured {r['b3_grad_step0']:.1e} "
          f"at step 0, at most {r['b3_grad_max']:.1e} over the {len(r['engine_losses'])} steps; its updates "
          f"(lr × that per step) move b3 and the loss only at the level of rounding (the |loss − ln 2| above)")
    for balanced in (True, False):
        s = zeros_sigmoid(balanced=balanced)
        label = "balanced 150/150" if balanced else "unbalanced 150/100"
        print(f"zeros, sigmoid hidden, {label}: largest |gradient| per parameter "
              + ", ".join(f"{n} {v:.1e}" for n, v in s["grad_max"].items())
              + f"; spread between units {s['unit_spread']:.1e}")
    steps = random_biases()
    print(f"zero kernels, random biases: first non-zero gradient at step W3 {steps['W3']}, "
          f"W2 {steps['W2']}, W1 {steps['W1']}")
    comparison = lesson3.init_comparison(("zeros", "He"))
    lesson3.plot_comparison(comparison, OUT / "04_zeros_vs_he.png",
                            f"Zeros stay at ln 2 (train {comparison['zeros']['train_accuracy']:.3f}); "
                            f"lesson 3's He start reaches train {comparison['He']['train_accuracy']:.3f} "
                            f"(same seed, {lesson3.STEPS:,} steps)")
    print(f"figure: {OUT / '04_zeros_vs_he.png'}")


# %%
if __name__ == "__main__":
    main()
