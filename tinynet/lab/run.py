"""One training run per (scheme, seed); ``compare.py`` loops over the schemes and seeds.

Every run builds the same MLP -- ``depth`` hidden Dense layers of ``width`` units with the
chosen activation, then a linear Dense layer to K logits (the softmax lives in the
cross-entropy loss) -- puts the scheme on *every* kernel (biases start at zero), measures
the network at initialization on a training batch, trains it with the same optimizer,
steps and batches, and measures it again.
"""
from __future__ import annotations

import math
import shutil

import numpy as np

from .. import init, nn, optim
from .. import manual_seed
from ..autograd import no_grad
from ..progress import ProgressLine
from ..diagnostics import dead_fraction, distinct_units, layer_statistics
from ..train import evaluate, fit
from . import models
from .verdict import verdict

#: examples used to measure the network at initialization (and for LSUV)
MEASURE_BATCH = 512
#: training examples on which a CNN's dead channels are counted (all of them for an MLP)
CNN_DEAD_SAMPLE = 5000


def build_model(config, n_in, classes, scheme, seed, x_measure):
    """The network of ``config`` (``--model``, ``--norm``: see ``lab/models.py``) with
    ``scheme`` on every kernel, seeded by ``seed``."""
    manual_seed(seed)
    model = models.build(config, n_in, classes, scheme.initializer(), config.np_dtype)
    if scheme.data_dependent:
        init.lsuv(model, x_measure)
    return model


def _as_matrix(kernel):
    """A kernel as (fan_in, units): a conv kernel (kh, kw, in, out) has one unit per output channel."""
    return kernel.reshape(-1, kernel.shape[-1])


def _hidden_z(model, x):
    """Pre-activations of every hidden layer on ``x`` (no graph), for dead-unit counting."""
    seen = []
    layers = model.dense_layers()[:-1]
    # one unit per output feature; a conv map (N, H, W, C) counts each channel at every pixel
    handles = [layer.register_forward_hook(lambda layer, i, z, a: seen.append(z.data.reshape(-1, z.shape[-1])))
               for layer in layers]
    try:
        with no_grad():
            model(x)
    finally:
        for h in handles:
            h.remove()
    return seen


def run_one(config, dataset, scheme, seed, keep_samples=0, on_step=None):
    """Train one model; a dict of every measurement (plain Python types, JSON-ready)."""
    rng = np.random.default_rng(seed)
    pick = rng.choice(len(dataset.x_train), size=min(MEASURE_BATCH, len(dataset.x_train)), replace=False)
    xm, ym = dataset.x_train[pick], dataset.y_train[pick]
    model = build_model(config, dataset.x_train.shape[1], dataset.classes, scheme, seed, xm)
    with np.errstate(all="ignore"):
        at_init = layer_statistics(model, xm, ym, lr=config.lr, samples=keep_samples, seed=seed)
        initial_loss, _ = evaluate(model, dataset.x_train, dataset.y_train)

    opt = optim.get(config.optimizer, model.parameters(), config.lr)
    with np.errstate(all="ignore"):  # overflow is a measured outcome here (explodes), not an accident
        history = fit(model, dataset.x_train, dataset.y_train, opt, epochs=config.epochs or 1,
                      steps=config.steps, batch_size=config.batch_size, seed=seed, progress=False,
                      on_step=on_step, stop_on_divergence=False)
    curve = [float(v) for v in history.step_loss]
    diverged = bool(curve) and not math.isfinite(curve[-1])
    with np.errstate(all="ignore"):
        train_loss, train_acc = evaluate(model, dataset.x_train, dataset.y_train)
        _, test_acc = evaluate(model, dataset.x_test, dataset.y_test)
        # a CNN's maps are (pixels x channels) per example: count dead channels on a sample
        hidden_z = _hidden_z(model, dataset.x_train if config.model != "cnn" else dataset.x_train[:CNN_DEAD_SAMPLE])
    threshold = config.threshold if config.threshold is not None else 0.5 * math.log(dataset.classes)
    result = {
        "scheme": scheme.label,
        "seed": seed,
        "initial_loss": initial_loss,
        "final_train_loss": train_loss,
        "train_accuracy": train_acc,
        "test_accuracy": test_acc,
        "threshold": threshold,
        "steps_to_threshold": history.steps_to(threshold),
        "diverged": diverged,
        "distinct_units": [distinct_units(_as_matrix(layer.kernel.data)) for layer in model.dense_layers()[:-1]],
        "dead_fraction": float(np.mean([dead_fraction(z) for z in hidden_z])),
        "seconds": history.seconds,
        "init_layers": [s.as_dict() for s in at_init],
        "loss_curve": curve,
    }
    result["verdict"], result["reason"] = verdict(result)
    samples = [s.samples for s in at_init[:-1]] if keep_samples else None
    return result, samples


