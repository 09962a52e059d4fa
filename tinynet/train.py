"""fit(): the training loop every lesson uses.

    for each epoch:
        for each minibatch (x_b, y_b):
            loss = loss_fn(model(x_b), y_b)
            optimizer.zero_grad(); loss.backward(); optimizer.step()

plus what makes it pleasant to learn with: a history of loss and accuracy per step and
per epoch, a progress line for runs longer than a few seconds, and a divergence guard
that stops at the first NaN or infinite loss with the step number and a hint.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from . import checks, interrupts
from .autograd import no_grad
from .data.loader import DataLoader
from .losses import binary_cross_entropy_with_logits, cross_entropy, mse
from .progress import ProgressLine
from .tensor import Tensor


class DivergenceError(FloatingPointError):
    """The loss became NaN or infinite during training."""


@dataclass
class History:
    """What happened during ``fit``: one entry per step, and one per epoch."""

    step_loss: list = field(default_factory=list)
    epoch_loss: list = field(default_factory=list)
    epoch_accuracy: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    val_accuracy: list = field(default_factory=list)
    seconds: float = 0.0

    def steps_to(self, threshold):
        """First step whose loss is at or below ``threshold`` (None if never)."""
        for i, loss in enumerate(self.step_loss):
            if loss <= threshold:
                return i
        return None


LOSSES = {
    "cross_entropy": cross_entropy,
    "binary_cross_entropy_with_logits": binary_cross_entropy_with_logits,
    "bce_with_logits": binary_cross_entropy_with_logits,
    "mse": mse,
}


def accuracy(output, y):
    """Fraction correct: argmax for (N, K) logits, the sign of the logit for (N, 1)."""
    output = output.data if isinstance(output, Tensor) else np.asarray(output)
    y = np.asarray(y)
    if output.ndim == 2 and output.shape[1] > 1:
        predicted = output.argmax(axis=1)
    else:
        predicted = (output.reshape(len(output)) > 0).astype(np.int64)
        y = y.reshape(len(y))
    return float(np.mean(predicted == y)) if len(y) else float("nan")


def evaluate(model, x, y, loss_fn=cross_entropy, batch_size=4096):
    """(mean loss, accuracy) of ``model`` on (x, y), without recording a graph."""
    loss_fn = LOSSES.get(loss_fn, loss_fn)
    batch_size = checks.count(batch_size, "batch_size", "evaluate")
    was_training = model.training
    model.eval()
    total, correct_weighted = 0.0, 0.0
    with no_grad():
        for start in range(0, len(x), batch_size):
            xb, yb = x[start:start + batch_size], y[start:start + batch_size]
            out = model(xb)
            total += float(loss_fn(out, yb).data) * len(xb)
            correct_weighted += accuracy(out, yb) * len(xb)
    model.train(was_training)
    return total / max(len(x), 1), correct_weighted / max(len(x), 1)


def _whole(name, value, optional=False):
    """A positive whole number (see :mod:`tinynet.checks`: never rounded), or None if optional."""
    return None if value is None and optional else checks.count(value, name, "fit")


def _check_data(x, y):
    """Rows to train on, and finite numbers in them: a NaN input would show up as a diverged
    loss and send the learner after the learning rate, so it is named here, before training."""
    if x.ndim == 0 or y.ndim == 0:
        raise ValueError(f"fit: x and y need one row per example; got shapes {x.shape} and {y.shape}")
    if len(x) != len(y):
        raise ValueError(f"fit: x has {len(x)} samples but y has {len(y)}")
    if len(x) == 0:
        raise ValueError("fit: x and y have no rows (0 samples); there is nothing to train on")
    for name, a in (("x", x), ("y", y)):
        if a.dtype.kind in "fc" and not np.isfinite(a).all():
            where = np.argwhere(~np.isfinite(a))[0]
            raise ValueError(f"fit: {name} holds NaN or infinite values (the first at index {tuple(int(i) for i in where)}); "
                             "check the data (missing values? a division by zero while scaling?) before training")


def fit(model, x, y, optimizer, loss_fn="cross_entropy", epochs=1, batch_size=None, steps=None,
        shuffle=True, seed=0, validation_data=None, progress=None, on_step=None, stop_on_divergence=True):
    """Train ``model`` on (x, y) and return a :class:`History`.

    ``batch_size=None`` is full-batch gradient descent; otherwise the batches come from
    :class:`tinynet.data.DataLoader` (a fresh order each epoch, drawn from ``seed`` and the
    epoch number). ``steps`` (optional) caps the total number of optimizer steps across
    epochs. ``progress=None`` shows a progress line on stderr once a run has taken more
    than 2 seconds; True/False force it on/off. ``on_step(step, loss)`` is called after
    each step (the lab uses it to measure). A NaN/inf loss raises :class:`DivergenceError`
    naming the step, unless ``stop_on_divergence=False`` (then training stops quietly and
    the history ends there). Inputs that are already NaN or infinite are refused up front.
    """
    loss_fn = LOSSES.get(loss_fn, loss_fn)
    if not callable(loss_fn):
        raise ValueError(f"unknown loss {loss_fn!r}; choose one of {sorted(LOSSES)} or pass a function")
    x, y = np.asarray(x), np.asarray(y)
    epochs = _whole("epochs", epochs)
    steps = _whole("steps", steps, optional=True)
    batch_size = _whole("batch_size", batch_size, optional=True)
    seed = checks.seed(seed, "fit")
    _check_data(x, y)
    n = len(x)
    batch = n if batch_size is None else min(batch_size, n)
    # the whole set as one batch keeps its order (a permutation would change only the rounding)
    loader = DataLoader(x, y, batch_size=batch, shuffle=shuffle and batch < n, seed=seed)
    per_epoch = len(loader)
    total_steps = per_epoch * epochs if steps is None else steps
    epochs = math.ceil(total_steps / per_epoch)  # `steps`, when given, decides the length

    history = History()
    bar = _Bar(total_steps, progress)
    start = time.perf_counter()
    step = 0
    model.train()
    for epoch in range(epochs):
        epoch_loss, epoch_correct, seen = 0.0, 0.0, 0
        for xb, yb in loader:
            if step >= total_steps:
                break
            with np.errstate(over="ignore", invalid="ignore"):  # an overflow is reported below, by step
                out = model(xb)
                loss = loss_fn(out, yb)
            value = float(loss.data)
            if not math.isfinite(value):
                bar.close()
                history.seconds = time.perf_counter() - start
                if not stop_on_divergence:
                    history.step_loss.append(value)
                    return history
                raise DivergenceError(
                    f"the loss became {value} at step {step} (epoch {epoch}): training diverged. "
                    f"Try a smaller learning rate (now {getattr(optimizer, 'lr', '?')}), an "
                    "initializer with a smaller scale (e.g. he_normal or glorot_uniform), or "
                    "standardized inputs."
                )
            interrupts.raise_if_interrupted()
            optimizer.zero_grad()
            with np.errstate(over="ignore", invalid="ignore"):  # shows as a non-finite loss next step
                loss.backward()
                optimizer.step()
            history.step_loss.append(value)
            epoch_loss += value * len(xb)
            epoch_correct += accuracy(out, yb) * len(xb)
            seen += len(xb)
            if on_step is not None:
                on_step(step, value)
            step += 1
            bar.update(step, value)
        history.epoch_loss.append(epoch_loss / max(seen, 1))
        history.epoch_accuracy.append(epoch_correct / max(seen, 1))
        if validation_data is not None:
            vl, va = evaluate(model, *validation_data, loss_fn=loss_fn)
            history.val_loss.append(vl)
            history.val_accuracy.append(va)
    bar.close()
    history.seconds = time.perf_counter() - start
    return history


class _Bar:
    """fit's progress: ``[#####.....] step 120/300 loss 0.4321  850 steps/s`` on one line of
    stderr, from 2 seconds into the run (``mode=None``), always (True) or never (False)."""

    def __init__(self, total, mode, delay=2.0, stream=None):
        self.total = total
        self.line = ProgressLine(enabled=mode is not False, stream=stream, live=mode is not False,
                                 delay=0.0 if mode else delay, interval=0.25)

    def update(self, step, loss):
        width = 24
        filled = int(width * step / max(self.total, 1))
        rate = step / max(self.line.elapsed(), 1e-9)
        self.line.update(f"  [{'#' * filled}{'.' * (width - filled)}] step {step}/{self.total} "
                         f"loss {loss:.4f}  {rate:.0f} steps/s",
                         force=step == self.total and self.line.elapsed() >= self.line.delay)

    def close(self):
        self.line.close()
