# %% [markdown]
# # Lesson 12 — Convolutions: the fan includes the receptive field
#
# A 3x3 convolution from C channels sums over 3·3·C inputs, not C: its fan_in is
# kh·kw·C_in (``init.compute_fans((3, 3, C, C))``). He's Var(W) = 2/fan_in with the
# right fan keeps the scale through a deep ReLU CNN; the common bug fan = C_in makes the
# variance 9 times too large per layer, so after L layers the activations are 3^L times
# too large. Two experiments on Fashion-MNIST downsized to 14x14 (2x2 average pooling):
# the activation scale through 8 conv layers at initialization (measured against the
# prediction), and training the same 8-conv-layer CNN with He (right fan), He with
# fan = channels, and the texts' ``Conv2D(kernel_initializer='glorot_uniform')``.
# Run: `python lesson.py` (under a minute). Figures go to ./out/ or $TINYNET_OUT.

# %%
import math
import os
import time
from pathlib import Path

import numpy as np

import tinynet as tn
from tinynet import data, init, mine, nn, optim
from tinynet.train import evaluate, fit

HERE = Path(__file__).resolve().parent
OUT = Path(os.environ.get("TINYNET_OUT", HERE / "out"))
DEPTH, CHANNELS, SIZE = 8, 16, 14


# %% The learner's piece: the fans of a conv kernel (exercises.py: conv_fans)
def conv_fans(kernel_shape):
    """(fan_in, fan_out) of a (kh, kw, C_in, C_out) kernel: the receptive field counts."""
    return init.compute_fans(kernel_shape)


conv_fans = mine.piece(12, "conv_fans", conv_fans)    # `tinynet lesson 12 --mine`: yours


def channels_only_fans(kernel_shape):
    """The common bug: fans read as if the kernel were a Dense (C_in, C_out) matrix."""
    return kernel_shape[-2], kernel_shape[-1]


def he_normal_with(fans):
    """He normal (untruncated, std √(2 / fan_in)) with the fans computed by ``fans``."""
    def draw(shape, dtype):
        fan_in, _ = fans(shape)
        return tn.kernels.random.default_generator().normal(shape, 0.0, math.sqrt(2.0 / fan_in), dtype)
    return draw


SCHEMES = {
    "He, fan = kh·kw·C_in": he_normal_with(conv_fans),
    "He, fan = C_in (bug)": he_normal_with(channels_only_fans),
    "glorot_uniform (Keras default)": "glorot_uniform",
}


