# %% [markdown]
# # Lesson 9 — Orthogonal and LSUV
#
# Two ways past the variance formulas. (1) Orthogonal init (Saxe et al. 2013): in a deep
# LINEAR network, orthogonal layers make the end-to-end map an isometry, so every
# direction of the signal and of the gradient passes unchanged, at every depth. Gaussian
# layers of the "right" variance keep only the average: the spread of their product's
# singular values grows like the depth, whatever the width (measured here). Trained to
# 1 % of the initial loss at each scheme's best step size, the orthogonal net's learning
# time stops growing with depth; the Gaussian net's grows until it never gets there.
# (2) LSUV (Mishkin & Matas 2015): start orthogonal, then measure each layer's output
# variance on a batch and rescale until it is 1.
# Run: `python lesson.py` (15-25 s on an idle 2-core machine). Figures go to ./out/ or $TINYNET_OUT.

# %%
import os
from pathlib import Path

import numpy as np

import tinynet as tn
from tinynet import data, init, kernels, nn, optim
from tinynet.train import fit
from tinynet import mine

HERE = Path(__file__).resolve().parent
OUT = Path(os.environ.get("TINYNET_OUT", HERE / "out"))


# %% Part 1a: the singular values of a product of L random layers
def draw_kernel(scheme, width, seed):
    """One width x width float64 layer: orthogonal, or Gaussian N(0, 1/width)."""
    if scheme == "orthogonal":
        return init.Orthogonal(seed=seed)((width, width), dtype=np.float64)
    return init.RandomNormal(stddev=1 / np.sqrt(width), seed=seed)((width, width), dtype=np.float64)


def product_spectrum(depth, width, scheme, draws, seed=0):
    """Squared singular values λ of P = W_1 ⋯ W_depth, pooled over ``draws`` products.

    Returns the mean of λ (1 for both schemes: Var = 1/n keeps the average gain) and its
    relative spread var(λ)/mean(λ)², the number that tells the schemes apart.
    """
    squares = []
    for d in range(draws):
        product = np.eye(width)
        for layer in range(depth):
            product = kernels.matmul(product, draw_kernel(scheme, width, seed=10_000 * seed + 100 * d + layer))
        squares.append(np.linalg.svd(product, compute_uv=False) ** 2)
    lam = np.concatenate(squares)
    return {"mean": float(lam.mean()), "spread": float(lam.var() / lam.mean() ** 2),
            "largest": float(lam.max()), "smallest": float(lam.min())}


def spectrum_sweep(depths=(1, 2, 4, 8, 16), widths=(32, 256), draws={32: 32, 256: 2}):
    """Relative spread of the squared singular values for Gaussian layers at each depth and
    width, and for orthogonal layers at the largest depth."""
    rows = {("gaussian", width, depth): product_spectrum(depth, width, "gaussian", draws[width])
            for width in widths for depth in depths}
    rows.update({("orthogonal", width, depths[-1]): product_spectrum(depths[-1], width, "orthogonal", 2)
                 for width in widths})
    return rows


