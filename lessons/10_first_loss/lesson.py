# %% [markdown]
# # Lesson 10 — The first loss and the last layer
#
# Before any training, a classifier that knows nothing should guess every class with
# probability 1/K, so its cross-entropy is ln K. (1) We measure the loss at step 0 of a
# 784-256-256-256-10 ReLU MLP on Fashion-MNIST under every scheme of the course; (2) we
# shrink the output layer's weights and watch the first loss come down to ln 10; (3) on a
# deliberately imbalanced set we also set the output bias to the log class prior, which
# starts the loss at the prior's entropy and removes the "hockey stick" at the start of the
# loss curve. Run: `python lesson.py` (about 15 s). Figures go to ./out/ or $TINYNET_OUT.

# %%
import os
from pathlib import Path

import numpy as np

import tinynet as tn
from tinynet import mine
from tinynet import data, init, nn, optim
from tinynet.train import evaluate, fit

HERE = Path(__file__).resolve().parent
OUT = Path(os.environ.get("TINYNET_OUT", HERE / "out"))
CLASSES = 10
SCHEMES = {
    "zeros": "zeros",
    "constant 0.5": init.Constant(0.5),
    "normal σ=0.01": init.RandomNormal(stddev=0.01),
    "LeCun": "lecun_normal",
    "Glorot": "glorot_uniform",
    "He": "he_normal",
    "normal σ=1": init.RandomNormal(stddev=1.0),
}


# The functions this lesson's exercises ask for: tinynet's reference versions, or under
# `tinynet lesson 10 --mine` yours where they pass the grader.
PIECES = mine.pieces(10, "expected_initial_loss", "prior_bias")


def mlp(kernel_initializer, depth=3, width=256, in_features=784, classes=CLASSES, dtype=None):
    """``depth`` ReLU layers of ``width``, then a linear output layer of ``classes`` logits."""
    layers, fan_in = [], in_features
    for _ in range(depth):
        layers.append(nn.Dense(fan_in, width, activation="relu", kernel_initializer=kernel_initializer,
                               dtype=dtype))
        fan_in = width
    layers.append(nn.Dense(fan_in, classes, kernel_initializer=kernel_initializer, dtype=dtype))
    return nn.Sequential(*layers)


def initial_loss(model, x, y):
    """Mean cross-entropy on (x, y) before any step."""
    return evaluate(model, x, y)[0]


# %% Part 1: the loss at step 0, scheme by scheme
def initial_losses(x, y, seed=0, dtype=None):
    """{scheme: (initial loss, spread of the logits, largest |logit|, second-order prediction)}
    for the 3 x 256 ReLU MLP. The spread s_w is the std of an image's K logits around their
    own mean (averaged as a variance over images): only that spread changes the softmax."""
    results = {}
    x = x.astype(dtype or np.float32)
    for name, scheme in SCHEMES.items():
        tn.manual_seed(seed)
        model = mlp(scheme, dtype=dtype)
        with tn.no_grad():
            logits = model(x).data
        spread = float(np.sqrt(logits.astype(np.float64).var(axis=1).mean()))
        results[name] = (initial_loss(model, x, y), spread, float(np.abs(logits).max()),
                         np.log(CLASSES) + spread ** 2 / 2)
    return results


def prediction_over_seeds(x, y, schemes=("LeCun", "Glorot", "He"), seeds=range(10)):
    """{scheme: (mean loss, mean prediction ln K + s_w²/2, std of the loss)} over ``seeds``.

    For one draw the logits of a random network already depend on the class (images of a
    class look alike, so they get similar logits), and z_y is not the average logit; over
    many draws that term averages out, and the expansion is a statement about the average."""
    chosen = {name: SCHEMES[name] for name in schemes}
    rows = {name: [] for name in schemes}
    for seed in seeds:
        for name, scheme in chosen.items():
            tn.manual_seed(seed)
            model = mlp(scheme)
            with tn.no_grad():
                logits = model(x).data.astype(np.float64)
            spread2 = logits.var(axis=1).mean()
            rows[name].append((initial_loss(model, x, y), np.log(CLASSES) + spread2 / 2))
    return {name: (float(np.mean(np.array(r)[:, 0])), float(np.mean(np.array(r)[:, 1])),
                   float(np.std(np.array(r)[:, 0]))) for name, r in rows.items()}


# %% Part 2: shrink the last layer
def output_scale_sweep(x, y, factors=(1.0, 0.3, 0.1, 0.01, 0.0), seed=0):
    """He everywhere, then the output kernel multiplied by each factor: the initial loss."""
    losses = {}
    for factor in factors:
        tn.manual_seed(seed)
        model = mlp("he_normal")
        model.dense_layers()[-1].kernel.data *= np.float32(factor)
        losses[factor] = initial_loss(model, x, y)
    return losses


