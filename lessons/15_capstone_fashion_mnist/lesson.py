# %% [markdown]
# # Lesson 15 — Capstone: at depth 30, the initialization decides
#
# Everything together on real images. (1) The race: a 30-layer ReLU MLP on Fashion-MNIST,
# the MLP analogue of He et al. (2015, figure 3), trained with every scheme of the course for
# the same budget (300 steps of SGD with momentum) from three seeds; test accuracy decides
# the verdict. (2) The doctor examines the broken model at init and prescribes a fix.
# (3) Your initializer from exercises.py joins the race.
# This lesson takes about a minute (46 s measured on an idle 2-core machine, more when it is busy): it
# trains 22 networks of 30 layers, plus 3 with yours. It says so when it starts and shows its progress.

# %%
import importlib.util
import math
import os
import sys
import time
from pathlib import Path

import numpy as np

import tinynet as tn
from tinynet import data, init, nn, optim
from tinynet.diagnostics import doctor
from tinynet.train import evaluate, fit

HERE = Path(__file__).resolve().parent
OUT = Path(os.environ.get("TINYNET_OUT", HERE / "out"))
DEPTH, WIDTH = 30, 128
STEPS, BATCH, LR, MOMENTUM = 300, 100, 0.005, 0.9
SEEDS = (0, 1, 2)
CHANCE = 0.1
LN10 = math.log(10)

SCHEMES = {
    "zeros": "zeros",
    "normal σ=0.01": init.RandomNormal(stddev=0.01),
    "LeCun normal": "lecun_normal",
    "Glorot normal (Xavier)": "glorot_normal",
    "He normal": "he_normal",
    "orthogonal, gain 1": init.Orthogonal(gain=1.0),
    "orthogonal, gain √2": init.Orthogonal(gain=math.sqrt(2.0)),
    "LSUV": "lsuv",
}
DETERMINISTIC = ("zeros",)         # draws nothing at random: one seed says it all


def deep_relu_mlp(kernel_initializer, depth=DEPTH, width=WIDTH, in_features=784, classes=10):
    """``depth`` ReLU layers of ``width``, then a linear output layer; every layer gets the scheme."""
    layers, fan_in = [], in_features
    for _ in range(depth):
        layers.append(nn.Dense(fan_in, width, activation="relu", kernel_initializer=kernel_initializer))
        fan_in = width
    layers.append(nn.Dense(fan_in, classes, kernel_initializer=kernel_initializer))
    return nn.Sequential(*layers)


def build(scheme, seed, x_batch, depth=DEPTH):
    """The model for ``scheme`` (a SCHEMES key's value or an initializer); LSUV starts from an
    orthogonal draw and rescales each layer on ``x_batch`` (Mishkin & Matas 2015)."""
    tn.manual_seed(seed)
    if hasattr(scheme, "reseed"):
        scheme.reseed(seed)
    if scheme == "lsuv":
        model = deep_relu_mlp("orthogonal", depth=depth)
        init.lsuv(model, x_batch, seed=seed)
        return model
    return deep_relu_mlp(scheme, depth=depth)


def std_ratio_at_init(model, x):
    """std of the last hidden layer's activations over the first's, before any step."""
    stds = []
    handles = [layer.register_forward_hook(lambda l, xi, z, a: stds.append(float(a.data.std())))
               for layer in model.dense_layers()[:-1]]
    with tn.no_grad(), np.errstate(all="ignore"):
        model(x)
    for handle in handles:
        handle.remove()
    return stds[-1] / stds[0] if stds[0] > 0 else float("nan")     # nan: no signal even in layer 1


def run(scheme, seed, train_set, test_set, steps=STEPS, depth=DEPTH):
    """Train one network for the budget; what the verdict is made of."""
    x, y = train_set
    model = build(scheme, seed, x[:500], depth=depth)
    ratio = std_ratio_at_init(model, x[:500])
    optimizer = optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM)
    with np.errstate(all="ignore"):
        history = fit(model, x, y, optimizer, batch_size=BATCH, steps=steps, seed=seed, progress=False,
                      stop_on_divergence=False)
        _, accuracy = evaluate(model, *test_set)
    losses = np.asarray(history.step_loss)
    hidden = model.dense_layers()[1].kernel.data
    return {"test_accuracy": float(accuracy), "losses": losses, "finite": bool(np.all(np.isfinite(losses))),
            "init_ratio": ratio, "distinct_units": int(np.unique(hidden.T, axis=0).shape[0])}