# %% Part 1b: learning time of deep linear networks (Saxe et al. 2013)
def linear_task(width=32, n=256, seed=0):
    """Regression onto a random linear teacher: y = x A, A ~ N(0, 1/width)."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, width))
    teacher = rng.standard_normal((width, width)) / np.sqrt(width)
    return x, x @ teacher


def steps_to_one_percent(depth, scheme, lr=0.3, width=32, n=256, max_steps=1000, seed=0):
    """Full-batch gradient descent on L = 0.5·mean ||x W_1⋯W_depth − y||², every layer
    with step lr/depth (each of the depth layers moves the end-to-end map, so the map's
    effective rate is about lr). The gradient of layer l, written out:
    ∂L/∂W_l = (x W_1⋯W_{l−1})ᵀ · e · (W_{l+1}⋯W_depth)ᵀ, with e = (f(x) − y)/n.

    Returns the first step whose loss is <= 1 % of the initial loss, "diverged" (the loss
    became non-finite or grew a million-fold) or "never" (not within ``max_steps``), and
    the loss curve.
    """
    x, y = linear_task(width, n, seed)
    weights = [draw_kernel(scheme, width, seed=1000 * seed + layer) for layer in range(depth)]
    curve = []
    for step in range(max_steps):
        activations = [x]
        for w in weights:
            activations.append(kernels.matmul(activations[-1], w))
        error = activations[-1] - y
        value = 0.5 * float(np.sum(error * error)) / n
        curve.append(value)
        if not np.isfinite(value) or value > 1e6 * curve[0]:
            return "diverged", curve
        if value <= 0.01 * curve[0]:
            return step, curve
        upstream = error / n                                   # ∂L/∂(output of layer l)
        for layer in reversed(range(depth)):
            grad = kernels.matmul_tn(activations[layer], upstream)
            upstream = kernels.matmul_nt(upstream, weights[layer])   # through W_l before it moves
            weights[layer] -= (lr / depth) * grad
    return "never", curve


LEARNING_RATES = (0.3, 1.0, 0.1)   # tried in this order; 0.3 is usually the best


def learning_time(depth, scheme, lrs=LEARNING_RATES, max_steps=1000, seed=0):
    """Steps to 1 % at the best of ``lrs`` (Saxe et al. also compare each scheme at its own
    best learning rate): (steps, lr), or ("diverged" | "never", None) if no rate gets there
    within ``max_steps``. Once a rate has reached 1 %, the next ones run only as long as
    they could still beat it."""
    best, best_lr, outcomes = None, None, []
    for lr in lrs:
        budget = max_steps if best is None else best
        steps, _ = steps_to_one_percent(depth, scheme, lr=lr, max_steps=budget, seed=seed)
        outcomes.append(steps)
        if isinstance(steps, int) and (best is None or steps < best):
            best, best_lr = steps, lr
    if best is not None:
        return best, best_lr
    return ("diverged" if all(o == "diverged" for o in outcomes) else "never"), None


def depth_sweep(depths=(1, 2, 4, 8, 16, 32), schemes=("orthogonal", "gaussian"), max_steps=1000, seed=0):
    return {(scheme, depth): learning_time(depth, scheme, max_steps=max_steps, seed=seed)
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


def lsuv_experiment(depth=20, width=128, steps=300, lr=0.01, momentum=0.9, batch_size=100, seed=0,
                    train=None):
    """LSUV vs He on a depth x width ReLU MLP, standardized Fashion-MNIST.

    LSUV sees the first 500 training images; its result is checked on 500 others.
    Both nets then train with the same SGD settings and batches.
    """
    if train is None:
        train, _ = data.load_standardized_fashion_mnist()
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


LSUV_SEEDS = (0, 1, 2)   # 300 steps of a 20-layer net: one seed's final loss proves little


# %% Your orthogonal and lsuv in the experiment
# Both parts again, small, with your pieces: the squared singular values of a product of 16
# orthogonal 32 x 32 layers, each drawn by ``orthogonal(shape, rng)`` with ``rng =
# np.random.default_rng(seed)``, and LSUV on the 20 x 128 ReLU net of part 2 started from
# those orthogonal kernels, checked on the held-out batch. In a plain run these are tinynet's
# reference solutions (lessons/solutions/lesson_09.py: the same contract as the exercises),
# under `tinynet lesson 9 --mine` yours wherever they pass `tinynet check 9` (whose is said first).
PIECES = mine.pieces(9, "orthogonal", "lsuv")


def pieces_experiment(x, pieces=PIECES, depth=16, width=32, lsuv_depth=20, lsuv_width=128, seed=0):
    """λ range of the orthogonal product; LSUV's rescale counts and held-out Var(z) per layer."""
    orthogonal, lsuv = pieces.orthogonal, pieces.lsuv
    rng = np.random.default_rng(seed)
    product = np.eye(width)
    for _ in range(depth):
        product = kernels.matmul(product, np.asarray(orthogonal((width, width), rng), dtype=np.float64))
    lam = np.linalg.svd(product, compute_uv=False) ** 2
    model = relu_mlp(lsuv_depth, lsuv_width, x.shape[1], kernel_initializer="zeros")
    for layer in model.dense_layers():
        layer.kernel.data = np.asarray(orthogonal(layer.kernel.data.shape, rng), dtype=layer.kernel.data.dtype)
    counts = lsuv(model, x[:500])
    return {"smallest": float(lam.min()), "largest": float(lam.max()), "rescales": list(counts),
            "held_out_variances": preactivation_variances(model, x[500:1000])}


