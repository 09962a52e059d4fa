# %% [markdown]
# # Lesson 14 — Myths from the web
#
# Eight things a learner reads about initialization in tutorials, answers and blog posts,
# each tested by an experiment that prints its measurement and a verdict. The snippets
# of exercises.py (A-H) are the code their authors wrote. Fashion-MNIST stands in for
# MNIST where a myth needs images (both are 28 x 28 = 784 pixels, 10 classes).
# Run: `python lesson.py` (about 10 s). Figures go to ./out/ or $TINYNET_OUT.

# %%
import math
import os
import sys
from pathlib import Path

import numpy as np

import tinynet as tn
from tinynet import mine
from tinynet import data, init, kernels, nn, optim
from tinynet.nn import functional as F
from tinynet.train import evaluate, fit

HERE = Path(__file__).resolve().parent
OUT = Path(os.environ.get("TINYNET_OUT", HERE / "out"))
STEPS, BATCH = 300, 128


# The functions this lesson's exercises ask for: tinynet's reference versions, or under
# `tinynet lesson 14 --mine` yours where they pass the grader.
PIECES = mine.pieces(14, "classify_bugs", "predicted_ratio")


def mlp(kernel_initializer, depth=2, width=128, in_features=784, classes=10, activation="relu", dtype=None):
    layers, fan_in = [], in_features
    for _ in range(depth):
        layers.append(nn.Dense(fan_in, width, activation=activation, kernel_initializer=kernel_initializer,
                               dtype=dtype))
        fan_in = width
    if classes:
        layers.append(nn.Dense(fan_in, classes, kernel_initializer=kernel_initializer, dtype=dtype))
    return nn.Sequential(*layers)


def train(model, train_set, test_set, seed=0, steps=STEPS):
    x, y = train_set
    fit(model, x, y, optim.SGD(model.parameters(), lr=0.01, momentum=0.9), batch_size=BATCH, steps=steps,
        seed=seed, progress=False, stop_on_divergence=False)
    return evaluate(model, *test_set)[1]


def std_ratio(model, x):
    """std(pre-activation of the last Dense layer) / std(pre-activation of the first)."""
    stds = []
    handles = [layer.register_forward_hook(lambda l, xi, z, a: stds.append(float(z.data.std())))
               for layer in model.dense_layers()]
    with tn.no_grad():
        model(x)
    for handle in handles:
        handle.remove()
    return stds[-1] / stds[0]


def array_initializer(draw):
    """A tinynet initializer from ``draw(shape, rng) -> array`` (one generator per model)."""
    rng = np.random.default_rng(0)

    def initializer(shape, dtype=None):
        return np.asarray(draw(tuple(shape), rng), dtype=dtype or np.float32)

    return initializer


# %% Myth 1 (snippet A): "random weights help escape local minima"
def interpolation_losses(model, start, x, y, alphas):
    """Loss along the straight line from the initial weights ``start`` to the trained ones."""
    final = [p.data.copy() for p in model.parameters()]
    losses = []
    for a in alphas:
        for p, w0, w1 in zip(model.parameters(), start, final):
            p.data = ((1 - a) * w0 + a * w1).astype(w1.dtype)
        losses.append(evaluate(model, x, y)[0])
    for p, w1 in zip(model.parameters(), final):
        p.data = w1
    return losses


def myth_local_minima(train_set, test_set, seeds=range(5)):
    """He from several seeds: where do they end, and is there a barrier on the straight path
    from start to end (Goodfellow, Vinyals & Saxe 2015)? And the constant start of snippet A."""
    alphas = np.linspace(0, 1, 11)
    x, y = train_set[0][:2000], train_set[1][:2000]
    runs = []
    for seed in seeds:
        tn.manual_seed(seed)
        model = mlp("he_normal")
        start = [p.data.copy() for p in model.parameters()]
        accuracy = train(model, train_set, test_set, seed)
        path = interpolation_losses(model, start, x, y, alphas)
        runs.append({"accuracy": accuracy, "path": path,
                     "monotonic": bool(np.all(np.diff(path) <= 1e-6))})
    model = mlp(init.Constant(0.01))
    constant_accuracy = train(model, train_set, test_set)
    kernel = model.dense_layers()[0].kernel.data
    distinct = int(np.unique(kernel.T, axis=0).shape[0])
    return {"runs": runs, "alphas": alphas, "constant_accuracy": constant_accuracy, "constant_distinct": distinct}