def cnn(kernel_initializer, depth=DEPTH, channels=CHANNELS, size=SIZE, classes=10, dtype=None):
    """``depth`` 3x3 'same' ReLU conv layers (a 2x2 max-pool after the first half), then Dense."""
    layers = [nn.Reshape((size, size, 1))]
    c_in = 1
    for i in range(depth):
        layers.append(nn.Conv2D(c_in, channels, 3, padding="same", activation="relu",
                                kernel_initializer=kernel_initializer, dtype=dtype))
        c_in = channels
        if i == depth // 2 - 1:
            layers.append(nn.MaxPool2D(2))
    layers += [nn.Flatten(), nn.Dense(channels * (size // 2) ** 2, classes,
                                      kernel_initializer=kernel_initializer, dtype=dtype)]
    return nn.Sequential(*layers)


# %% Data: Fashion-MNIST at 14x14, standardized
def load_small_fashion_mnist(train=6000, test=2000):
    """The first ``train``/``test`` images, 2x2 average-pooled to 14x14, standardized."""
    (x_train, y_train), (x_test, y_test) = data.load_fashion_mnist()

    def shrink(x):
        x = data.prepare_images(x, flatten=False)
        return x.reshape(len(x), 14, 2, 14, 2).mean(axis=(2, 4)).reshape(len(x), -1)

    x_train, x_test = data.standardize(shrink(x_train[:train]), shrink(x_test[:test]))
    return (x_train, np.asarray(y_train[:train])), (x_test, np.asarray(y_test[:test]))


# %% Experiment 1: the scale through 8 conv layers at initialization
def rms_per_conv_layer(model, x):
    """Root-mean-square of every conv layer's output (ReLU included) on ``x``."""
    rms = []
    handles = [layer.register_forward_hook(lambda l, xi, z, a: rms.append(float(np.sqrt(np.mean(a.data ** 2)))))
               for layer in model.modules() if isinstance(layer, nn.Conv2D)]
    with tn.no_grad():
        model(x)
    for handle in handles:
        handle.remove()
    return np.array(rms)


def init_experiment(x, seeds=range(5), dtype=np.float64):
    """RMS per conv layer for every scheme (mean over seeds of the log), and the bug's
    measured excess over the right fan next to the prediction 3^layer."""
    logs = {}
    for k, (name, scheme) in enumerate(SCHEMES.items()):
        runs = []
        for seed in seeds:
            tn.manual_seed(1000 * k + seed)          # each scheme its own, independent draws
            runs.append(np.log(rms_per_conv_layer(cnn(scheme, dtype=dtype), x)))
        logs[name] = np.mean(runs, axis=0)
    rms = {name: np.exp(v) for name, v in logs.items()}
    right = rms["He, fan = kh·kw·C_in"]
    return {"rms": rms, "excess": rms["He, fan = C_in (bug)"] / right,
            "predicted_excess": predicted_ratio(channels_only_fans),
            "glorot_ratio": rms["glorot_uniform (Keras default)"] / right,
            "predicted_glorot_ratio": predicted_ratio(glorot_fan)}


def glorot_fan(kernel_shape):
    """The fan_in that makes He's 2/fan_in equal Glorot's 2/(fan_in + fan_out)."""
    fan_in, fan_out = conv_fans(kernel_shape)
    return fan_in + fan_out, None


def predicted_ratio(fans, depth=DEPTH, channels=CHANNELS):
    """Predicted RMS of each conv layer relative to He with the right fan: the square root
    of the product, over the layers so far, of Var(W) / Var_He(W) = fan_right / fan_used.
    (ReLU nets are positively homogeneous, so a per-layer factor on W multiplies the output.)"""
    ratio, out, c_in = 1.0, [], 1
    for _ in range(depth):
        shape = (3, 3, c_in, channels)
        ratio *= conv_fans(shape)[0] / fans(shape)[0]
        out.append(math.sqrt(ratio))
        c_in = channels
    return np.array(out)


# %% Experiment 2: train the three CNNs
def train_cnn(scheme, train, test, steps=150, lr=0.01, momentum=0.9, batch_size=64, seed=0):
    x, y = train
    tn.manual_seed(seed)
    model = cnn(scheme)
    with tn.no_grad(), np.errstate(all="ignore"):
        initial, _ = evaluate(model, x[:1000], y[:1000])
    opt = optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    start = time.perf_counter()
    with np.errstate(all="ignore"):
        history = fit(model, x, y, opt, batch_size=batch_size, steps=steps, seed=seed,
                      progress=False, stop_on_divergence=False)
        _, test_acc = evaluate(model, *test)
    losses = np.asarray(history.step_loss)
    diverged = not np.isfinite(losses[-1])
    return {"initial_loss": initial, "losses": losses, "diverged": diverged,
            "diverged_at": len(losses) - 1 if diverged else None,
            "test_accuracy": test_acc, "seconds": time.perf_counter() - start}


def first_step_below(losses, threshold=2.0):
    below = np.flatnonzero(np.asarray(losses) < threshold)
    return int(below[0]) if below.size else None


def training_experiment(steps=150, seed=0):
    train, test = load_small_fashion_mnist()
    return {name: train_cnn(scheme, train, test, steps=steps, seed=seed) for name, scheme in SCHEMES.items()}


# %% Figures
def save_figures(init_results, runs, out=OUT):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from tinynet import plot

    out.mkdir(parents=True, exist_ok=True)
    layers = np.arange(1, DEPTH + 1)
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for name, rms in init_results["rms"].items():
        ax.semilogy(layers, rms, "o-", ms=4, label=name)
    right = init_results["rms"]["He, fan = kh·kw·C_in"]
    ax.semilogy(layers, right * init_results["predicted_excess"], "k:",
                label="right fan × 3^layer (prediction for the bug)")
    ax.semilogy(layers, right * init_results["predicted_glorot_ratio"], "k--", lw=0.8,
                label="right fan × Glorot's predicted factor")
    ax.set_xlabel("conv layer")
    ax.set_ylabel("RMS of the layer's output (log scale)")
    ax.set_title(f"{DEPTH} 3x3 conv layers of {CHANNELS} channels at init (Fashion-MNIST 14x14)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out / "12_scale_per_layer.png", dpi=110)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(7, 4.5))
    plot.loss_panel(ax, runs)
    ax.set_title(f"{DEPTH}-conv-layer CNN on Fashion-MNIST 14x14, SGD momentum 0.9")
    fig.tight_layout()
    fig.savefig(out / "12_training_loss.png", dpi=110)
    plt.close(fig)


# %% Run everything
def main():
    start = time.perf_counter()
    (x, _), _ = load_small_fashion_mnist(train=256, test=1)
    results = init_experiment(x)
    print(f"RMS of each conv layer's output at init ({DEPTH} layers of {CHANNELS}, 256 images, 5 seeds):")
    for name, rms in results["rms"].items():
        print(f"  {name:32s} " + " ".join(f"{v:8.3g}" for v in rms))
    print("  bug / right fan, measured:       " + " ".join(f"{v:8.3g}" for v in results["excess"]))
    print("  predicted 3^layer:               " + " ".join(f"{v:8.3g}" for v in results["predicted_excess"]))
    print("  glorot / right fan, measured:    " + " ".join(f"{v:8.3g}" for v in results["glorot_ratio"]))
    print("  predicted √(fan_in/(fan_in+fan_out)) per layer, multiplied:"
          + " ".join(f"{v:8.3g}" for v in results["predicted_glorot_ratio"]))
    runs = training_experiment()
    print("\nTraining, 150 steps of batch 64 (SGD momentum 0.9, lr 0.01):")
    for name, run in runs.items():
        final = f"diverged at step {run['diverged_at']}" if run["diverged"] else f"{run['losses'][-10:].mean():.3f}"
        print(f"  {name:32s} initial loss {run['initial_loss']:10.4g}   last 10 steps {final:>8}   "
              f"first below 2.0 at step {first_step_below(run['losses'])}   "
              f"test accuracy {run['test_accuracy']:.3f}   ({run['seconds']:.0f} s)")
    save_figures(results, runs)
    print(f"figures written to {OUT}  (total {time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
