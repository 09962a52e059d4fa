# %% [markdown]
# # Lesson 8 — He for ReLU
#
# ReLU zeroes half of its input, so it halves the second moment at every layer: Glorot's
# Var(W) = 1/n (for n_in = n_out) lets the activations shrink by 1/√2 per layer, and after
# 30 layers almost nothing is left. He et al. (2015) double the variance, Var(W) = 2/n.
# Two experiments: the activation std through a 30-layer ReLU MLP at init, and training
# a 30-layer MLP on standardized Fashion-MNIST, where Xavier stalls (He et al. 2015, fig. 3).
# Run: `python lesson.py` (about 13 s on an idle 2-core machine). Figures go to ./out/ or $TINYNET_OUT.

# %%
import importlib.util
import os
from pathlib import Path

import numpy as np

import tinynet as tn
from tinynet import data, mine, nn, optim
from tinynet.train import fit

tn, nn, _, optim = mine.modules(tn, nn, None, optim)   # `tinynet lesson 8 --mine`: your engine from lessons 1-3

HERE = Path(__file__).resolve().parent
OUT = Path(os.environ.get("TINYNET_OUT", HERE / "out"))
SCHEMES = {"He": "he_normal", "Xavier": "glorot_normal"}


def relu_mlp(depth, width, in_features, kernel_initializer, classes=None, dtype=None):
    """``depth`` ReLU layers of ``width`` units (+ a linear output layer if ``classes``)."""
    layers, fan_in = [], in_features
    for _ in range(depth):
        layers.append(nn.Dense(fan_in, width, activation="relu",
                               kernel_initializer=kernel_initializer, dtype=dtype))
        fan_in = width
    if classes:
        layers.append(nn.Dense(fan_in, classes, kernel_initializer=kernel_initializer, dtype=dtype))
    return nn.Sequential(*layers)


# %% Experiment 1: activation std through 30 ReLU layers at init
def activation_stds(model, x):
    """Std of every Dense layer's output for one forward pass."""
    stds = []
    handles = [layer.register_forward_hook(lambda l, xi, z, a: stds.append(float(a.data.std())))
               for layer in model.dense_layers()]
    with tn.no_grad():
        model(x)
    for handle in handles:
        handle.remove()
    return stds


def depth_experiment(seed=0, depth=30, width=256, batch=500):
    """Activation std per layer for He and Xavier; ratio layer 30 / layer 1."""
    x = np.random.default_rng(seed).standard_normal((batch, width))
    results = {}
    for name, scheme in SCHEMES.items():
        tn.manual_seed(seed)
        stds = activation_stds(relu_mlp(depth, width, width, scheme, dtype=np.float64), x)
        results[name] = {"stds": stds, "ratio": stds[-1] / stds[0]}
    results["halving_prediction"] = (1 / np.sqrt(2)) ** (depth - 1)
    return results


# %% Experiment 2: a 30-layer MLP on standardized Fashion-MNIST
def train_deep(scheme, steps=200, depth=30, width=128, lr=0.01, momentum=0.9, batch_size=100,
               seed=0, train=None):
    """SGD with momentum on a ``depth`` x ``width`` ReLU MLP; returns the loss of every step."""
    if train is None:
        train, _ = data.load_standardized_fashion_mnist()
    x, y = train
    tn.manual_seed(seed)
    model = relu_mlp(depth, width, x.shape[1], scheme, classes=10)
    optimizer = optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    history = fit(model, x, y, optimizer, batch_size=batch_size, steps=steps, seed=seed, progress=False)
    return np.asarray(history.step_loss)


def training_experiment(steps=200, seed=0):
    train, _ = data.load_standardized_fashion_mnist()
    return {name: train_deep(scheme, steps=steps, seed=seed, train=train)
            for name, scheme in SCHEMES.items()}


def training_over_seeds(seeds=(0, 1, 2), steps=200):
    """The training experiment for several seeds: a 30-layer run is sensitive to its start
    (and even to rounding), so one seed's curve, spike or step count proves little."""
    train, _ = data.load_standardized_fashion_mnist()
    return {name: {seed: train_deep(scheme, steps=steps, seed=seed, train=train) for seed in seeds}
            for name, scheme in SCHEMES.items()}