# %% Part 3: an imbalanced set, and the output bias
def imbalanced_subset(x, y, ratio=0.5, largest=6000, seed=0):
    """Keep ``largest * ratio**k`` images of class k: a long-tailed training set."""
    rng = np.random.default_rng(seed)
    keep = np.concatenate([rng.permutation(np.flatnonzero(y == k))[:max(int(largest * ratio ** k), 1)]
                           for k in range(CLASSES)])
    keep = rng.permutation(keep)
    return x[keep], y[keep]


VARIANTS = {
    "He, output bias 0": dict(shrink=None, prior=False),
    "output kernel x0.01, bias 0": dict(shrink=0.01, prior=False),
    "output kernel x0.01, bias log prior": dict(shrink=0.01, prior=True),
}


def build_variant(shrink, prior, y, seed=0):
    tn.manual_seed(seed)
    model = mlp("he_normal")
    out = model.dense_layers()[-1]
    if shrink is not None:
        out.kernel.data *= np.float32(shrink)
    if prior:
        out.bias.data[:] = PIECES.prior_bias(y, CLASSES).astype(out.bias.data.dtype)
    return model


def smoothed(losses, window=10):
    """Running mean over ``window`` steps (the minibatch loss is noisy)."""
    losses = np.asarray(losses, dtype=np.float64)
    return np.convolve(losses, np.ones(window) / window, mode="valid")


def first_step_below(losses, threshold, window=10):
    """First step from which the mean loss of ``window`` steps (that step and the next
    ``window - 1``) lies below ``threshold`` (None if never)."""
    below = np.flatnonzero(smoothed(losses, window) < threshold)
    return int(below[0]) if below.size else None


def hockey_stick(x, y, steps=300, lr=1e-4, batch_size=128, seeds=(0, 1, 2)):
    """Adam on the imbalanced set for each variant and seed; every step's loss."""
    curves = {name: [] for name in VARIANTS}
    for seed in seeds:
        for name, variant in VARIANTS.items():
            model = build_variant(y=y, seed=seed, **variant)
            history = fit(model, x, y, optim.Adam(model.parameters(), lr=lr), batch_size=batch_size,
                          steps=steps, seed=seed, progress=False)
            curves[name].append(np.asarray(history.step_loss))
    return {name: np.array(runs) for name, runs in curves.items()}


def prior_entropy(y):
    """H(π) = −Σ π_k log π_k: the best loss a network can reach without looking at the input."""
    prior = np.bincount(y, minlength=CLASSES) / len(y)
    return PIECES.expected_initial_loss(prior, np.log(prior))


# %% Figures
def save_figures(losses, curves, entropy, out=OUT):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out.mkdir(parents=True, exist_ok=True)
    names = list(losses)
    values = [losses[name][0] for name in names]
    top = 6.0
    fig, ax = plt.subplots(figsize=(8, 4.5))
    bars = ax.bar(names, np.minimum(values, top), color="tab:blue")
    for bar, value in zip(bars, values):
        clipped = value > top
        ax.annotate(f"{value:.4g}" + ("\n(bar cut)" if clipped else ""),
                    (bar.get_x() + bar.get_width() / 2, top * 0.97 if clipped else value), ha="center",
                    va="top" if clipped else "bottom", color="white" if clipped else "black", fontsize=8)
    ax.axhline(np.log(CLASSES), color="k", ls=":", label=f"ln {CLASSES} = {np.log(CLASSES):.3f} (uniform guess)")
    ax.set_ylim(0, top)
    ax.set_ylabel("cross-entropy at step 0 (nats)")
    ax.set_xlabel("initialization of every layer")
    ax.set_title(f"Loss before training, 3x256 ReLU MLP: He {losses['He'][0]:.2f}, constant 0.5 "
                 f"{losses['constant 0.5'][0]:.2f} (float32), normal σ=1 {losses['normal σ=1'][0]:.3g}",
                 fontsize=10)
    ax.legend(loc="upper left")
    plt.setp(ax.get_xticklabels(), rotation=15)
    fig.tight_layout()
    fig.savefig(out / "10_initial_loss.png", dpi=110)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(8, 4.5))
    colors = ["tab:red", "tab:orange", "tab:green"]
    for color, (name, runs) in zip(colors, curves.items()):
        for i, run in enumerate(runs):
            ax.plot(run, color=color, alpha=0.25, lw=0.8)
            ax.plot(np.arange(len(run) - 9) + 4.5, smoothed(run), color=color, lw=1.8,
                    label=name if i == 0 else None)
    ax.axhline(np.log(CLASSES), color="k", ls=":", label="ln 10 (uniform guess)")
    ax.axhline(entropy, color="k", ls="--", label=f"H(prior) = {entropy:.3f} (prior only)")
    steps = {name: [first_step_below(run, entropy) for run in runs] for name, runs in curves.items()}
    zero_bias = steps["output kernel x0.01, bias 0"]
    ax.set_xscale("symlog", linthresh=10)
    ax.set_xlim(0, max(len(run) for runs in curves.values() for run in runs))
    ax.set_xlabel("step (batch 128; axis linear up to 10, logarithmic beyond)")
    ax.set_ylabel("training loss (nats; thin: each step, thick: 10-step mean)")
    ax.set_title(f"Long-tailed Fashion-MNIST, Adam 1e-4, 3 seeds: with bias 0 the 10-step mean reaches\n"
                 f"H(prior) at step {min(zero_bias)}-{max(zero_bias)}, with the log-prior bias it starts there",
                 fontsize=10)
    ax.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    fig.savefig(out / "10_hockey_stick.png", dpi=110)
    plt.close(fig)


