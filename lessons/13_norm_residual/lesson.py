# %% [markdown]
# # Lesson 13 — Normalization and residuals: when init stops mattering, and when it still does
#
# Two modern answers to bad initialization, and what each leaves to the init. BatchNorm
# re-standardizes every layer's pre-activations on each batch: a 50-layer ReLU MLP whose
# Glorot init shrinks the signal by 1/√2 per layer (lesson 8) sits at ln 10, and with
# BatchNorm its forward signal is restored and it leaves ln 10; but at 50 layers BatchNorm
# makes the gradient explode towards the input at init (Yang et al. 2019), measured here,
# so it learns slowly. Residual blocks x + f(x) keep an identity path, but at init each
# block *adds* its branch's variance: Var x_{l+1} = (1 + c) Var x_l, so 100 blocks with
# default init explode by (1 + c)^100. A zero-initialized last layer of each branch
# (Fixup, SkipInit) or GPT-2's 1/√(2L) on the branch's output weights keeps the stack
# near the identity, and it trains.
# Run: `python lesson.py` (under a minute). Figures go to ./out/ or $TINYNET_OUT.

# %%
import os
import time
from pathlib import Path

import numpy as np

import tinynet as tn
from tinynet import data, mine, nn, optim
from tinynet.train import evaluate, fit

HERE = Path(__file__).resolve().parent
OUT = Path(os.environ.get("TINYNET_OUT", HERE / "out"))


# %% The learner's piece: the variance recursion of a residual stack (exercises.py)
def residual_variance(q0, c, num_blocks):
    """q_l = E[x_l²] for l = 0..L when every block adds a branch of variance c · q_l."""
    return q0 * (1.0 + c) ** np.arange(num_blocks + 1)


def branch_ratio(width, var_w1, var_w2):
    """c for a Dense -> ReLU -> Dense branch: width·Var(W1) · 1/2 · width·Var(W2)."""
    return width * var_w1 * 0.5 * width * var_w2


residual_variance = mine.piece(13, "residual_variance", residual_variance)   # --mine: yours
branch_ratio = mine.piece(13, "branch_ratio", branch_ratio)


# %% Data: Fashion-MNIST flattened, standardized on its first 10,000 training images
TRAIN_IMAGES = 10000


# %% Experiment 1: a 50-layer ReLU MLP, Glorot init, with and without BatchNorm
def deep_mlp(depth=50, width=64, in_features=784, classes=10, batch_norm=False, dtype=None):
    layers, fan_in = [], in_features
    for _ in range(depth):
        if batch_norm:
            layers += [nn.Dense(fan_in, width, kernel_initializer="glorot_uniform", dtype=dtype),
                       nn.BatchNorm(width, dtype=dtype), nn.ReLU()]
        else:
            layers.append(nn.Dense(fan_in, width, activation="relu", kernel_initializer="glorot_uniform",
                                   dtype=dtype))
        fan_in = width
    layers.append(nn.Dense(fan_in, classes, kernel_initializer="glorot_uniform", dtype=dtype))
    return nn.Sequential(*layers)


def train(model, train_set, steps, lr, seed=0, batch_size=64, momentum=0.9):
    x, y = train_set
    with np.errstate(all="ignore"):
        opt = optim.SGD(model.parameters(), lr=lr, momentum=momentum)
        history = fit(model, x, y, opt, batch_size=batch_size, steps=steps, seed=seed, progress=False,
                      stop_on_divergence=False)
    losses = np.asarray(history.step_loss)
    diverged = not np.isfinite(losses[-1])
    # the loss at init is the first batch's, in training mode (BatchNorm with batch statistics)
    return {"initial_loss": float(losses[0]), "losses": losses, "diverged": diverged,
            "diverged_at": len(losses) - 1 if diverged else None, "seconds": history.seconds}


def rms_after_each_relu(model, x):
    """RMS of the output of every hidden ReLU on ``x`` (one forward in training mode)."""
    rms = []
    with tn.no_grad():
        h = tn.Tensor(x)
        for layer in model.layers[:-1]:
            h = layer(h)
            if isinstance(layer, nn.ReLU) or getattr(layer, "activation_name", None) == "relu":
                rms.append(float(np.sqrt(np.mean(h.data.astype(np.float64) ** 2))))
    return np.array(rms)


