# %% [markdown]
# # Lesson 5 — Constants stay symmetric
#
# Lesson 3's network with every weight 0.5. Every hidden unit of a layer starts as the
# same function and — by symmetry — gets the same gradient, so after 15,000 steps the
# units are still identical: the 2-10-5-1 network is a 2-1-1-1 network in disguise and
# cannot draw a circle. Dropout (a different random mask per unit) breaks the tie, and
# so does a tiny random perturbation of the start. Run: `python lesson.py` (about 5 s on an idle 2-core machine).

# %%
import importlib.util
import os
from pathlib import Path

import numpy as np

import tinynet as tn
from tinynet import init, mine, nn, optim
from tinynet.nn import functional as F

tn, nn, F, optim = mine.modules(tn, nn, F, optim)   # `tinynet lesson 5 --mine`: your engine from lessons 1-3

HERE = Path(__file__).resolve().parent
OUT = Path(os.environ.get("TINYNET_OUT", HERE / "out"))
_spec = importlib.util.spec_from_file_location("tinynet_lesson_03_for_05", HERE.parent / "03_training_mlp" / "lesson.py")
lesson3 = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lesson3)


def unit_spread(W):
    """max over inputs of (max − min across units); units are the columns of (fan_in, fan_out)."""
    return float(np.ptp(W, axis=1).max())


def distinct_units(W, tol=1e-12):
    """Columns closer than ``tol`` (max abs difference) count as one unit."""
    reps = []
    for j in range(W.shape[1]):
        if all(np.max(np.abs(W[:, j] - r)) > tol for r in reps):
            reps.append(W[:, j])
    return len(reps)


unit_spread = mine.piece(5, "unit_spread", unit_spread)               # --mine: your lesson-5 measures
distinct_units = mine.piece(5, "count_distinct_units", distinct_units)


def build_model(value=0.5, dropout=0.0):
    """2-10-5-1 ReLU, every kernel ``value``, biases 0; optional Dropout after each hidden layer."""
    const = init.Constant(value)
    layers = [nn.Dense(2, 10, activation="relu", kernel_initializer=const, dtype=np.float64)]
    if dropout:
        layers.append(nn.Dropout(dropout))
    layers.append(nn.Dense(10, 5, activation="relu", kernel_initializer=const, dtype=np.float64))
    if dropout:
        layers.append(nn.Dropout(dropout))
    layers.append(nn.Dense(5, 1, kernel_initializer=const, dtype=np.float64))
    return nn.Sequential(*layers)


def symmetry_report(model):
    hidden = model.dense_layers()[:2]
    return {"spread": [unit_spread(layer.kernel.data) for layer in hidden],
            "distinct": [distinct_units(layer.kernel.data) for layer in hidden]}


# %% Experiment 1: constant 0.5
def constant_engine(steps=1_000, value=0.5):
    """Trained with tinynet's engine (its matmul kernels could in principle treat columns
    differently; they do not): the symmetry report after ``steps``."""
    (x, y), _ = lesson3.circles_problem()
    model = build_model(value)
    lesson3.train_tinynet(model, x, y, steps)
    return symmetry_report(model)


def constant_run(steps=15_000, value=0.5):
    """The full 15,000 steps with lesson 3's multi-network trainer (checked against tinynet)."""
    (x, y), (xt, yt) = lesson3.circles_problem()
    kernels = [np.full((1, i, o), value) for i, o in ((2, 10), (10, 5), (5, 1))]
    W, b, losses = lesson3.train_numpy(kernels, x, y, steps)
    hidden = [W[0][0], W[1][0]]
    return {"spread": [unit_spread(k) for k in hidden], "distinct": [distinct_units(k) for k in hidden],
            "train_accuracy": lesson3.accuracy(lesson3.predict_numpy(W, b, x)[0], y),
            "test_accuracy": lesson3.accuracy(lesson3.predict_numpy(W, b, xt)[0], yt),
            "losses": losses[::100, 0], "steps": steps}