# %% Myth 2 (snippet B): "LeCun init uses fan_in and fan_out"
def myth_lecun_fans(shapes=((784, 10), (10, 784), (256, 256))):
    """tinynet's lecun_normal (Keras's definition) against snippet B's formula: the std, and
    the variance gain fan_in·Var(W) of a linear layer (1 keeps the forward signal)."""
    rows = []
    for shape in shapes:
        w = init.LecunNormal(seed=0)(shape, dtype=np.float64)
        snippet_std = math.sqrt(2 / (shape[0] + shape[1]))
        rows.append({"shape": shape, "lecun_std": float(w.std()), "one_over_sqrt_fan_in": 1 / math.sqrt(shape[0]),
                     "snippet_std": snippet_std, "lecun_gain": shape[0] * float(w.var()),
                     "snippet_gain": shape[0] * snippet_std ** 2})
    return rows


# %% Myth 3 (snippet C): "He init is for PReLU only"
def myth_he_only_prelu(depth=30, width=256, batch=500, seed=0):
    """std ratio layer 30 / layer 1 in plain ReLU and leaky-ReLU(0.2) stacks, for Glorot, He
    (gain sqrt 2) and He with the leaky gain sqrt(2 / (1 + 0.2²))."""
    x = np.random.default_rng(seed).standard_normal((batch, width))
    out = {}
    leaky_he = init.VarianceScaling(scale=2 / (1 + 0.2 ** 2), mode="fan_in", distribution="truncated_normal")
    for activation, label in (("relu", "ReLU"), (nn.LeakyReLU(0.2), "leaky ReLU 0.2")):
        for name, scheme in (("Glorot", "glorot_normal"), ("He", "he_normal"), ("He, leaky gain", leaky_he)):
            if label == "ReLU" and name == "He, leaky gain":
                continue
            tn.manual_seed(seed)
            model = mlp(scheme, depth=depth, width=width, in_features=width, classes=None,
                        activation=activation, dtype=np.float64)
            out[(label, name)] = std_ratio(model, x)
    out["predicted_glorot_relu"] = PIECES.predicted_ratio("C", depth, width)
    return out


# %% Myth 4 (snippet D): "sigma = 0.001 is a safe default"
def myth_tiny_sigma(train_set, test_set, depths=(1, 2, 3), seed=0):
    out = {}
    for depth in depths:
        for name, scheme in (("σ=0.001", init.RandomNormal(stddev=0.001)), ("He", "he_normal")):
            tn.manual_seed(seed)
            out[(depth, name)] = train(mlp(scheme, depth=depth), train_set, test_set, seed)
    return out


def myth_tiny_sigma_signal(x, depth=10, width=128, seed=0):
    """Measured and predicted std ratio layer ``depth`` / layer 2 for σ = 0.001 (layer 1 has
    fan_in 784, so the equal-width stack starts at layer 2)."""
    tn.manual_seed(seed)
    model = mlp(init.RandomNormal(stddev=0.001), depth=depth + 1, width=width, classes=None, dtype=np.float64)
    stds = []
    handles = [layer.register_forward_hook(lambda l, xi, z, a: stds.append(float(z.data.std())))
               for layer in model.dense_layers()]
    with tn.no_grad():
        model(x.astype(np.float64))
    for handle in handles:
        handle.remove()
    return stds[-1] / stds[1], PIECES.predicted_ratio("D", depth, width)


