# %% [markdown]
# # Lesson 1 — Autograd from scratch
#
# A computation is a graph: leaves (inputs, weights) flow through ops to a scalar loss.
# Backward walks the graph in reverse topological order and applies the chain rule at
# every op: each op turns dL/d(output) into dL/d(input). This script builds
# f(a, b) = Σ tanh(a ⊙ b) with tinynet, checks its gradient by hand and by central
# differences, shows that gradients accumulate, and plots how the finite-difference
# check depends on its step h. Run: `python lesson.py` (about 2 s on an idle 2-core machine).

# %%
import os
from pathlib import Path

import numpy as np

import tinynet as tn
from tinynet import mine

HERE = Path(__file__).resolve().parent
OUT = Path(os.environ.get("TINYNET_OUT", HERE / "out"))


def _relative_difference(g, g_numerical):
    """‖g − g̃‖ / (‖g‖ + ‖g̃‖)."""
    return float(np.linalg.norm(g - g_numerical) / (np.linalg.norm(g) + np.linalg.norm(g_numerical)))


_relative_difference = mine.piece(1, "relative_difference", _relative_difference)   # --mine: yours


def example_inputs(seed=0, shape=(4, 3)):
    rng = np.random.default_rng(seed)
    return rng.standard_normal(shape), rng.standard_normal(shape)


# %% The chain rule through mul -> tanh -> sum
def chain_rule(seed=0):
    """Autograd's gradients of f = Σ tanh(a⊙b) against the chain rule written out.

    u = a⊙b, v = tanh(u), f = Σ v:
    df/dv = 1,  df/du = 1 · (1 − tanh²u),  df/da = df/du ⊙ b,  df/db = df/du ⊙ a.
    """
    a, b = example_inputs(seed)
    ta, tb = tn.Tensor(a, requires_grad=True), tn.Tensor(b, requires_grad=True)
    f = (ta * tb).tanh().sum()
    f.backward()
    du = 1.0 - np.tanh(a * b) ** 2
    return {"f": float(f.data), "grad_a": ta.grad, "grad_b": tb.grad,
            "max_error_a": float(np.max(np.abs(ta.grad - du * b))),
            "max_error_b": float(np.max(np.abs(tb.grad - du * a)))}


# %% Gradients accumulate
def accumulation(x0=1.5):
    """Two ways gradients add up.

    1. A value used twice: y = x·x + x has dy/dx = 2x + 1, the sum over both uses.
    2. Calling backward twice without zeroing adds the second gradient to the first
       (as in PyTorch); that is why training loops call zero_grad() every step.
    """
    x = tn.Tensor(np.array(x0, dtype=np.float64), requires_grad=True)
    y = x * x + x
    y.backward(retain_graph=True)
    once = float(x.grad)
    y.backward()
    twice = float(x.grad)
    return {"x": x0, "dy_dx": once, "expected": 2 * x0 + 1, "after_second_backward": twice}


# %% Gradient check: central differences against autograd, and against a planted bug
def gradient_check(seed=0, h=1e-6):
    """Relative difference of autograd's gradient, and of a buggy one, to central differences.

    The bug: tanh's derivative written as 1 − u² instead of 1 − tanh²(u).
    ``tn.gradcheck`` checks the scalar w·f for a fixed random weight w (for a non-scalar f
    it would be Σ w⊙f, the full vector-Jacobian product), so its numbers are w times the
    plain gradient; the buggy gradient is scaled by the same w before comparing.
    """
    a, b = example_inputs(seed)
    report = tn.gradcheck(lambda p, q: (p * q).tanh().sum(), [a, b], eps=h)
    numerical = np.concatenate([g.ravel() for g in report.numerical])
    autograd = np.concatenate([g.ravel() for g in report.analytic])
    plain = chain_rule(seed)
    plain = np.concatenate([plain["grad_a"].ravel(), plain["grad_b"].ravel()])
    w = float(autograd @ plain / (plain @ plain))
    u = a * b
    buggy = w * np.concatenate([((1.0 - u ** 2) * b).ravel(), ((1.0 - u ** 2) * a).ravel()])
    return {"correct": _relative_difference(autograd, numerical),
            "buggy": _relative_difference(buggy, numerical),
            "tinynet_report": str(report)}