# %% Experiment 2: dropout breaks the tie
def dropout_run(steps=100, p=0.2, seed=0):
    """Each unit sees its own random mask, so units get different gradients from step 0."""
    (x, y), _ = lesson3.circles_problem()
    tn.manual_seed(seed)
    model = build_model(0.5, dropout=p)
    lesson3.train_tinynet(model, x, y, steps)
    return symmetry_report(model)


# %% Experiment 3: a tiny perturbation breaks it for good
def noise_run(steps=15_000, noise=1e-6, seeds=range(4)):
    """Kernels 0.5 + N(0, noise²): the spread at the start and after training, per seed.

    Trained with lesson 3's multi-network trainer (checked against tinynet to 1e-12).
    """
    (x, y), (xt, yt) = lesson3.circles_problem()
    shapes = [(2, 10), (10, 5), (5, 1)]
    kernels = []
    for shape in shapes:
        stack = []
        for seed in seeds:
            rng = np.random.default_rng([seed, shape[0]])
            stack.append(0.5 + noise * rng.standard_normal(shape))
        kernels.append(np.stack(stack))
    start = [max(unit_spread(kernels[k][s]) for k in range(2)) for s in range(len(seeds))]
    W, b, _ = lesson3.train_numpy(kernels, x, y, steps)
    end = [max(unit_spread(W[k][s]) for k in range(2)) for s in range(len(seeds))]
    distinct = [[distinct_units(W[k][s], tol=1e-3) for k in range(2)] for s in range(len(seeds))]
    train = [lesson3.accuracy(z, y) for z in lesson3.predict_numpy(W, b, x)]
    test = [lesson3.accuracy(z, yt) for z in lesson3.predict_numpy(W, b, xt)]
    return {"start_spread": start, "end_spread": end, "distinct_at_1e-3": distinct,
            "train_accuracy": train, "test_accuracy": test}


def he_to_noise_ratio(noise=1e-6):
    """He's std √(2/fan_in) per layer of 2-10-5-1, divided by the perturbation's std."""
    return {fan_in: float(np.sqrt(2.0 / fan_in) / noise) for fan_in, _ in ((2, 10), (10, 5), (5, 1))}


# %% Printout and figure
def main():
    OUT.mkdir(parents=True, exist_ok=True)
    e = constant_engine()
    print(f"all weights 0.5, 1,000 tinynet steps: spread {e['spread'][0]:.1e}, {e['spread'][1]:.1e}; "
          f"distinct units {e['distinct']}")
    c = constant_run()
    print(f"all weights 0.5, {c['steps']} steps: spread between units per hidden layer "
          f"{c['spread'][0]:.1e}, {c['spread'][1]:.1e}; distinct units (tol 1e-12) {c['distinct']}; "
          f"accuracy train {c['train_accuracy']:.3f}, test {c['test_accuracy']:.2f}")
    d = dropout_run()
    print(f"with Dropout(0.2), 100 steps: spread {d['spread'][0]:.1e}, {d['spread'][1]:.1e}; "
          f"distinct units {d['distinct']}")
    n = noise_run()
    for s, (a, e, k, tr, te) in enumerate(zip(n["start_spread"], n["end_spread"], n["distinct_at_1e-3"],
                                              n["train_accuracy"], n["test_accuracy"])):
        print(f"0.5 + N(0, (1e-6)²) noise, seed {s}: spread {a:.1e} -> {e:.1e}; distinct units (tol 1e-3) {k}; "
              f"accuracy train {tr:.3f}, test {te:.2f}")
    ratio = he_to_noise_ratio()
    print("He's std √(2/fan_in) over the noise's 1e-6, per layer (fan_in 2, 10, 5): "
          + ", ".join(f"{v:.2g}" for v in ratio.values()))
    comparison = lesson3.init_comparison(("constant 0.5", "He"))
    lesson3.plot_comparison(comparison, OUT / "05_constant_vs_he.png",
                            f"Constant 0.5: one unit per layer, one straight ridge (train "
                            f"{comparison['constant 0.5']['train_accuracy']:.3f}); lesson 3's He start: "
                            f"train {comparison['He']['train_accuracy']:.3f}")
    print(f"figure: {OUT / '05_constant_vs_he.png'}")


# %%
if __name__ == "__main__":
    main()