# %% Myth 5 (snippet E): W_new = W_old + dL/dW
def myth_sign(train_set, steps=20, lr=0.01, seed=0):
    """The loss after each of ``steps`` plain steps: w - lr·g, w + lr·g and w + g."""
    x, y = train_set[0][:BATCH], train_set[1][:BATCH]
    curves = {}
    for name, update in (("W - lr·dL/dW", lambda w, g: w - lr * g), ("W + lr·dL/dW", lambda w, g: w + lr * g),
                         ("W + dL/dW", lambda w, g: w + g)):
        tn.manual_seed(seed)
        model = mlp("he_normal")
        losses = []
        with np.errstate(all="ignore"):
            for _ in range(steps + 1):
                loss = F.cross_entropy(model(tn.Tensor(x)), y)
                losses.append(float(loss.data))
                if not np.isfinite(losses[-1]):
                    break
                for p in model.parameters():
                    p.grad = None
                loss.backward()
                for p in model.parameters():
                    p.data = update(p.data, p.grad).astype(p.data.dtype)
        curves[name] = losses
    return curves


# %% Myth 6 (snippet F): np.random.normal(low, high)
def myth_normal_arguments(pixels, fan_in=784, fan_out=256, seed=0):
    """What normal(-limit, limit) draws, what normal(low=..., high=...) says, and how many
    ReLU units of a 784 -> 256 layer are dead (zero on every image of the batch) on pixel
    inputs in [0, 1]."""
    limit = math.sqrt(6 / (fan_in + fan_out))
    rng = np.random.default_rng(seed)
    try:
        rng.normal(low=-limit, high=limit, size=(fan_in, fan_out))
        keyword_error = None
    except TypeError as error:
        keyword_error = str(error)
    drawn = rng.normal(-limit, limit, size=(fan_in, fan_out))
    intended = rng.uniform(-limit, limit, size=(fan_in, fan_out))

    def dead(w):
        return float(np.mean(np.all(kernels.matmul(pixels.astype(np.float64), w) <= 0, axis=0)))  # tinynet GEMM

    return {"limit": limit, "keyword_error": keyword_error, "mean": float(drawn.mean()), "std": float(drawn.std()),
            "dead_snippet": dead(drawn), "dead_intended": dead(intended)}


# %% Myth 7 (snippet G): a He normal drawn from a uniform
def myth_uniform_for_normal(depth=20, width=256, batch=500, seed=0):
    std = math.sqrt(2 / width)
    x = np.random.default_rng(seed).standard_normal((batch, width))
    drawn = array_initializer(lambda shape, rng: rng.uniform(-std, std, size=shape))
    model = mlp(drawn, depth=depth, width=width, in_features=width, classes=None, dtype=np.float64)
    sample = np.random.default_rng(seed).uniform(-std, std, size=(width, width))
    return {"intended_std": std, "drawn_std": float(sample.std()), "ratio": std_ratio(model, x),
            "predicted": PIECES.predicted_ratio("G", depth, width)}


# %% Myth 8 (snippet H): 768 inputs for MNIST
def myth_768(train_set):
    x, y = train_set
    layer = nn.Dense(768, 10)
    try:
        layer(tn.Tensor(x[:4]))
        error = None
    except ValueError as caught:
        error = str(caught).split(". ")[0]
    reshaped = x.reshape(-1, 768)
    return {"pixels": 28 * 28, "error": error, "reshaped_rows": reshaped.shape[0], "labels": len(y),
            "std_ratio_768_vs_784": math.sqrt((784 + 10) / (768 + 10))}