def show_pieces_experiment(x):
    print("\nYour orthogonal and lsuv in the experiment (a few seconds):")
    print("  " + mine.ran(PIECES, mine.reference(9)))
    r = pieces_experiment(x)
    print(f"  16 orthogonal layers of 32: λ from {r['smallest']:.6f} to {r['largest']:.6f}")
    print("  LSUV from orthogonal kernels, 20 x 128 ReLU MLP, rescales per layer:", r["rescales"])
    print("  Var(z) per layer on a held-out batch:", np.round(r["held_out_variances"], 2))


# %% Figures
def save_figures(spectra, sweep, lsuv_result, out=OUT, max_steps=1000):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out.mkdir(parents=True, exist_ok=True)
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.6))
    widths = sorted({w for (s, w, d) in spectra if s == "gaussian"})
    for width, marker in zip(widths, "os"):
        depths = sorted(d for (s, w, d) in spectra if s == "gaussian" and w == width)
        left.loglog(depths, [spectra[("gaussian", width, d)]["spread"] for d in depths], marker + "-",
                    label=f"Gaussian N(0, 1/n), width {width}")
    depths = sorted({d for (s, w, d) in spectra if s == "gaussian"})
    left.loglog(depths, depths, "k:", label="L (the infinitely wide limit)")
    deepest = depths[-1]
    left.set_xlabel("depth L (number of layers)")
    left.set_ylabel("var(λ) / mean(λ)²  (λ = squared singular value)")
    left.set_title(f"Singular values of W₁⋯W_L spread with depth at every width\n"
                   f"(L = {deepest}: " + ", ".join(f"{spectra[('gaussian', w, deepest)]['spread']:.1f} at width {w}"
                                                   for w in widths)
                   + f"; orthogonal: {max(spectra[('orthogonal', w, deepest)]['spread'] for w in widths):.0e})",
                   fontsize=9)
    left.legend(fontsize=8, loc="upper left")

    schemes = sorted({s for s, _ in sweep})
    ceiling = 1.6 * max_steps
    for scheme, marker in zip(schemes, "os"):
        depths = sorted(d for s, d in sweep if s == scheme)
        steps = [sweep[(scheme, d)][0] for d in depths]
        reached = [(d, n) for d, n in zip(depths, steps) if isinstance(n, int)]
        line, = right.loglog([d for d, _ in reached], [n for _, n in reached], marker + "-", label=scheme)
        failed = [d for d, n in zip(depths, steps) if not isinstance(n, int)]
        if failed:
            right.loglog(failed, [ceiling] * len(failed), "x", ms=10, mew=2, color=line.get_color(),
                         label=f"{scheme}: no learning rate reaches 1 % in {max_steps} steps")
    right.axhline(max_steps, color="gray", ls=":", lw=1)
    right.set_xlabel("depth L (number of layers, width 32)")
    right.set_ylabel("steps to 1 % of the initial loss (best of lr ∈ {0.1, 0.3, 1}/L)")
    orth = {d: sweep[("orthogonal", d)][0] for s, d in sweep if s == "orthogonal"}
    right.set_title("Deep linear nets, learning time at each scheme's best learning rate:\n"
                    f"orthogonal {orth[min(orth)]} steps at depth {min(orth)}, {orth[max(orth)]} at depth {max(orth)}",
                    fontsize=9)
    right.legend(fontsize=8, loc="upper left")
    right.set_ylim(top=3 * max_steps)
    spectrum_depths = sorted({d for (s, w, d) in spectra if s == "gaussian"})
    for ax, ticks in ((left, spectrum_depths), (right, sorted({d for _, d in sweep}))):
        ax.set_xticks(ticks)
        ax.set_xticklabels([str(t) for t in ticks])
        ax.xaxis.set_minor_locator(matplotlib.ticker.NullLocator())
    fig.tight_layout()
    fig.savefig(out / "09_deep_linear.png", dpi=110)
    plt.close(fig)

    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    axes[0].plot(range(1, len(lsuv_result["held_out_variances"]) + 1), lsuv_result["held_out_variances"], "o-")
    axes[0].axhline(1.0, color="k", ls=":")
    variances = lsuv_result["held_out_variances"]
    axes[0].set_xlabel("layer")
    axes[0].set_ylabel("Var(z) on a held-out batch (z: pre-activation)")
    axes[0].set_title(f"After LSUV: Var(z) between {min(variances):.2f} and {max(variances):.2f} in every layer",
                      fontsize=10)
    means = {name: curve[-50:].mean() for name, curve in lsuv_result["curves"].items()}
    for name, curve in lsuv_result["curves"].items():
        axes[1].plot(curve, label=f"{name}: mean of the last 50 steps {means[name]:.3f}", lw=1)
    axes[1].set_xlabel("SGD step (batch 100)")
    axes[1].set_ylabel("training loss, cross-entropy (nats)")
    axes[1].set_title(f"20 × 128 ReLU MLP on Fashion-MNIST, seed {LSUV_SEEDS[0]}: "
                      + " vs ".join(f"{n} {m:.3f}" for n, m in means.items()),
                      fontsize=10)
    axes[1].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out / "09_lsuv.png", dpi=110)
    plt.close(fig)