# %% Run everything
def main():
    print("This lesson takes about 15 s.", flush=True)
    (x_train, y_train), _ = data.load_standardized_fashion_mnist()
    x, y = x_train[:2000], y_train[:2000]

    print(f"\nPart 1 - cross-entropy at step 0, 784-256-256-256-10 ReLU MLP, 2000 training images "
          f"(uniform guess ln 10 = {np.log(CLASSES):.4f}):")
    losses = initial_losses(x, y)
    print("  (s_w: std of an image's ten logits around their mean; ln 10 + s_w²/2: the second-order "
          "prediction, valid for small s_w)")
    for name, (loss, spread, logit_max, predicted) in losses.items():
        print(f"  {name:14s} loss {loss:10.4g}   s_w {spread:9.3g}   ln 10 + s_w²/2 = {predicted:9.4g}   "
              f"largest |z| {logit_max:9.3g}")
    print("  averaged over 10 initializations (seeds 0-9):")
    for name, (loss, predicted, spread) in prediction_over_seeds(x, y).items():
        print(f"  {name:14s} mean loss {loss:.4f} (std over seeds {spread:.3f}), mean ln 10 + s_w²/2 = {predicted:.4f}")
    exact = initial_losses(x, y, dtype=np.float64)["constant 0.5"]
    print(f"  constant 0.5 in float64: loss {exact[0]:.6f}. All ten logits of an image are the same "
          f"number (up to {exact[2]:.3g}), so the softmax is uniform: the right first loss from a network "
          "that cannot learn (lesson 5).")
    spacing = float(np.spacing(np.float32(losses["constant 0.5"][2])))
    if losses["constant 0.5"][1] == 0:
        verdict = "in this run the float32 logits of each image came out identical as well"
    else:
        verdict = (f"the float32 logits of an image differ by rounding steps (s_w {losses['constant 0.5'][1]:.3g}), "
                   "so the float32 loss measures rounding, not the network")
    print(f"  In float32 the gap between neighbouring numbers near {losses['constant 0.5'][2]:.3g} is "
          f"{spacing:.3g}; {verdict} (loss {losses['constant 0.5'][0]:.4g}).")

    print("\nPart 2 - He everywhere, the output kernel multiplied by a factor:")
    for factor, loss in output_scale_sweep(x, y).items():
        print(f"  factor {factor:<5g} initial loss {loss:.4f}")

    xi, yi = imbalanced_subset(x_train, y_train)
    counts = np.bincount(yi, minlength=CLASSES)
    entropy = prior_entropy(yi)
    print(f"\nPart 3 - a long-tailed training set: {len(yi)} images, class counts {counts.tolist()}")
    print(f"  H(prior) = {entropy:.4f} nats: the loss of predicting the class frequencies for every image")
    print(f"  expected initial loss with bias 0: {PIECES.expected_initial_loss(counts / counts.sum(), np.zeros(CLASSES)):.4f}; "
          f"with bias = log prior: {entropy:.4f}")
    curves = hockey_stick(xi, yi)
    print("  Adam lr 1e-4, batch 128, 300 steps, seeds 0-2; step 0 loss, the first step whose 10-step "
          "mean is below H(prior), the mean loss of the last 50 steps:")
    for name, runs in curves.items():
        below = [first_step_below(run, entropy) for run in runs]
        first = ", ".join(f"{v:.3f}" for v in runs[:, 0])
        last = ", ".join(f"{v:.3f}" for v in runs[:, -50:].mean(axis=1))
        print(f"  {name:36s} step 0: {first}   below H at: {', '.join(map(str, below))}   last 50: {last}")
    save_figures(losses, curves, entropy)
    print(f"figures written to {OUT}")


if __name__ == "__main__":
    main()