def gradient_ratio_per_layer(model, x, y):
    """‖dL/dW‖ / ‖W‖ of every Dense kernel on one batch: the relative size of a step."""
    model.zero_grad()
    nn.functional.cross_entropy(model(tn.Tensor(x)), y).backward()
    ratios = [float(np.linalg.norm(l.kernel.grad) / np.linalg.norm(l.kernel.data)) for l in model.dense_layers()]
    model.zero_grad()
    return np.array(ratios)


def batchnorm_experiment(train_set, test_set, steps=300, lr=0.01, seed=0):
    x, y = train_set
    runs = {}
    for name, bn in (("Glorot, no normalization", False), ("Glorot + BatchNorm", True)):
        tn.manual_seed(seed)
        model = deep_mlp(batch_norm=bn)
        at_init = {"rms": rms_after_each_relu(model, x[:256]),
                   "gradient_ratio": gradient_ratio_per_layer(model, x[:64], y[:64])}
        tn.manual_seed(seed)
        model = deep_mlp(batch_norm=bn)
        runs[name] = {**train(model, train_set, steps, lr, seed), **at_init}
        model.eval()
        runs[name]["test_accuracy"] = evaluate(model, *test_set)[1]
    return runs


# %% Experiment 2: a residual MLP of 100 blocks
BRANCH_RULES = {"default init (glorot_uniform)": None, "zero last layer (Fixup/SkipInit)": "zero_last_layer",
                "1/√(2L) on the branch output (GPT-2)": "depth_scaled"}


def residual_mlp(rule, blocks=100, width=128, in_features=784, classes=10, dtype=None):
    """Dense(in, width) -> ``blocks`` x Residual(Dense-ReLU-Dense) -> ReLU -> Dense(width, classes)."""
    def branch():
        return nn.Sequential(nn.Dense(width, width, activation="relu", dtype=dtype),
                             nn.Dense(width, width, dtype=dtype))
    layers = [nn.Dense(in_features, width, dtype=dtype)]
    layers += [nn.Residual(branch(), branch_init=rule, num_blocks=blocks) for _ in range(blocks)]
    layers += [nn.ReLU(), nn.Dense(width, classes, dtype=dtype)]
    return nn.Sequential(*layers)


def second_moment_per_block(model, x):
    """E[x_l²] of the stream entering block 1 and leaving every block (one forward, no graph)."""
    moments = []
    with tn.no_grad(), np.errstate(all="ignore"):
        h = tn.Tensor(x)
        for layer in model.layers[:-2]:               # the input layer, then every block
            h = layer(h)
            moments.append(float(np.mean(h.data.astype(np.float64) ** 2)))
    return np.array(moments)


def residual_init_experiment(x, blocks=100, width=128, seeds=range(3)):
    """Second moment per block (geometric mean over seeds) for every rule, beside the
    recursion q_l = q_0 (1 + c)^l with each rule's c."""
    c_default = branch_ratio(width, 1.0 / width, 1.0 / width)     # glorot_uniform, square: Var = 1/width
    c_rule = {None: c_default, "zero_last_layer": 0.0, "depth_scaled": c_default / (2 * blocks)}
    measured, predicted, c = {}, {}, {}
    for name, rule in BRANCH_RULES.items():
        logs = []
        for seed in seeds:
            tn.manual_seed(seed)
            logs.append(np.log(second_moment_per_block(residual_mlp(rule, blocks, width, dtype=np.float64), x)))
        measured[name] = np.exp(np.mean(logs, axis=0))
        predicted[name] = residual_variance(measured[name][0], c_rule[rule], blocks)
        c[name] = c_rule[rule]
    return {"measured": measured, "predicted": predicted, "c": c, "c_default": c_default}


def residual_training_experiment(train_set, test_set, steps=100, lr=0.001, seed=0, blocks=100):
    runs = {}
    for name, rule in BRANCH_RULES.items():
        tn.manual_seed(seed)
        model = residual_mlp(rule, blocks)
        runs[name] = train(model, train_set, steps, lr, seed)
        with np.errstate(all="ignore"):
            runs[name]["test_accuracy"] = evaluate(model, *test_set)[1]
    return runs


