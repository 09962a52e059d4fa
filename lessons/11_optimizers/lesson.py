# %% [markdown]
# # Lesson 11 — Optimizers change the picture
#
# Lessons 6-8 measured initialization under plain gradient steps, whose size is the
# gradient's size. Adam (Kingma & Ba 2015) divides each parameter's step by a running
# root-mean-square of its own gradient, so a step is about lr whatever that scale. Three
# experiments on standardized Fashion-MNIST: (1) one step of each optimizer from a network
# whose gradients have vanished (σ = 0.01, 5 ReLU layers); (2) five schemes trained with SGD
# + momentum and with Adam for the same 300 steps (3 seeds): how much of the gap between
# σ = 0.01, Glorot and He survives, and what does not change (zeros and constants still
# fail: symmetry is not a scale problem); (3) where Adam's rescue ends: gradients below its
# eps. Run: `python lesson.py` (about 20 s). Figures go to ./out/ or $TINYNET_OUT.

# %%
import os
import sys
from pathlib import Path

import numpy as np

import tinynet as tn
from tinynet import mine
from tinynet import data, init, nn, optim
from tinynet.nn import functional as F
from tinynet.train import evaluate, fit

HERE = Path(__file__).resolve().parent
OUT = Path(os.environ.get("TINYNET_OUT", HERE / "out"))
DEPTH, WIDTH, STEPS, BATCH = 5, 128, 300, 128
OPTIMIZERS = {"SGD + momentum": dict(lr=0.01, momentum=0.9), "Adam": dict(lr=1e-3)}


def constant_over_fan_in(shape, dtype=None):
    """Every weight 1/fan_in: each unit outputs the mean of its inputs, so the scale is kept
    (a constant with the right scale); every unit of a layer is the same unit."""
    return np.full(shape, 1.0 / shape[0], dtype=dtype or np.float32)


SCHEMES = {
    "zeros": "zeros",
    "constant 1/fan_in": constant_over_fan_in,
    "normal σ=0.01": init.RandomNormal(stddev=0.01),
    "Glorot": "glorot_uniform",
    "He": "he_normal",
}
DETERMINISTIC = ("zeros", "constant 1/fan_in")     # no random draw: one seed says it all


# The functions this lesson's exercises ask for: tinynet's reference versions, or under
# `tinynet lesson 11 --mine` yours where they pass the grader.
PIECES = mine.pieces(11, "sgd_momentum_update", "adam_update")


def mlp(kernel_initializer, depth=DEPTH, width=WIDTH, in_features=784, classes=10, dtype=None):
    layers, fan_in = [], in_features
    for _ in range(depth):
        layers.append(nn.Dense(fan_in, width, activation="relu", kernel_initializer=kernel_initializer,
                               dtype=dtype))
        fan_in = width
    layers.append(nn.Dense(fan_in, classes, kernel_initializer=kernel_initializer, dtype=dtype))
    return nn.Sequential(*layers)


def make_optimizer(name, params, eps=None):
    settings = dict(OPTIMIZERS[name])
    if name == "Adam":
        return optim.Adam(params, eps=eps or 1e-8, **settings)
    return optim.SGD(params, **settings)


# %% Part 1: one step from a network whose gradients have vanished
def kernel_gradients(model, x, y):
    loss = F.cross_entropy(model(tn.Tensor(x)), y)
    loss.backward()
    return [layer.kernel.grad.astype(np.float64) for layer in model.dense_layers()]


def first_steps(x, y, scheme="normal σ=0.01", seed=0):
    """Per layer: the median |gradient| of the kernel and the median |change| of one step of
    each optimizer, computed with this lesson's two pieces, in units of its lr."""
    tn.manual_seed(seed)
    model = mlp(SCHEMES[scheme])
    grads = kernel_gradients(model, x, y)
    rows = []
    for layer, g in zip(model.dense_layers(), grads):
        w = layer.kernel.data.astype(np.float64)
        sgd = PIECES.sgd_momentum_update(w, g, {}, **OPTIMIZERS["SGD + momentum"]) - w
        adam = PIECES.adam_update(w, g, {}, **OPTIMIZERS["Adam"]) - w
        rows.append({"grad": float(np.median(np.abs(g))),
                     "sgd": float(np.median(np.abs(sgd))) / OPTIMIZERS["SGD + momentum"]["lr"],
                     "adam": float(np.median(np.abs(adam))) / OPTIMIZERS["Adam"]["lr"]})
    return rows