def verdict(runs):
    """One word from the training outcome of a scheme's runs (never from its name):

    diverges   a loss became NaN or infinite;
    stalls     the mean test accuracy is below 0.2 (chance is 0.1);
    symmetric  it learns something, but layer 2 still has one distinct unit (lesson 5);
    trains     the mean test accuracy is at least 0.6;
    partly     in between."""
    if not all(r["finite"] for r in runs):
        return "diverges"
    mean = float(np.mean([r["test_accuracy"] for r in runs]))
    if mean < 0.2:
        return "stalls"
    if all(r["distinct_units"] == 1 for r in runs):
        return "symmetric"
    return "trains" if mean >= 0.6 else "partly"


def race(train_set, test_set, schemes=None, seeds=SEEDS, progress=True, steps=STEPS):
    """{name: [run per seed]} for every scheme, with a progress line on stderr."""
    schemes = SCHEMES if schemes is None else schemes
    jobs = [(name, seed) for name in schemes for seed in (seeds[:1] if name in DETERMINISTIC else seeds)]
    results = {name: [] for name in schemes}
    start = time.perf_counter()
    for i, (name, seed) in enumerate(jobs):
        if progress:
            elapsed = time.perf_counter() - start
            left = f", about {elapsed / i * (len(jobs) - i):.0f} s left" if i else ""
            print(f"\r  run {i + 1}/{len(jobs)}: {name}, seed {seed} ({elapsed:.0f} s so far{left})      ",
                  end="", file=sys.stderr, flush=True)
        results[name].append(run(schemes[name], seed, train_set, test_set, steps=steps))
    if progress:
        print(f"\r  {len(jobs)} runs in {time.perf_counter() - start:.0f} s" + " " * 50, file=sys.stderr)
    return results


# %% Part 2: the doctor on the broken model
def doctor_demo(x, y, seed=0, depth=20, width=128):
    """A 20-layer ReLU MLP with glorot_uniform (broken), then with the doctor's prescription."""
    tn.manual_seed(seed)
    broken = doctor(deep_relu_mlp("glorot_uniform", depth=depth, width=width), x, y)
    prescription = broken.layers[0].recommended if broken.layers else "he_normal"
    tn.manual_seed(seed)
    fixed = doctor(deep_relu_mlp(prescription, depth=depth, width=width), x, y)
    return {"broken": broken, "prescription": prescription, "fixed": fixed}


# %% Part 3: your initializer
class LearnerInitializer:
    """The learner's my_initializer(shape, rng) as a tinynet initializer; ``reseed(seed)``
    gives every seed of the race its own generator."""

    def __init__(self, my_initializer):
        self.my_initializer, self.rng = my_initializer, np.random.default_rng(0)

    def reseed(self, seed):
        self.rng = np.random.default_rng(seed)

    def __call__(self, shape, dtype=None):
        return np.asarray(self.my_initializer(tuple(shape), self.rng), dtype=dtype or np.float32)


def learner_initializer():
    """The learner's my_initializer from exercises.py, adapted to tinynet (None if not written)."""
    spec = importlib.util.spec_from_file_location("tinynet_lesson15_exercises", HERE / "exercises.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    try:
        module.my_initializer((4, 3), np.random.default_rng(0))
    except NotImplementedError:
        return None
    return LearnerInitializer(module.my_initializer)


# %% Figures
VERDICT_COLORS = {"trains": "tab:green", "partly": "tab:olive", "stalls": "tab:red", "symmetric": "tab:purple",
                  "diverges": "tab:gray"}


def save_figures(results, out=OUT):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out.mkdir(parents=True, exist_ok=True)
    names = list(results)
    verdicts = {name: verdict(runs) for name, runs in results.items()}
    fig, ax = plt.subplots(figsize=(9, 4.8))
    for i, name in enumerate(names):
        accs = [r["test_accuracy"] for r in results[name]]
        ax.bar(i, np.mean(accs), color=VERDICT_COLORS[verdicts[name]], alpha=0.8)
        ax.plot([i] * len(accs), accs, "k.", ms=6)
    for word, color in VERDICT_COLORS.items():
        if word in verdicts.values():
            ax.bar([0], [0], color=color, label=f"verdict: {word}")
    ax.plot([], [], "k.", label="one seed")
    ax.axhline(CHANCE, color="k", ls=":", label="chance (0.1)")
    ax.set_xticks(range(len(names)), names, rotation=20, ha="right")
    ax.set_ylim(0, 1)
    ax.set_ylabel(f"test accuracy after {STEPS} steps")
    ax.set_xlabel("initialization of every layer (bar: mean of the seeds)")
    he, xavier = (np.mean([r["test_accuracy"] for r in results[k]]) for k in ("He normal", "Glorot normal (Xavier)"))
    ax.set_title(f"{DEPTH} ReLU layers of {WIDTH} on Fashion-MNIST, {STEPS} steps of SGD + momentum: "
                 f"He {he:.2f}, Xavier {xavier:.2f} (mean of 3 seeds)", fontsize=10)
    ax.legend(loc="upper left", fontsize=8, ncol=2)
    fig.tight_layout()
    fig.savefig(out / "15_race.png", dpi=110)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(11, 4.8))
    for name in names:
        curve = np.median(np.array([r["losses"] for r in results[name] if r["finite"]]), axis=0)
        window = 10
        smooth = np.convolve(curve, np.ones(window) / window, mode="valid")
        ax.plot(np.arange(len(smooth)) + (window - 1) / 2, smooth, label=f"{name} ({verdicts[name]})")
    ax.axhline(LN10, color="k", ls=":", label="ln 10 (uniform guess)")
    ax.set_xlabel(f"step (batch {BATCH})")
    ax.set_ylabel("training loss (nats; median of the seeds, 10-step mean)")
    stalled = [name for name in names if verdicts[name] == "stalls"]
    gap = max((np.max(np.abs(r["losses"] - LN10)) for name in stalled for r in results[name]), default=0.0)
    ax.set_title(f"Loss at depth 30: {len(names) - len(stalled)} schemes leave ln 10; the {len(stalled)} stalled "
                 f"ones overlap on it\n(every step of every stalled run within {gap:.3f} of ln 10)", fontsize=10)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    fig.savefig(out / "15_loss_curves.png", dpi=110)
    plt.close(fig)