# %% Figures
def save_figures(minima, sign, out=OUT):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out.mkdir(parents=True, exist_ok=True)
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for seed, run in enumerate(minima["runs"]):
        ax.plot(minima["alphas"], run["path"], "o-", ms=3, label=f"He, seed {seed} (test accuracy {run['accuracy']:.3f})")
    ax.set_xlabel("α: weights (1 - α)·initial + α·trained")
    ax.set_ylabel("training loss on 2000 images (nats)")
    monotonic = sum(run["monotonic"] for run in minima["runs"])
    accs = [run["accuracy"] for run in minima["runs"]]
    ax.set_title(f"Straight path from init to trained weights: monotonic in {monotonic} of {len(accs)} seeds;\n"
                 f"the seeds end at test accuracy {min(accs):.3f}-{max(accs):.3f}", fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out / "14_straight_path.png", dpi=110)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(7, 4.5))
    labels = {"W - lr·dL/dW": "W - lr·dL/dW (descent)", "W + lr·dL/dW": "W + lr·dL/dW (ascent)",
              "W + dL/dW": "W + dL/dW (ascent with step 1·g; stops where the loss is no longer finite)"}
    for name, losses in sign.items():
        ax.semilogy(range(len(losses)), losses, "o-", ms=3, label=labels[name])
    ax.set_xlabel("step (one batch of 128, plain gradient steps, lr = 0.01 where written)")
    ax.set_ylabel("training loss (nats, log scale)")
    last = {name: losses[-1] for name, losses in sign.items()}
    ax.set_title(f"The sign of the step: loss after {len(sign['W - lr·dL/dW']) - 1} steps "
                 f"{last['W - lr·dL/dW']:.3g} (minus) vs {last['W + lr·dL/dW']:.3g} (plus)", fontsize=10)
    ax.legend(fontsize=8, loc="center right")
    fig.tight_layout()
    fig.savefig(out / "14_sign.png", dpi=110)
    plt.close(fig)


# %% Run everything
def verdict(text):
    print(f"  verdict: {text}")