# %% Run everything
def main():
    spectra = spectrum_sweep()
    print("Squared singular values λ of a product of L layers (width n): var(λ)/mean(λ)², mean(λ)")
    for (scheme, width, depth), r in spectra.items():
        print(f"  {scheme:10s} n = {width:3d}, L = {depth:2d}: spread {r['spread']:8.3g}   mean {r['mean']:.3f}")
    sweep = depth_sweep()
    print("\nDeep linear nets (width 32), steps to reach 1 % of the initial loss at the best of lr = "
          + ", ".join(f"{lr:g}" for lr in sorted(LEARNING_RATES)) + " (each divided by the depth), at most 1000 steps:")
    for (scheme, depth), (steps, lr) in sweep.items():
        print(f"  {scheme:10s} depth {depth:2d}: {steps}" + (f" (lr {lr:g}/{depth})" if lr else ""))
    train, _ = data.load_standardized_fashion_mnist()
    runs = {seed: lsuv_experiment(seed=seed, train=train) for seed in LSUV_SEEDS}
    result = runs[LSUV_SEEDS[0]]
    print(f"\nLSUV on a 20 x 128 ReLU MLP, seed {LSUV_SEEDS[0]} (rescales per layer):",
          [r.iterations for r in result["report"]])
    print("  Var(z) per layer on a held-out batch:", np.round(result["held_out_variances"], 2))
    for name in ("LSUV", "He"):
        means = [runs[seed]["curves"][name][-50:].mean() for seed in LSUV_SEEDS]
        print(f"  {name:4s} mean loss over the last 50 of 300 steps, seeds {', '.join(map(str, LSUV_SEEDS))}: "
              + " ".join(f"{m:.3f}" for m in means))
    show_pieces_experiment(train[0])
    save_figures(spectra, sweep, result)
    print(f"figures written to {OUT}")


if __name__ == "__main__":
    main()
