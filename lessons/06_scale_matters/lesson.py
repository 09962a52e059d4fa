# %% [markdown]
# # Lesson 6 — Scale matters
#
# Draw every weight from N(0, σ²) and push a batch through a 10-layer MLP. With σ = 0.01
# each layer multiplies the activation std by about σ·√fan_in (tanh) or σ·√(fan_in/2)
# (ReLU) — far below 1, so the signal vanishes; with σ = 1 the same factor is far above 1,
# so ReLU activations explode and tanh units saturate at ±1. Then the lesson-3 network
# with weights ×10: its very first loss is infinite (computed naively) or huge (computed
# stably). Run: `python lesson.py` (about 3 s on an idle 2-core machine). Figures go to ./out/ or $TINYNET_OUT.

# %%
import os
from pathlib import Path

import numpy as np

import tinynet as tn
from tinynet import data, init, mine, nn

tn, nn, _, _ = mine.modules(tn, nn, None, None)   # `tinynet lesson 6 --mine`: your engine from lessons 1-3

HERE = Path(__file__).resolve().parent
OUT = Path(os.environ.get("TINYNET_OUT", HERE / "out"))
SATURATED = 0.97  # |tanh| above this: the unit's derivative 1 - a² is below 0.06


# %% The model and what we measure
def build_mlp(depth, width, activation, sigma, in_features):
    """``depth`` Dense layers of ``width`` units, kernels ~ N(0, sigma²), biases zero."""
    layers, fan_in = [], in_features
    for _ in range(depth):
        layers.append(nn.Dense(fan_in, width, activation=activation,
                               kernel_initializer=init.RandomNormal(mean=0.0, stddev=sigma),
                               dtype=np.float64))
        fan_in = width
    return nn.Sequential(*layers)


def activation_profile(model, x):
    """One forward pass; per Dense layer the std of its output and its saturated fraction."""
    profile = []

    def record(layer, inputs, z, a):
        values = a.data
        profile.append({"std": float(values.std()),
                        "saturated": float(np.mean(np.abs(values) > SATURATED)),
                        "values": values.ravel()[:2000].copy()})

    handles = [layer.register_forward_hook(record) for layer in model.dense_layers()]
    with tn.no_grad():
        model(x)
    for handle in handles:
        handle.remove()
    return profile


def predicted_gain(sigma, fan_in, activation):
    """Per-layer factor on the activation std in the small-signal regime.

    Var(z) = fan_in · σ² · E[a²]; tanh ≈ identity near 0 so E[a²] ≈ Var(z_prev);
    ReLU keeps half of a symmetric z, so E[a²] = Var(z_prev)/2.
    """
    return sigma * np.sqrt(fan_in / 2 if activation == "relu" else fan_in)


predicted_gain = mine.piece(6, "std_gain", predicted_gain)      # --mine: your lesson-6 gain


# %% Experiment 1: sigma 0.01 vs sigma 1, tanh vs ReLU, ten layers
def scale_experiment(sigmas=(0.01, 1.0), activations=("tanh", "relu"), depth=10, width=256,
                     batch=500, seed=0):
    """Activation std per layer for each (activation, sigma); ratio last/first layer."""
    x = np.random.default_rng(seed).standard_normal((batch, width))
    results = {}
    for activation in activations:
        for sigma in sigmas:
            tn.manual_seed(seed)
            profile = activation_profile(build_mlp(depth, width, activation, sigma, width), x)
            stds = [p["std"] for p in profile]
            results[(activation, sigma)] = {
                "stds": stds,
                "ratio": stds[-1] / stds[0],
                "gain": predicted_gain(sigma, width, activation),
                "predicted_ratio": predicted_gain(sigma, width, activation) ** (depth - 1),
                "saturated_last": profile[-1]["saturated"],
                "values": [p["values"] for p in profile],
            }
    return results


# %% Experiment 2: the lesson-3 network (2-10-5-1, circles) with weights x10
def naive_bce(logits, y):
    """The textbook loss: sigmoid, then -[y log p + (1-y) log(1-p)], summed with nansum.

    In float64, sigmoid(z) rounds to exactly 1.0 once z > ~37, so log(1 - p) = -inf:
    one confidently wrong example makes the mean loss infinite.
    """
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        p = 1.0 / (1.0 + np.exp(-logits))
        terms = -(y * np.log(p) + (1 - y) * np.log(1 - p))
    return float(np.nansum(terms) / len(y))