# %% Figures
def save_figures(bn_runs, res_init, res_runs, out=OUT):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from tinynet import plot

    out.mkdir(parents=True, exist_ok=True)
    fig, ax = plt.subplots(figsize=(7, 4.5))
    plot.loss_panel(ax, bn_runs, fontsize=7)
    ax.set_title("50-layer ReLU MLP (width 64), Glorot init, SGD momentum 0.9, lr 0.01", fontsize=10)
    fig.tight_layout()
    fig.savefig(out / "13_batchnorm_training.png", dpi=110)
    plt.close(fig)

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4.2))
    for name, run in bn_runs.items():
        left.semilogy(np.arange(1, len(run["rms"]) + 1), run["rms"], "o-", ms=2.5, label=name)
        right.semilogy(np.arange(1, len(run["gradient_ratio"]) + 1), run["gradient_ratio"], "o-", ms=2.5,
                       label=name)
    left.set_xlabel("hidden layer")
    left.set_ylabel("RMS after the ReLU (log scale)")
    left.set_title("forward signal at init", fontsize=10)
    right.set_xlabel("Dense layer")
    right.set_ylabel("‖dL/dW‖ / ‖W‖ (log scale)")
    right.set_title("relative gradient at init (one batch of 64)", fontsize=10)
    left.legend(fontsize=8)
    fig.suptitle("50-layer ReLU MLP of width 64, glorot_uniform", fontsize=10)
    fig.tight_layout()
    fig.savefig(out / "13_batchnorm_at_init.png", dpi=110)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(7, 4.5))
    for name, q in res_init["measured"].items():
        line, = ax.semilogy(np.arange(len(q)), q, "o", ms=2.5, label=f"{name}, measured")
        ax.semilogy(np.arange(len(q)), res_init["predicted"][name], "-", lw=0.9, color=line.get_color(),
                    label=f"q₀(1 + c)^l with c = {res_init['c'][name]:.3g}")
    ax.set_xlabel("residual block l")
    ax.set_ylabel("E[x_l²] of the stream (log scale)")
    ax.set_title(f"100 residual blocks at init (c = {res_init['c_default']:.2g} for the default branch)")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(out / "13_residual_variance.png", dpi=110)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(7, 4.5))
    plot.loss_panel(ax, res_runs, fontsize=7)
    ax.set_title("Residual MLP of 100 blocks (width 128), SGD momentum 0.9, lr 0.001", fontsize=10)
    fig.tight_layout()
    fig.savefig(out / "13_residual_training.png", dpi=110)
    plt.close(fig)


# %% Run everything
def _report(runs):
    for name, run in runs.items():
        final = (f"non-finite at step {run['diverged_at']}" if run["diverged"]
                 else f"{run['losses'][-10:].mean():.3f}")
        print(f"  {name:38s} loss at init (first batch) {run['initial_loss']:10.4g}   last 10 steps {final:>10}   "
              f"test accuracy {run['test_accuracy']:.3f}   ({run['seconds']:.0f} s)")


def main():
    start = time.perf_counter()
    train_set, test_set = data.load_standardized_fashion_mnist(train=TRAIN_IMAGES)
    bn_runs = batchnorm_experiment(train_set, test_set)
    print("50-layer ReLU MLP of width 64, glorot_uniform, at init (256 images; gradient on one batch of 64):")
    for name, run in bn_runs.items():
        print(f"  {name:38s} RMS after ReLU 1/10/50: " + " ".join(f"{run['rms'][l]:9.3g}" for l in (0, 9, 49))
              + "   ‖dW‖/‖W‖ layer 1/25/51: " + " ".join(f"{run['gradient_ratio'][l]:9.3g}" for l in (0, 24, 50)))
    print("Trained 300 steps (SGD momentum 0.9, lr 0.01, batch 64):")
    _report(bn_runs)
    res_init = residual_init_experiment(train_set[0][:256])
    print(f"\nResidual MLP of 100 blocks (width 128) at init, E[x_l²] (256 images, 3 seeds); "
          f"default branch c = {res_init['c_default']:.3g}:")
    for name, q in res_init["measured"].items():
        shown = " ".join(f"{q[l]:9.3g}" for l in (0, 1, 10, 50, 100))
        pred = " ".join(f"{res_init['predicted'][name][l]:9.3g}" for l in (0, 1, 10, 50, 100))
        print(f"  {name:38s} blocks 0/1/10/50/100: {shown}\n  {'  predicted q0 (1 + c)^l':38s}                      {pred}")
    res_runs = residual_training_experiment(train_set, test_set)
    print("\nResidual MLP of 100 blocks, 100 steps (SGD momentum 0.9, lr 0.001, batch 64):")
    _report(res_runs)
    save_figures(bn_runs, res_init, res_runs)
    print(f"figures written to {OUT}  (total {time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
