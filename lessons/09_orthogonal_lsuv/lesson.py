# %% [markdown]
# # Lesson 9 — Orthogonal and LSUV
#
# Two ways past the variance formulas. (1) Orthogonal init (Saxe et al. 2013): in a deep
# LINEAR network, orthogonal layers make the end-to-end map an isometry, so every
# direction of the signal and of the gradient passes unchanged — and the learning time
# becomes nearly independent of depth, while Gaussian layers of the "right" variance
# spread the singular values of their product apart and train slowly or blow up.
# (2) LSUV (Mishkin & Matas 2015): start orthogonal, then measure each layer's output
# variance on a batch and rescale until it is 1.
# Run: `python lesson.py` (about 30 s). Figures go to ./out/ or $TINYNET_OUT.

# %%
import os
from pathlib import Path

import numpy as np

import tinynet as tn
from tinynet import data, init, nn, optim
from tinynet.train import fit

HERE = Path(__file__).resolve().parent
OUT = Path(os.environ.get("TINYNET_OUT", HERE / "out"))


# %% Part 1: deep linear networks (Saxe et al. 2013)
def linear_net(depth, width, scheme):
    """``depth`` bias-free linear layers width -> width, orthogonal or Gaussian N(0, 1/width)."""
    kernel = "orthogonal" if scheme == "orthogonal" else init.RandomNormal(stddev=1 / np.sqrt(width))
    return nn.Sequential(*[nn.Dense(width, width, use_bias=False, kernel_initializer=kernel,
                                    dtype=np.float64) for _ in range(depth)])


