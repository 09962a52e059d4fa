# %% [markdown]
# # Lesson 7 — LeCun and Glorot
#
# Glorot & Bengio (2010), figures 6–7, at initialization: a 5-layer tanh MLP with 1000
# units per layer, fed real images (Fashion-MNIST pixels in [0, 1], as their Shapeset
# images). The "standard" init U[−1/√n, 1/√n] has Var(W) = 1/(3n): every layer shrinks the
# activations by about 1/√3 going forward and the gradients by the same going backward.
# The "normalized" init (glorot_uniform) has Var(W) = 2/(n_in + n_out) and keeps both.
# Run: `python lesson.py` (about 6 s on an idle 2-core machine). Figures go to ./out/ or $TINYNET_OUT.

# %%
import os
from pathlib import Path

import numpy as np

import tinynet as tn
from tinynet import data, init, mine, nn

tn, nn, _, _ = mine.modules(tn, nn, None, None)   # `tinynet lesson 7 --mine`: your engine from lessons 1-3

HERE = Path(__file__).resolve().parent
OUT = Path(os.environ.get("TINYNET_OUT", HERE / "out"))


# %% The two initializations of the paper
def standard_uniform(fan_in):
    """Glorot & Bengio's eq. (1), the heuristic of the time: W ~ U[-1/√n, 1/√n], n = fan_in.

    Var = limit²/3 = 1/(3n): a third of what keeps the variance (lesson 6: gain 1/√3).
    """
    limit = 1.0 / np.sqrt(fan_in)
    return init.RandomUniform(minval=-limit, maxval=limit)


def build_tanh_mlp(scheme, in_features=784, width=1000, depth=5, classes=10):
    """``depth`` tanh layers of ``width`` and a linear softmax layer; biases zero."""
    layers, fan_in = [], in_features
    for _ in range(depth):
        kernel = standard_uniform(fan_in) if scheme == "standard" else "glorot_uniform"
        layers.append(nn.Dense(fan_in, width, activation="tanh", kernel_initializer=kernel,
                               dtype=np.float64))
        fan_in = width
    layers.append(nn.Dense(fan_in, classes, kernel_initializer="glorot_uniform", dtype=np.float64))
    return nn.Sequential(*layers)


# %% tanh is not the identity: the variance map
def gaussian_mean(f, q, points=101):
    """E[f(√q·ξ)] for ξ ~ N(0, 1), by Gauss–Hermite quadrature (exact for polynomials of
    degree < 2·points; tanh is smooth enough that 101 points give every printed digit)."""
    nodes, weights = np.polynomial.hermite_e.hermegauss(points)
    return float(np.sum(weights * f(np.sqrt(q) * nodes)) / np.sqrt(2 * np.pi))


def predicted_act_std(first_std, layers, gain2=1.0):
    """The variance map of a tanh layer, iterated from layer 1's measured std.

    z_{l+1} = a_l W has Var = n·Var(W)·E[a_l²] = gain2 · E[a_l²] (gain2 = n·Var(W): 1 for
    Glorot's square layers, 1/3 for the standard init), and, z being nearly Gaussian (a sum
    of n terms), E[a_{l+1}²] = E[tanh(√q ξ)²] with q = Var(z_{l+1}). Since tanh(z)² < z²,
    that is less than q: for small q, tanh z ≈ z − z³/3 gives E[tanh²] ≈ q − 2q².
    """
    stds = [first_std]
    for _ in range(layers - 1):
        stds.append(np.sqrt(gaussian_mean(lambda z: np.tanh(z) ** 2, gain2 * stds[-1] ** 2)))
    return stds