# %% Run everything
def final_loss(run, last=20):
    """Mean training loss of the last ``last`` steps."""
    return float(np.mean(run["losses"][-last:]))


def print_table(results):
    print(f"  {'scheme':24s} {'test accuracy per seed':24s} {'mean':>6s} {'final loss':>10s} "
          f"{'std ratio at init':>22s}  verdict")
    for name, runs in results.items():
        accs = [r["test_accuracy"] for r in runs]
        ratio = float(np.median([r["init_ratio"] for r in runs]))
        shown = "no signal" if math.isnan(ratio) else f"{ratio:.3g}" if ratio > 0 else "0 (float32 underflow)"
        print(f"  {name:24s} {', '.join(f'{a:.3f}' for a in accs):24s} {np.mean(accs):6.3f} "
              f"{np.median([final_loss(r) for r in runs]):10.3f} {shown:>22s}  {verdict(runs)}")


def main():
    jobs = sum(1 if name in DETERMINISTIC else len(SEEDS) for name in SCHEMES)
    print(f"This lesson takes about a minute (more on a busy machine): {jobs} networks of "
          f"{DEPTH} ReLU layers train for {STEPS} steps each, plus {len(SEEDS)} with your initializer.",
          flush=True)
    train_set, test_set = data.load_standardized_fashion_mnist()

    print(f"\nPart 1 - the race: {DEPTH} ReLU layers of {WIDTH} and a linear output layer, standardized "
          f"Fashion-MNIST, SGD lr {LR} momentum {MOMENTUM}, batch {BATCH}, {STEPS} steps, seeds "
          f"{', '.join(map(str, SEEDS))} (zeros: one seed); test accuracy on the 10,000 test images.")
    print("  final loss: mean training loss of the last 20 steps (median over seeds); std ratio at init: "
          "activation std of layer 30 over layer 1 (median over seeds). The verdict comes from the training "
          "outcome only.")
    results = race(train_set, test_set)
    print_table(results)
    stalled = [r for runs in results.values() if verdict(runs) == "stalls" for r in runs]
    if stalled:
        gap = max(float(np.max(np.abs(r["losses"] - LN10))) for r in stalled)
        print(f"  the {len(stalled)} stalled runs: every step's loss within {gap:.3f} of ln 10")

    print(f"\nPart 2 - the doctor on a 20-layer ReLU MLP initialized with glorot_uniform:")
    result = doctor_demo(train_set[0][:512], train_set[1][:512])
    print(result["broken"])
    print(f"\n... and with the prescription, {result['prescription']}:")
    print(result["fixed"])

    mine = learner_initializer()
    print("\nPart 3 - your initializer in the same race:")
    if mine is None:
        print("  (exercises.py: my_initializer is not implemented yet - write it to join the race)")
    else:
        yours = race(train_set, test_set, schemes={"yours": mine})
        results.update(yours)
        print_table({"He normal": results["He normal"], "yours": yours["yours"]})
    save_figures(results)
    print(f"\nfigures written to {OUT}")


if __name__ == "__main__":
    main()