def main():
    print("This lesson takes about 10 s (it trains 11 small networks for 300 steps each).", flush=True)
    raw = data.load_fashion_mnist()
    train_set, test_set = data.load_standardized_fashion_mnist(raw=raw)

    print("\nMyth 1 (snippet A) - 'random weights help the network escape local minima'")
    print("  training 6 networks...", file=sys.stderr, flush=True)
    minima = myth_local_minima(train_set, test_set)
    accs = [run["accuracy"] for run in minima["runs"]]
    print(f"  784-128-128-10 ReLU, SGD + momentum, {STEPS} steps; He from seeds 0-4: test accuracy "
          f"{', '.join(f'{a:.3f}' for a in accs)}")
    print(f"  loss along the straight line from the initial to the trained weights decreases monotonically in "
          f"{sum(r['monotonic'] for r in minima['runs'])} of {len(accs)} seeds (no barrier on the way)")
    print(f"  snippet A's constant 0.01: test accuracy {minima['constant_accuracy']:.3f}, "
          f"{minima['constant_distinct']} distinct unit(s) of 128 in layer 1 after training")
    verdict(f"misleading. Different random starts end within {max(accs) - min(accs):.3f} of each other, with no "
            "barrier to escape on the way; what the randomness is needed for is to make the units different "
            "(lesson 5).")

    print("\nMyth 2 (snippet B) - 'LeCun init uses fan_in and fan_out'")
    for row in myth_lecun_fans():
        print(f"  {str(row['shape']):11s} lecun_normal std {row['lecun_std']:.4f} (1/sqrt(fan_in) = "
              f"{row['one_over_sqrt_fan_in']:.4f}), fan_in·Var(W) {row['lecun_gain']:.3f}; snippet B std "
              f"{row['snippet_std']:.4f}, fan_in·Var(W) {row['snippet_gain']:.3f}")
    verdict("false. LeCun et al. (1998) scale by fan_in alone; averaging the two fans is Glorot & Bengio (2010). "
            "Snippet B is Glorot normal with the wrong name; for a 784 -> 10 layer it doubles the forward variance.")

    print("\nMyth 3 (snippet C) - 'He init is for PReLU only'")
    he = myth_he_only_prelu()
    for key, ratio in he.items():
        if isinstance(key, tuple):
            print(f"  30 layers of 256, {key[0]:15s} {key[1]:15s} std layer 30 / layer 1 = {ratio:.3g}")
    print(f"  prediction for Glorot + ReLU, (1/sqrt 2)^29 = {he['predicted_glorot_relu']:.3g}")
    verdict("false. He et al. (2015) derive Var(W) = 2 / ((1 + a²) fan_in) for rectifiers with negative slope a; "
            "a = 0 is the plain ReLU. With Xavier the plain ReLU stack loses the signal.")

    print("\nMyth 4 (snippet D) - 'σ = 0.001 is a safe default'")
    tiny = myth_tiny_sigma(train_set, test_set)
    for depth in (1, 2, 3):
        print(f"  {depth} hidden ReLU layer(s) of 128: test accuracy σ=0.001 {tiny[(depth, 'σ=0.001')]:.3f}, "
              f"He {tiny[(depth, 'He')]:.3f}")
    measured, predicted = myth_tiny_sigma_signal(train_set[0][:500])
    print(f"  10 more layers of 128 at σ=0.001: std ratio {measured:.3g} (predicted (0.001·sqrt(64))^9 = {predicted:.3g})")
    verdict("false beyond one hidden layer. A fixed σ ignores the width: each ReLU layer multiplies the signal "
            "by σ·sqrt(n/2) = 0.008 at n = 128.")

    print("\nMyth 5 (snippet E) - the update W_new = W_old + dL/dW")
    sign = myth_sign(train_set)
    for name, losses in sign.items():
        print(f"  {name:13s} loss at step 0, 5, 10, 20: " + ", ".join(
            f"{losses[i]:.4g}" if i < len(losses) else "-" for i in (0, 5, 10, 20))
            + ("" if len(losses) > 20 else f" (not finite at step {len(losses) - 1})"))
    verdict("a sign error (and a missing learning rate): the gradient points uphill, so this step increases the loss.")

    print("\nMyth 6 (snippet F) - np.random.normal(low, high) read as bounds")
    pixels = data.prepare_images(raw[0][0][:256])
    normal = myth_normal_arguments(pixels)
    print(f"  with keywords: TypeError: {normal['keyword_error']}")
    print(f"  positionally, normal(-limit, limit) with limit {normal['limit']:.4f} draws mean {normal['mean']:.4f}, "
          f"std {normal['std']:.4f}: loc = -limit, scale = limit")
    print(f"  784 -> 256 ReLU layer on pixels in [0, 1]: dead units (zero on all 256 images) "
          f"{normal['dead_snippet']:.0%} with the snippet, {normal['dead_intended']:.0%} with the intended uniform")
    verdict("a bug. normal takes (loc, scale): the call runs and draws a shifted normal; the uniform is "
            "uniform(-limit, limit).")

    print("\nMyth 7 (snippet G) - a He normal drawn from a uniform")
    uniform = myth_uniform_for_normal()
    print(f"  intended std {uniform['intended_std']:.4f}, drawn std {uniform['drawn_std']:.4f} "
          f"(ratio {uniform['drawn_std'] / uniform['intended_std']:.3f}; 1/sqrt 3 = {1 / math.sqrt(3):.3f})")
    print(f"  20 ReLU layers of 256: std layer 20 / layer 1 = {uniform['ratio']:.3g} "
          f"(predicted (1/sqrt 3)^19 = {uniform['predicted']:.3g})")
    verdict("a bug. A uniform on [-s, s] has std s/sqrt 3; He uniform uses the limit sqrt(6 / fan_in).")

    print("\nMyth 8 (snippet H) - 768 inputs for MNIST")
    wrong = myth_768(train_set)
    print(f"  an image has 28 x 28 = {wrong['pixels']} pixels; Dense(768, 10) on them: {wrong['error']}")
    print(f"  x.reshape(-1, 768) on the {wrong['labels']} training images runs and gives {wrong['reshaped_rows']} "
          f"rows: images cut and glued across, no longer matching the {wrong['labels']} labels")
    print(f"  the init itself hardly changes: Glorot's std with 768 is {wrong['std_ratio_768_vs_784']:.4f} times "
          "the one with 784")
    verdict("a bug in the shape, not in the scale (28·28 = 784).")

    save_figures(minima, sign)
    print(f"\nfigures written to {OUT}")


if __name__ == "__main__":
    main()