# %% What we measure: forward activations, back-propagated gradients, layer Jacobians
def measure_at_init(model, x, y, jacobian_samples=1):
    """One forward and backward pass of the cross-entropy on (x, y).

    Per hidden layer: std of the activations a, std of the back-propagated gradient
    dL/dz (z the pre-activation, as the paper's ∂Cost/∂s), and the mean singular value of
    the layer-to-layer Jacobian ∂a_{l+1}/∂a_l = diag(1 - a_{l+1}²) · W_{l+1}ᵀ at one input.
    """
    hidden = model.dense_layers()[:-1]
    acts, grads = {}, {}

    def hook(layer, inputs, z, a, i=None):
        acts[i] = a.data
        z.register_hook(lambda g: grads.__setitem__(i, np.asarray(g)))

    handles = [layer.register_forward_hook(lambda l, xi, z, a, i=i: hook(l, xi, z, a, i))
               for i, layer in enumerate(hidden)]
    loss = nn.functional.cross_entropy(model(x), y)
    loss.backward()
    for handle in handles:
        handle.remove()
    model.zero_grad()

    singular = []  # jacobian_samples=0 skips the SVDs (the slowest part: 1000 x 1000 each)
    for i in range(1, len(hidden) if jacobian_samples else 1):
        means = []
        for s in range(jacobian_samples):
            derivative = 1.0 - acts[i][s] ** 2                     # tanh' at layer i+1
            jacobian = derivative[:, None] * hidden[i].kernel.data.T
            means.append(np.linalg.svd(jacobian, compute_uv=False).mean())
        singular.append(float(np.mean(means)))
    act_std = [float(acts[i].std()) for i in range(len(hidden))]
    grad_std = [float(grads[i].std()) for i in range(len(hidden))]
    return {"act_std": act_std, "grad_std": grad_std,
            "act_ratio": act_std[-1] / act_std[0],          # layer 5 / layer 1
            "grad_ratio": grad_std[0] / grad_std[-1],       # layer 1 / layer 5
            "mean_singular": float(np.mean(singular)) if singular else None,
            "singular_per_layer": singular,
            "acts": [acts[i].ravel()[:20000] for i in range(len(hidden))],
            "grads": [grads[i].ravel()[:20000] for i in range(len(hidden))]}


def load_images(n=500):
    """The first ``n`` Fashion-MNIST training images as float64 pixels in [0, 1]."""
    (x_train, y_train), _ = data.load_fashion_mnist()
    return data.prepare_images(x_train[:n]).astype(np.float64), np.asarray(y_train[:n])


def glorot_experiment(seed=0, n=500, width=1000, depth=5, jacobian_samples=1):
    x, y = load_images(n)
    results = {}
    for scheme in ("standard", "normalized"):
        tn.manual_seed(seed)
        model = build_tanh_mlp(scheme, x.shape[1], width, depth)
        results[scheme] = measure_at_init(model, x, y, jacobian_samples)
    return results


# %% Figures in the style of the paper's figures 6 and 7
def save_figures(results, out=OUT):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out.mkdir(parents=True, exist_ok=True)
    for key, title, name in (("acts", "activation values", "07_activation_histograms.png"),
                             ("grads", "back-propagated gradients dL/dz", "07_gradient_histograms.png")):
        fig, axes = plt.subplots(1, 2, figsize=(11, 4), sharey=False)
        for ax, scheme in zip(axes, ("standard", "normalized")):
            for i, values in enumerate(results[scheme][key]):
                if key == "acts":
                    ax.hist(values, bins=np.linspace(-1, 1, 81), histtype="step", density=True,
                            label=f"layer {i + 1}")
                else:
                    limit = 3 * results["normalized"][key][-1].std()   # values beyond are left out
                    ax.hist(values, bins=np.linspace(-limit, limit, 81), histtype="step", density=True,
                            label=f"layer {i + 1}")
                    ax.ticklabel_format(axis="x", style="sci", scilimits=(0, 0))
            r = results[scheme]
            ratio = (f"std layer 5 / layer 1 = {r['act_ratio']:.2f}" if key == "acts"
                     else f"std layer 1 / layer 5 = {r['grad_ratio']:.2f}")
            ax.set_title(f"{scheme} init: {title}\n{ratio}", fontsize=10)
            ax.set_xlabel("activation value (tanh output)" if key == "acts" else "dL/dz (nats per unit of z)")
            ax.set_ylabel("density")
            ax.legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(out / name, dpi=110)
        plt.close(fig)

    fig, ax = plt.subplots(figsize=(6.5, 4))
    for scheme in ("standard", "normalized"):
        ax.semilogy(range(1, 6), results[scheme]["act_std"], "o-", label=f"{scheme}: activation std")
        ax.semilogy(range(1, 6), results[scheme]["grad_std"], "s--", label=f"{scheme}: gradient std")
        gain2 = 1.0 if scheme == "normalized" else 1.0 / 3.0
        ax.semilogy(range(1, 6), predicted_act_std(results[scheme]["act_std"][0], 5, gain2), "k:", lw=1,
                    label="variance map from layer 1" if scheme == "normalized" else None)
    ax.set_xlabel("layer")
    ax.set_ylabel("std (log scale; activations dimensionless)")
    ax.set_title(f"5 × 1000 tanh MLP at init: activation std layer 5 / layer 1 = "
                 f"{results['standard']['act_ratio']:.2f} (standard), {results['normalized']['act_ratio']:.2f} "
                 f"(Glorot)", fontsize=9)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out / "07_std_per_layer.png", dpi=110)
    plt.close(fig)