def pieces_match_tinynet(x, y, steps=3, seed=0):
    """Largest difference between the pieces and tinynet.optim over a few steps (float64)."""
    worst = 0.0
    for name, piece in (("SGD + momentum", PIECES.sgd_momentum_update), ("Adam", PIECES.adam_update)):
        tn.manual_seed(seed)
        model = mlp("he_normal", depth=2, width=32, dtype=np.float64)
        weights = [p.data.copy() for p in model.parameters()]
        states = [{} for _ in weights]
        optimizer = make_optimizer(name, model.parameters())
        for step in range(steps):
            xb, yb = x[step * 64:(step + 1) * 64].astype(np.float64), y[step * 64:(step + 1) * 64]
            optimizer.zero_grad()
            F.cross_entropy(model(tn.Tensor(xb)), yb).backward()
            grads = [p.grad for p in model.parameters()]
            weights = [piece(w, g, s, **OPTIMIZERS[name]) for w, g, s in zip(weights, grads, states)]
            optimizer.step()
            for p, w in zip(model.parameters(), weights):
                worst = max(worst, float(np.abs(p.data - w).max()))
                p.data = w.copy()      # both continue from the pieces' weights
    return worst


# %% Part 2: the same budget, two optimizers, five schemes
def distinct_units(kernel):
    """How many different columns (units) a kernel has, exactly."""
    return int(np.unique(np.asarray(kernel).T, axis=0).shape[0])


def train(scheme, optimizer, seed, train_set, test_set, depth=DEPTH, steps=STEPS, eps=None):
    x, y = train_set
    tn.manual_seed(seed)
    model = mlp(SCHEMES[scheme], depth=depth)
    history = fit(model, x, y, make_optimizer(optimizer, model.parameters(), eps=eps), batch_size=BATCH,
                  steps=steps, seed=seed, progress=False, stop_on_divergence=False)
    _, accuracy = evaluate(model, *test_set)
    hidden = model.dense_layers()[1].kernel.data
    return {"test_accuracy": accuracy, "loss": np.asarray(history.step_loss), "distinct_units": distinct_units(hidden)}


def comparison(train_set, test_set, seeds=(0, 1, 2), schemes=tuple(SCHEMES), progress=True):
    """{optimizer: {scheme: [run per seed]}}; deterministic schemes run once."""
    jobs = [(o, s, seed) for o in OPTIMIZERS for s in schemes for seed in (seeds[:1] if s in DETERMINISTIC else seeds)]
    results = {o: {s: [] for s in schemes} for o in OPTIMIZERS}
    for i, (o, s, seed) in enumerate(jobs, start=1):
        if progress:
            print(f"\r  training run {i}/{len(jobs)}: {o}, {s}, seed {seed}        ", end="", file=sys.stderr, flush=True)
        results[o][s].append(train(s, o, seed, train_set, test_set))
    if progress:
        print(file=sys.stderr)
    return results


def gap(results, optimizer, schemes=("normal σ=0.01", "Glorot", "He")):
    """Largest minus smallest mean test accuracy among ``schemes`` under ``optimizer``."""
    means = [np.mean([r["test_accuracy"] for r in results[optimizer][s]]) for s in schemes]
    return float(max(means) - min(means))


# %% Part 3: where the rescue ends
def gradient_scale_by_depth(x, y, depths=(3, 5, 8), seed=0):
    """Median |kernel gradient| of each layer at init, σ = 0.01, for several depths."""
    out = {}
    for depth in depths:
        tn.manual_seed(seed)
        out[depth] = [float(np.median(np.abs(g))) for g in kernel_gradients(mlp(SCHEMES["normal σ=0.01"], depth=depth), x, y)]
    return out


def eps_experiment(train_set, test_set, depth=8, eps_values=(1e-8, 1e-12), seed=0):
    return {eps: train("normal σ=0.01", "Adam", seed, train_set, test_set, depth=depth, eps=eps)["test_accuracy"]
            for eps in eps_values}