def summarize(curve, threshold=2.0, tail=20):
    """First step below ``threshold``, mean loss of the last ``tail`` steps, and the
    largest loss after step 10 (a spike, if any) with its step."""
    later = np.asarray(curve[10:])
    return {"first_below": first_step_below(curve, threshold), "final": float(np.mean(curve[-tail:])),
            "median_last_100": float(np.median(curve[-100:])),
            "spike": float(later.max()), "spike_step": int(10 + later.argmax()),
            "max_from_ln10": float(np.abs(np.asarray(curve) - np.log(10)).max())}


# %% Where tanh's gain 5/3 comes from
_spec = importlib.util.spec_from_file_location("tinynet_lesson_07_for_08", HERE.parent / "07_lecun_glorot" / "lesson.py")
lesson7 = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lesson7)


def tanh_gain_fixed_point(gain=5 / 3, iterations=200):
    """The gain g that keeps unit-variance pre-activations at unit variance through tanh,
    g² · E[tanh(ξ)²] = 1, and, for a given ``gain``, the variance q* its map
    q -> g²·E[tanh(√q ξ)²] settles at and the backward factor per layer there,
    χ = g²·E[tanh'(√q* ξ)²] (lesson 7's map with Var(W) = g²/n)."""
    tanh2 = lambda z: np.tanh(z) ** 2
    derivative2 = lambda z: (1 - np.tanh(z) ** 2) ** 2
    q = 1.0
    for _ in range(iterations):
        q = gain ** 2 * lesson7.gaussian_mean(tanh2, q)
    return {"unit_variance_gain": 1 / np.sqrt(lesson7.gaussian_mean(tanh2, 1.0)),
            "fixed_point": q, "chi": gain ** 2 * lesson7.gaussian_mean(derivative2, q),
            "chi_at_gain_1": lesson7.gaussian_mean(derivative2, 1.0)}


def first_step_below(losses, threshold):
    below = np.flatnonzero(np.asarray(losses) < threshold)
    return int(below[0]) if below.size else None


# %% Figures
def save_figures(depth_results, losses, out=OUT):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out.mkdir(parents=True, exist_ok=True)
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for name in SCHEMES:
        stds = depth_results[name]["stds"]
        ax.semilogy(range(1, len(stds) + 1), stds, "o-", ms=3, label=f"{name} ({SCHEMES[name]})")
    stds = depth_results["Xavier"]["stds"]
    ax.semilogy(range(1, len(stds) + 1), stds[0] * (1 / np.sqrt(2)) ** np.arange(len(stds)), "k:",
                label="(1/√2)^(layer-1): one halving of the variance per layer")
    ax.set_xlabel("layer")
    ax.set_ylabel("activation std (log scale; inputs have std 1)")
    ax.set_title(f"30 ReLU layers of 256 at init\nstd layer 30 / layer 1 = {depth_results['He']['ratio']:.2f} (He), "
                 f"{depth_results['Xavier']['ratio']:.1e} (Xavier; halving predicts "
                 f"{depth_results['halving_prediction']:.1e})", fontsize=9)
    ax.legend()
    fig.tight_layout()
    fig.savefig(out / "08_std_per_layer.png", dpi=110)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(7.5, 4.5))
    styles = {"He": ("tab:blue", "-"), "Xavier": ("tab:orange", "--")}
    for name, runs in losses.items():
        color, ls = styles[name]
        for i, (seed, curve) in enumerate(runs.items()):
            ax.plot(curve, color=color, ls=ls, lw=1, alpha=0.6 + 0.4 * (i == 0),
                    label=f"{name}, seeds {', '.join(map(str, runs))}" if i == 0 else None)
    ax.axhline(np.log(10), color="k", ls=":", label="ln 10 (uniform guess)")
    he = [summarize(c) for c in losses["He"].values()]
    xavier = [summarize(c) for c in losses["Xavier"].values()]
    ax.set_xlabel("SGD step (batch 100)")
    ax.set_yscale("log")
    ax.set_ylabel("training loss, cross-entropy (nats, log scale)")
    ax.set_title(f"30-layer ReLU MLP on Fashion-MNIST: He below 2.0 by steps "
                 f"{min(r['first_below'] for r in he)}–{max(r['first_below'] for r in he)}, median of the last 100 "
                 f"steps {min(r['median_last_100'] for r in he):.2f}–{max(r['median_last_100'] for r in he):.2f};\n"
                 f"Xavier within {max(r['max_from_ln10'] for r in xavier):.3f} of ln 10 (He et al. 2015, fig. 3)",
                 fontsize=9)
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    fig.savefig(out / "08_training_loss.png", dpi=110)
    plt.close(fig)


