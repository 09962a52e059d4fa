# %% [markdown]
# # Lesson 8 — He for ReLU
#
# ReLU zeroes half of its input, so it halves the second moment at every layer: Glorot's
# Var(W) = 1/n (for n_in = n_out) lets the activations shrink by 1/√2 per layer, and after
# 30 layers almost nothing is left. He et al. (2015) double the variance, Var(W) = 2/n.
# Two experiments: the activation std through a 30-layer ReLU MLP at init, and training
# a 30-layer MLP on standardized Fashion-MNIST, where Xavier stalls (He et al. 2015, fig. 3).
# Run: `python lesson.py` (about 30 s). Figures go to ./out/ or $TINYNET_OUT.

# %%
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
def load_standardized_fashion_mnist():
    """Fashion-MNIST flattened, each pixel standardized with the training set's mean and std."""
    (x_train, y_train), (x_test, y_test) = data.load_fashion_mnist()
    x_train, x_test = data.standardize(data.prepare_images(x_train), data.prepare_images(x_test))
    return (x_train, np.asarray(y_train)), (x_test, np.asarray(y_test))


def train_deep(scheme, steps=200, depth=30, width=128, lr=0.01, momentum=0.9, batch_size=100,
               seed=0, train=None):
    """SGD with momentum on a ``depth`` x ``width`` ReLU MLP; returns the loss of every step."""
    if train is None:
        train, _ = load_standardized_fashion_mnist()
    x, y = train
    tn.manual_seed(seed)
    model = relu_mlp(depth, width, x.shape[1], scheme, classes=10)
    optimizer = optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    history = fit(model, x, y, optimizer, batch_size=batch_size, steps=steps, seed=seed, progress=False)
    return np.asarray(history.step_loss)


def training_experiment(steps=200, seed=0):
    train, _ = load_standardized_fashion_mnist()
    return {name: train_deep(scheme, steps=steps, seed=seed, train=train)
            for name, scheme in SCHEMES.items()}


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
    ax.set_ylabel("activation std (log scale)")
    ax.set_title("30 ReLU layers of 256 at init")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out / "08_std_per_layer.png", dpi=110)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(7, 4.5))
    for name, curve in losses.items():
        ax.plot(curve, label=name)
    ax.axhline(np.log(10), color="k", ls=":", label="ln 10 (uniform guess)")
    ax.set_xlabel("step (batch 100)")
    ax.set_ylabel("training loss")
    ax.set_title("30-layer ReLU MLP on Fashion-MNIST (He et al. 2015, fig. 3)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out / "08_training_loss.png", dpi=110)
    plt.close(fig)


# %% Run everything
def main():
    depth = depth_experiment()
    print("Activation std through 30 ReLU layers of 256 (batch 500):")
    for name in SCHEMES:
        print(f"  {name:6s} layer30/layer1 = {depth[name]['ratio']:.3g}")
    print(f"  one halving of the variance per layer predicts (1/√2)^29 = {depth['halving_prediction']:.3g}")
    losses = training_experiment()
    print("\n30 x 128 ReLU MLP on standardized Fashion-MNIST, SGD momentum 0.9, lr 0.01, batch 100:")
    for name, curve in losses.items():
        step = first_step_below(curve, 2.0)
        print(f"  {name:6s} loss at steps 0/50/100/199: {curve[0]:.3f} {curve[50]:.3f} {curve[100]:.3f} "
              f"{curve[199]:.3f}; first below 2.0 at step {step}; "
              f"max |loss - ln 10| over 200 steps {np.abs(curve[:200] - np.log(10)).max():.3f}")
    save_figures(depth, losses)
    print(f"figures written to {OUT}")


if __name__ == "__main__":
    main()