def linear_task(width=32, n=256, seed=0):
    """Regression onto a random linear teacher: y = x A, A ~ N(0, 1/width)."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, width))
    teacher = rng.standard_normal((width, width)) / np.sqrt(width)
    return x, x @ teacher


def steps_to_one_percent(depth, scheme, lr=0.3, width=32, n=256, max_steps=2000, seed=0):
    """Full-batch gradient descent on 0.5·mean ||f(x) - y||²; the learning rate is lr/depth
    (each of the depth layers moves the end-to-end map, so the map's effective rate is ~lr).

    Returns the first step whose loss is <= 1 % of the initial loss, "diverged" (the loss
    became non-finite or grew a million-fold) or "never" (not within ``max_steps``), and
    the loss curve.
    """
    x, y = linear_task(width, n, seed)
    tn.manual_seed(seed)
    model = linear_net(depth, width, scheme)
    optimizer = optim.SGD(model.parameters(), lr=lr / depth)
    target = tn.Tensor(y)
    curve = []
    for step in range(max_steps):
        error = model(x) - target
        loss = (error * error).sum() * (0.5 / n)
        value = float(loss.data)
        curve.append(value)
        if not np.isfinite(value) or value > 1e6 * curve[0]:
            return "diverged", curve
        if value <= 0.01 * curve[0]:
            return step, curve
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return "never", curve


def depth_sweep(depths=(1, 2, 4, 8, 16, 32), schemes=("orthogonal", "gaussian"), max_steps=2000, seed=0):
    return {(scheme, depth): steps_to_one_percent(depth, scheme, max_steps=max_steps, seed=seed)
            for scheme in schemes for depth in depths}


# %% Part 2: LSUV on a deep ReLU network
def relu_mlp(depth, width, in_features, kernel_initializer="he_normal", classes=10):
    layers, fan_in = [], in_features
    for _ in range(depth):
        layers.append(nn.Dense(fan_in, width, activation="relu", kernel_initializer=kernel_initializer))
        fan_in = width
    layers.append(nn.Dense(fan_in, classes, kernel_initializer=kernel_initializer))
    return nn.Sequential(*layers)


def preactivation_variances(model, x):
    """Var(z) of every Dense layer on the batch ``x``."""
    variances = []
    handles = [layer.register_forward_hook(lambda l, xi, z, a: variances.append(float(np.var(z.data))))
               for layer in model.dense_layers()]
    with tn.no_grad():
        model(x)
    for handle in handles:
        handle.remove()
    return variances


def load_standardized_fashion_mnist():
    (x_train, y_train), (x_test, y_test) = data.load_fashion_mnist()
    x_train, x_test = data.standardize(data.prepare_images(x_train), data.prepare_images(x_test))
    return (x_train, np.asarray(y_train)), (x_test, np.asarray(y_test))


def lsuv_experiment(depth=20, width=128, steps=300, lr=0.01, momentum=0.9, batch_size=100, seed=0,
                    train=None):
    """LSUV vs He on a depth x width ReLU MLP, standardized Fashion-MNIST.

    LSUV sees the first 500 training images; its result is checked on 500 others.
    Both nets then train with the same SGD settings and batches.
    """
    if train is None:
        train, _ = load_standardized_fashion_mnist()
    x, y = train
    tn.manual_seed(seed)
    model = relu_mlp(depth, width, x.shape[1])
    report = init.lsuv(model, x[:500], tol=0.1, max_iter=10, seed=seed)
    held_out = preactivation_variances(model, x[500:1000])
    curves = {}
    for name in ("LSUV", "He"):
        if name == "He":
            tn.manual_seed(seed)
            model = relu_mlp(depth, width, x.shape[1])
        optimizer = optim.SGD(model.parameters(), lr=lr, momentum=momentum)
        history = fit(model, x, y, optimizer, batch_size=batch_size, steps=steps, seed=seed, progress=False)
        curves[name] = np.asarray(history.step_loss)
    return {"report": report, "held_out_variances": held_out, "curves": curves}


# %% Figures
def save_figures(sweep, lsuv_result, out=OUT):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out.mkdir(parents=True, exist_ok=True)
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for scheme, marker in (("orthogonal", "o"), ("gaussian", "s")):
        for (s, depth), (steps, curve) in sweep.items():
            if s == scheme:
                ax.semilogy(np.asarray(curve) / curve[0], label=f"{scheme}, depth {depth}"
                            + (" (diverged)" if steps == "diverged" else ""),
                            ls="-" if scheme == "orthogonal" else "--")
    ax.axhline(0.01, color="k", ls=":", lw=1)
    ax.set_ylim(1e-3, 1e3)
    ax.set_xlabel("gradient-descent step")
    ax.set_ylabel("loss / initial loss (log scale)")
    ax.set_title("Deep linear nets: orthogonal learns at nearly the same speed at every depth")
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    fig.savefig(out / "09_deep_linear.png", dpi=110)
    plt.close(fig)

    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    axes[0].plot(range(1, len(lsuv_result["held_out_variances"]) + 1), lsuv_result["held_out_variances"], "o-")
    axes[0].axhline(1.0, color="k", ls=":")
    axes[0].set_xlabel("layer")
    axes[0].set_ylabel("Var(z) on a held-out batch")
    axes[0].set_title("after LSUV")
    for name, curve in lsuv_result["curves"].items():
        axes[1].plot(curve, label=name)
    axes[1].set_xlabel("step (batch 100)")
    axes[1].set_ylabel("training loss")
    axes[1].set_title("20-layer ReLU MLP on Fashion-MNIST")
    axes[1].legend()
    fig.tight_layout()
    fig.savefig(out / "09_lsuv.png", dpi=110)
    plt.close(fig)


# %% Run everything
def main():
    sweep = depth_sweep()
    print("Deep linear nets (width 32), steps to reach 1 % of the initial loss, lr 0.3/depth:")
    for (scheme, depth), (steps, _) in sweep.items():
        print(f"  {scheme:10s} depth {depth:2d}: {steps}")
    result = lsuv_experiment()
    print("\nLSUV on a 20 x 128 ReLU MLP (rescales per layer):",
          [r.iterations for r in result["report"]])
    print("  Var(z) per layer on a held-out batch:", np.round(result["held_out_variances"], 2))
    for name, curve in result["curves"].items():
        print(f"  {name:4s} mean loss over the last 50 of 300 steps: {curve[-50:].mean():.3f}")
    save_figures(sweep, result)
    print(f"figures written to {OUT}")


if __name__ == "__main__":
    main()