# %% Your he_normal and calculate_gain in the experiment
# Experiment 1 again (the float64 30 x 256 ReLU net at init, the same batch), every kernel
# drawn by a function of the exercises' contract, ``initializer(shape, rng)`` with
# ``rng = np.random.default_rng(seed)``: he_normal itself, and N(0, (gain / √fan_in)²) with
# the gain from calculate_gain (PyTorch's kaiming_normal_ is this with gain("relu")). In a
# plain run these are tinynet's reference solutions (lessons/solutions/lesson_08.py), under
# `tinynet lesson 8 --mine` yours wherever they pass `tinynet check 8` (whose is said first).
PIECES = mine.pieces(8, "he_normal", "calculate_gain")


def gain_scaled_normal(calculate_gain, nonlinearity):
    """``(shape, rng) -> W`` with W ~ N(0, (calculate_gain(nonlinearity) / √fan_in)²)."""
    def draw(shape, rng):
        return rng.normal(0.0, calculate_gain(nonlinearity) / np.sqrt(shape[0]), size=shape)
    return draw


def initializer_depth_experiment(pieces=PIECES, seed=0, depth=30, width=256, batch=500):
    """Ratio of the activation std at layer ``depth`` to layer 1, per initializer."""
    x = np.random.default_rng(seed).standard_normal((batch, width))
    initializers = {"he_normal": pieces.he_normal,
                    "gain('relu') / √fan_in": gain_scaled_normal(pieces.calculate_gain, "relu"),
                    "gain('linear') / √fan_in": gain_scaled_normal(pieces.calculate_gain, "linear")}
    ratios = {}
    for name, initializer in initializers.items():
        rng = np.random.default_rng(seed + 1)          # not the batch's stream
        model = relu_mlp(depth, width, width, "zeros", dtype=np.float64)
        for layer in model.dense_layers():
            layer.kernel.data = np.asarray(initializer(layer.kernel.data.shape, rng), dtype=np.float64)
        stds = activation_stds(model, x)
        ratios[name] = stds[-1] / stds[0]
    return ratios


def show_initializer_depth_experiment():
    print("\nYour he_normal and calculate_gain in the experiment (the same 30 x 256 ReLU net, "
          "kernels drawn by initializer(shape, rng); a few seconds):")
    print("  " + mine.ran(PIECES, mine.reference(8)))
    for name, ratio in initializer_depth_experiment(PIECES).items():
        print(f"  {name:25s} layer30/layer1 = {ratio:.3g}")


# %% Run everything
def main():
    depth = depth_experiment()
    layers = len(depth["He"]["stds"])
    print(f"Activation std through {layers} ReLU layers of 256 (batch 500):")
    for name in SCHEMES:
        print(f"  {name:6s} layer{layers}/layer1 = {depth[name]['ratio']:.3g}")
    print(f"  one halving of the variance per layer predicts (1/√2)^{layers - 1} = {depth['halving_prediction']:.3g}")
    gain = tanh_gain_fixed_point()
    print(f"\ntanh's gain: g²·E[tanh(ξ)²] = 1 gives g = {gain['unit_variance_gain']:.3f} (PyTorch: 5/3 = "
          f"{5 / 3:.3f}, this rounded up); with 5/3 the variance map settles at q* = {gain['fixed_point']:.3f} and the "
          f"squared gradient grows by χ = {gain['chi']:.3f} per layer there (gain 1 at q = 1: "
          f"χ = {gain['chi_at_gain_1']:.3f})")
    losses = training_over_seeds()
    print("\n30 x 128 ReLU MLP on standardized Fashion-MNIST, SGD momentum 0.9, lr 0.01, batch 100, 200 steps:")
    for name, runs in losses.items():
        for seed, curve in runs.items():
            r = summarize(curve)
            print(f"  {name:6s} seed {seed}: loss at step 0 {curve[0]:.3f}; first below 2.0 at step {r['first_below']}; "
                  f"median of the last 100 steps {r['median_last_100']:.3f}; largest after step 10 {r['spike']:.2f} "
                  f"(step {r['spike_step']}); max |loss − ln 10| {r['max_from_ln10']:.3f}")
    show_initializer_depth_experiment()
    save_figures(depth, losses)
    print(f"figures written to {OUT}")


if __name__ == "__main__":
    main()