class Progress:
    """``[ 5/33] he_normal  seed 1  step 120/300  loss 0.4321`` on one refreshed line of
    stderr when it is a terminal; one line per finished run otherwise.

    One run at a time: ``start(label)``, ``step(step, loss)``, ``finish(result)``. Runs
    that overlap (worker processes) are numbered 1..total in the table's order:
    ``begin(number, label)``, ``advance(number, step, loss)``, ``end(number, result)``;
    the live line then shows every run in progress, cut to the terminal's width, and the
    finished lines are printed in the table's order (a run that finishes early waits for
    the runs before it)."""

    def __init__(self, total_runs, steps_per_run, enabled=True, stream=None):
        self.total, self.steps = total_runs, steps_per_run
        self.line = ProgressLine(enabled=enabled, stream=stream)
        self.run = 0
        self._running = {}     # number -> [label, step, loss]
        self._finished = {}    # number -> its finished line, until the runs before it are printed
        self._printed = 0

    @property
    def live(self):
        """True when per-step updates are shown (a terminal)."""
        return self.line.live

    # -- one run at a time -------------------------------------------------------------
    def start(self, label):
        self.run += 1
        self.begin(self.run, label)

    def step(self, step, loss):
        self.advance(self.run, step, loss)

    def finish(self, result):
        self.end(self.run, result)

    # -- runs that overlap -------------------------------------------------------------
    def begin(self, number, label):
        self._running[number] = [label, None, None]

    def advance(self, number, step, loss):
        if not self.line.live or number not in self._running:
            return
        shown = self._running[number][1]
        if shown is not None and step < shown:   # a second copy of the run, behind the first
            return
        self._running[number][1:] = [step, loss]
        self.line.update(self._live_text())

    def end(self, number, result):
        label = self._running.pop(number, ["?"])[0]
        loss = result["final_train_loss"]
        shown = f"{loss:9.4g}" if loss is not None and math.isfinite(loss) else " diverged"
        self._finished[number] = (f"  [{number:>3}/{self.total}] {label:<32} loss {shown}  "
                                  f"test acc {result['test_accuracy']:.3f}  {result['verdict']}")
        while self._printed + 1 in self._finished:
            self._printed += 1
            self.line.done(self._finished.pop(self._printed))

    def _live_text(self):
        parts = []
        for number, (label, step, loss) in sorted(self._running.items()):
            if step is None:
                continue
            if len(self._running) == 1:
                return (f"  [{number:>3}/{self.total}] {label:<32} step {step + 1:>5}/{self.steps}"
                        f"  loss {loss:9.4g}")
            parts.append(f"[{number:>3}/{self.total}] {label} {step + 1:>{len(str(self.steps))}}/{self.steps}"
                         f" loss {loss:8.3g}")
        text = "  " + "  |  ".join(parts)
        width = shutil.get_terminal_size().columns - 1
        return text if len(text) <= width else text[:max(width - 3, 0)] + "..."