def scale_of_the_difference(seed=0, size=1000):
    """The two landmarks of ‖g − g̃‖ / (‖g‖ + ‖g̃‖): 1 for g̃ = −g, 1/√2 for an equal-norm
    g̃ orthogonal to g (what two unrelated gradients in many dimensions nearly are)."""
    rng = np.random.default_rng(seed)
    g = rng.standard_normal(size)
    other = rng.standard_normal(size)
    orthogonal = other - (other @ g) / (g @ g) * g                # remove the part along g
    orthogonal *= np.linalg.norm(g) / np.linalg.norm(orthogonal)  # same norm as g
    unrelated = other * np.linalg.norm(g) / np.linalg.norm(other)  # a random direction, same norm
    return {"opposite": _relative_difference(g, -g),
            "orthogonal": _relative_difference(g, orthogonal),
            "unrelated": _relative_difference(g, unrelated)}


def step_size_sweep(seed=0, steps=np.logspace(-1, -12, 23)):
    """Relative difference vs h: truncation error ~h² for large h, rounding ~ε/h for small h."""
    a, b = example_inputs(seed)
    errors = [tn.gradcheck(lambda p, q: (p * q).tanh().sum(), [a, b], eps=float(h),
                           raise_on_failure=False).relative_difference for h in steps]
    return np.asarray(steps), np.asarray(errors)


# %% Figures and printout
def plot_sweep(steps, errors, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    ax.loglog(steps, errors, "o-", label="central differences vs exact gradient")
    ax.axhline(2e-7, color="gray", ls="--", label="2e-7: the pass threshold")
    best = int(np.argmin(errors))
    ax.loglog(steps[best], errors[best], "r*", ms=12, label=f"best: h = {steps[best]:.0e}, {errors[best]:.1e}")
    ax.set_xlabel("step h (in units of the inputs a, b)")
    ax.set_ylabel("relative difference ‖g − g̃‖ / (‖g‖ + ‖g̃‖)")
    ax.set_title(f"Central differences: rounding (∝ 1/h) left, truncation (∝ h²) right;\n"
                 f"best h = {steps[best]:.0e} gives {errors[best]:.1e}", fontsize=10)
    ax.legend(loc="upper center", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    c = chain_rule()
    print(f"f = Σ tanh(a⊙b) = {c['f']:.6f}; autograd vs chain rule by hand: "
          f"max |Δ| {c['max_error_a']:.1e} (a), {c['max_error_b']:.1e} (b)")
    acc = accumulation()
    print(f"y = x·x + x at x = {acc['x']}: dy/dx = {acc['dy_dx']} (2x + 1 = {acc['expected']}); "
          f"after a second backward without zero_grad: {acc['after_second_backward']}")
    check = gradient_check()
    print(f"gradient check (h = 1e-6): correct backward {check['correct']:.2e} (< 2e-7 passes); "
          f"tanh' written as 1 − u²: {check['buggy']:.2e}")
    scale = scale_of_the_difference()
    print(f"the scale of that number: g against −g {scale['opposite']:.2f}; against an equal-norm "
          f"gradient orthogonal to g {scale['orthogonal']:.4f} (1/√2 = {1 / np.sqrt(2):.4f}); "
          f"against a random direction of the same norm (1000 entries) {scale['unrelated']:.3f}")
    steps, errors = step_size_sweep()
    best = steps[np.argmin(errors)]
    print(f"best step h ≈ {best:.0e} (relative difference {errors.min():.1e}); figure: {OUT / '01_gradcheck_step.png'}")
    plot_sweep(steps, errors, OUT / "01_gradcheck_step.png")


# %%
if __name__ == "__main__":
    main()