def times_ten_start(seed=0, n_train=300, noise=0.05):
    """First loss of 2-10-5-1 (ReLU, logit output) with kernels ~ 10·N(0, 1) on circles."""
    x, y = data.circles(n_train, noise=noise, seed=seed)
    tn.manual_seed(seed)
    big = init.RandomNormal(mean=0.0, stddev=10.0)
    model = nn.Sequential(
        nn.Dense(2, 10, activation="relu", kernel_initializer=big, dtype=np.float64),
        nn.Dense(10, 5, activation="relu", kernel_initializer=big, dtype=np.float64),
        nn.Dense(5, 1, kernel_initializer=big, dtype=np.float64),
    )
    with tn.no_grad():
        logits = model(np.asarray(x, dtype=np.float64)).data.ravel()
        stable = float(nn.functional.binary_cross_entropy_with_logits(
            tn.Tensor(logits[:, None]), np.asarray(y, dtype=np.float64)[:, None]).data)
    return {"naive_loss": naive_bce(logits, y.astype(np.float64)), "stable_loss": stable,
            "max_abs_logit": float(np.abs(logits).max()), "ln2": float(np.log(2))}


# %% Figures
def save_figures(results, out=OUT):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out.mkdir(parents=True, exist_ok=True)
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for (activation, sigma), r in results.items():
        ax.semilogy(range(1, len(r["stds"]) + 1), r["stds"], marker="o",
                    label=f"{activation}, σ = {sigma:g}: layer 10 / layer 1 = {r['ratio']:.1e}")
    ax.set_xlabel("layer")
    ax.set_ylabel("activation std (log scale)")
    ax.set_title("Scale matters: the std vanishes (σ = 0.01), explodes (ReLU, σ = 1)\n"
                 f"or saturates (tanh, σ = 1: {results[('tanh', 1.0)]['saturated_last']:.0%} of layer 10 "
                 f"beyond |a| > {SATURATED})", fontsize=10)
    ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    fig.savefig(out / "06_std_per_layer.png", dpi=110)
    plt.close(fig)

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    small = results[("tanh", 0.01)]
    colors = plt.cm.viridis(np.linspace(0, 0.9, len(small["values"])))
    logs = [np.log10(np.abs(v[v != 0])) for v in small["values"]]
    bins = np.linspace(min(l.min() for l in logs), max(l.max() for l in logs), 120)
    for i, (values, color) in enumerate(zip(logs, colors)):
        left.hist(values, bins=bins, histtype="step", density=True, color=color, label=f"layer {i + 1}")
    gain = small["gain"]
    left.set_title(f"tanh, σ = 0.01: every layer shifts left by about {-np.log10(gain):.2f} decades\n"
                   f"(std × {gain:.2f} per layer; layer 10 / layer 1 = {small['ratio']:.1e})", fontsize=9)
    left.set_xlabel("log₁₀ |activation|  (activations are dimensionless)")
    left.set_ylabel("density per decade")
    left.set_ylim(0, left.get_ylim()[1] * 1.35)        # room for the legend above the data
    left.legend(fontsize=7, ncol=5, loc="upper center")
    big = results[("tanh", 1.0)]
    for i in (0, 4, 9):
        right.hist(big["values"][i], bins=60, histtype="step", density=True, color=colors[i], label=f"layer {i + 1}")
    right.set_title(f"tanh, σ = 1: the units pile up at −1 and +1\n"
                    f"({big['saturated_last']:.0%} of layer 10 beyond |a| > {SATURATED})", fontsize=9)
    right.set_xlabel("activation value")
    right.set_ylabel("density")
    right.legend(fontsize=8, loc="upper center")
    fig.tight_layout()
    fig.savefig(out / "06_tanh_histograms.png", dpi=110)
    plt.close(fig)


# %% Run everything
def main():
    results = scale_experiment()
    print("Activation std, layer 10 / layer 1 (10 layers of 256, batch 500):")
    for (activation, sigma), r in results.items():
        line = (f"  {activation:4s} σ={sigma:<5g} measured {r['ratio']:.3e}   small-signal prediction "
                f"(σ·√(fan_in{'/2' if activation == 'relu' else ''}))^9 = {r['predicted_ratio']:.3e}")
        if activation == "tanh":
            line += f"   |a| > {SATURATED} in layer 10: {r['saturated_last']:.1%}"
        print(line)
    print("  (tanh with σ = 1 leaves the small-signal regime: it cannot explode, it saturates.)")
    print("\nThe lesson-3 network (2-10-5-1, circles) with weights ~ 10·N(0,1), first loss:")
    for seed in range(3):
        r = times_ten_start(seed)
        print(f"  seed {seed}: naive BCE {r['naive_loss']}, stable BCE {r['stable_loss']:.1f} "
              f"(ln 2 = {r['ln2']:.3f}), largest |logit| {r['max_abs_logit']:.0f}")
    save_figures(results)
    print(f"\nfigures written to {OUT}")


if __name__ == "__main__":
    main()