# %% Figures
def save_figures(steps, results, out=OUT):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out.mkdir(parents=True, exist_ok=True)
    fig, ax = plt.subplots(figsize=(7.5, 4.5))
    layers = np.arange(1, len(steps) + 1)
    ax.semilogy(layers, [r["sgd"] for r in steps], "o-", label="SGD + momentum: |Δw| / lr = |g|")
    ax.semilogy(layers, [r["adam"] for r in steps], "s-", label="Adam: |Δw| / lr = |g| / (|g| + eps)")
    ax.axhline(1.0, color="k", ls=":", label="|Δw| = lr")
    ax.set_xlabel(f"layer ({DEPTH} ReLU layers of {WIDTH}, then the output layer)")
    ax.set_ylabel("median |Δw| of the first step / lr (log scale)")
    ax.set_title(f"First step from normal σ=0.01: SGD moves weights {min(r['sgd'] for r in steps):.1e}-"
                 f"{max(r['sgd'] for r in steps):.1e} lr, Adam {min(r['adam'] for r in steps):.2f}-"
                 f"{max(r['adam'] for r in steps):.2f} lr", fontsize=10)
    ax.legend(loc="center right")
    fig.tight_layout()
    fig.savefig(out / "11_first_step.png", dpi=110)
    plt.close(fig)

    schemes = list(next(iter(results.values())))
    fig, ax = plt.subplots(figsize=(8.5, 4.5))
    width = 0.38
    for k, (optimizer, runs) in enumerate(results.items()):
        xs = np.arange(len(schemes)) + (k - 0.5) * width
        means = [np.mean([r["test_accuracy"] for r in runs[s]]) for s in schemes]
        ax.bar(xs, means, width, label=f"{optimizer} (bar: mean, dots: seeds)", alpha=0.8)
        for x, s in zip(xs, schemes):
            accs = [r["test_accuracy"] for r in runs[s]]
            ax.plot([x] * len(accs), accs, "k.", ms=5)
    ax.axhline(0.1, color="k", ls=":", label="0.1: chance (10 classes)")
    ax.set_xticks(np.arange(len(schemes)), schemes)
    ax.set_ylim(0, 1)
    ax.set_ylabel(f"test accuracy after {STEPS} steps (batch {BATCH})")
    ax.set_xlabel(f"initialization ({DEPTH} x {WIDTH} ReLU MLP, standardized Fashion-MNIST)")
    const = [r["test_accuracy"] for o in results for r in results[o]["constant 1/fan_in"]]
    zeros = [r["test_accuracy"] for o in results for r in results[o]["zeros"]]
    ax.set_title(f"Gap between σ=0.01, Glorot, He: {gap(results, 'SGD + momentum'):.2f} with SGD + momentum, "
                 f"{gap(results, 'Adam'):.2f} with Adam;\nunder both, zeros ends at {max(zeros):.2f} and the "
                 f"constant (one distinct unit per layer) at {min(const):.2f}-{max(const):.2f}", fontsize=10)
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    fig.savefig(out / "11_accuracy.png", dpi=110)
    plt.close(fig)


# %% Run everything
def main():
    print("This lesson takes about 20 s (it trains 22 small networks for 300 steps each).", flush=True)
    train_set, test_set = data.load_standardized_fashion_mnist()
    x, y = train_set[0][:BATCH], train_set[1][:BATCH]

    print(f"\nPart 1 - one step from normal σ=0.01, {DEPTH} ReLU layers of {WIDTH} (one batch of {BATCH}); "
          f"SGD lr {OPTIMIZERS['SGD + momentum']['lr']}, Adam lr {OPTIMIZERS['Adam']['lr']}:")
    steps = first_steps(x, y)
    for i, row in enumerate(steps, start=1):
        print(f"  layer {i}: median |g| {row['grad']:.2e}   |Δw|/lr: SGD {row['sgd']:.2e}, Adam {row['adam']:.3f}")
    print(f"  the two pieces against tinynet.optim over 3 steps (float64): largest difference "
          f"{pieces_match_tinynet(*train_set):.1e}")

    print(f"\nPart 2 - test accuracy after {STEPS} steps (batch {BATCH}), seeds 0-2 "
          "(zeros and the constant draw nothing at random: one seed):")
    results = comparison(train_set, test_set)
    for optimizer, runs in results.items():
        for scheme, rs in runs.items():
            accs = [r["test_accuracy"] for r in rs]
            print(f"  {optimizer:15s} {scheme:18s} test accuracy {', '.join(f'{a:.3f}' for a in accs)}  "
                  f"distinct units in layer 2: {rs[0]['distinct_units']}")
    for optimizer in results:
        print(f"  {optimizer}: largest minus smallest mean accuracy of σ=0.01, Glorot, He = {gap(results, optimizer):.3f}")

    print("\nPart 3 - where the rescue ends: median |kernel gradient| per layer at init, σ=0.01 (eps = 1e-8):")
    for depth, medians in gradient_scale_by_depth(x, y).items():
        print(f"  depth {depth}: " + " ".join(f"{m:.1e}" for m in medians))
    accs = eps_experiment(train_set, test_set)
    print("  depth 8, σ=0.01, Adam, 300 steps: " + ", ".join(f"eps {e:g} -> test accuracy {a:.3f}" for e, a in accs.items()))
    save_figures(steps, results)
    print(f"figures written to {OUT}")


if __name__ == "__main__":
    main()