# %% Your initializers in the experiment
# The same 5 x 1000 tanh net at init, every kernel drawn by a function of the exercises'
# contract, ``initializer(shape, rng)`` with ``rng = np.random.default_rng(seed)``: in a plain
# run tinynet's reference solutions (lessons/solutions/lesson_07.py), under `tinynet lesson 7
# --mine` yours wherever they pass `tinynet check 7`. The numbers differ from the table above
# only by the draw (numpy's generator here, tinynet's there).
def initializer_pieces():
    """Yours under `--mine` where they pass `tinynet check 7`, else the reference (whose is
    said once per run). A function, not a module constant: lesson 8 imports this file."""
    return mine.pieces(7, "glorot_uniform", "lecun_normal")


if __name__ == "__main__":   # a run (not an import of this file): whose code runs is said first
    initializer_pieces()


def initializer_experiment(initializers=None, seed=0, n=500, width=1000, depth=5):
    """Activation and gradient std per hidden layer (no Jacobians) for each initializer."""
    initializers = initializers or initializer_pieces()
    x, y = load_images(n)
    results = {}
    for name, initializer in vars(initializers).items():
        rng = np.random.default_rng(seed)
        model = build_tanh_mlp("normalized", x.shape[1], width, depth)
        for layer in model.dense_layers():
            layer.kernel.data = np.asarray(initializer(layer.kernel.data.shape, rng), dtype=np.float64)
        results[name] = measure_at_init(model, x, y, jacobian_samples=0)
    return results


def show_initializer_experiment():
    print("\nYour initializers in the experiment (every kernel drawn by initializer(shape, rng); "
          "a few seconds):")
    pieces = initializer_pieces()
    print("  " + mine.ran(pieces, mine.reference(7)))
    for name, r in initializer_experiment(pieces).items():
        print(f"  {name:14s} activation std per layer {np.round(r['act_std'], 3)}  ratio layer5/layer1 "
              f"{r['act_ratio']:.3f}; gradient ratio layer1/layer5 {r['grad_ratio']:.3f}")


# %% Run everything
def main():
    results = glorot_experiment()
    for scheme, r in results.items():
        print(f"{scheme:10s} activation std per layer {np.round(r['act_std'], 3)}  "
              f"ratio layer5/layer1 {r['act_ratio']:.3f}")
        print(f"{'':10s} gradient std per layer   {np.array2string(np.array(r['grad_std']), precision=2)}  "
              f"ratio layer1/layer5 {r['grad_ratio']:.3f}")
        gain2 = 1.0 if scheme == "normalized" else 1.0 / 3.0
        predicted = predicted_act_std(r["act_std"][0], len(r["act_std"]), gain2)
        print(f"{'':10s} predicted from layer 1 by q -> {gain2:.3g}·E[tanh(√q ξ)²]: {np.round(predicted, 3)}")
        print(f"{'':10s} mean singular value of the layer Jacobians {r['mean_singular']:.3f}")
    show_initializer_experiment()
    save_figures(results)
    print(f"figures written to {OUT}")


if __name__ == "__main__":
    main()
