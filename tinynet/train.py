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
import sys
import time
from dataclasses import dataclass, field

import numpy as np

from . import interrupts
from .autograd import no_grad
from .losses import binary_cross_entropy_with_logits, cross_entropy, mse
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


def fit(model, x, y, optimizer, loss_fn="cross_entropy", epochs=1, batch_size=None, steps=None,
        shuffle=True, seed=0, validation_data=None, progress=None, on_step=None, stop_on_divergence=True):
    """Train ``model`` on (x, y) and return a :class:`History`.

    ``batch_size=None`` is full-batch gradient descent. ``steps`` (optional) caps the
    total number of optimizer steps across epochs. ``progress=None`` shows a progress line
    on stderr once a run has taken more than 2 seconds; True/False force it on/off.
    ``on_step(step, loss)`` is called after each step (the lab uses it to measure).
    A NaN/inf loss raises :class:`DivergenceError` naming the step, unless
    ``stop_on_divergence=False`` (then training stops quietly and the history ends there).
    """
    loss_fn = LOSSES.get(loss_fn, loss_fn)
    if not callable(loss_fn):
        raise ValueError(f"unknown loss {loss_fn!r}; choose one of {sorted(LOSSES)} or pass a function")
    x, y = np.asarray(x), np.asarray(y)
    if len(x) != len(y):
        raise ValueError(f"fit: x has {len(x)} samples but y has {len(y)}")
    if epochs < 1 or (steps is not None and steps < 1):
        raise ValueError(f"fit needs epochs >= 1 and steps >= 1, got epochs={epochs}, steps={steps}")
    n = len(x)
    batch = n if batch_size is None else int(batch_size)
    if batch < 1:
        raise ValueError(f"batch_size must be positive, got {batch_size}")
    per_epoch = math.ceil(n / batch)
    total_steps = per_epoch * epochs if steps is None else int(steps)
    epochs = math.ceil(total_steps / per_epoch)  # `steps`, when given, decides the length

    rng = np.random.default_rng(seed)
    history = History()
    bar = _Progress(total_steps, progress)
    start = time.perf_counter()
    step = 0
    model.train()
    for epoch in range(epochs):
        order = rng.permutation(n) if shuffle and batch < n else None
        epoch_losses, epoch_correct = [], 0.0
        for b in range(per_epoch):
            if step >= total_steps:
                break
            idx = slice(b * batch, (b + 1) * batch) if order is None else order[b * batch:(b + 1) * batch]
            xb, yb = (x, y) if batch >= n else (x[idx], y[idx])
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
            loss.backward()
            optimizer.step()
            history.step_loss.append(value)
            epoch_losses.append(value * len(xb))
            epoch_correct += accuracy(out, yb) * len(xb)
            if on_step is not None:
                on_step(step, value)
            step += 1
            bar.update(step, value)
        seen = sum(min(batch, n - b * batch) for b in range(len(epoch_losses)))
        history.epoch_loss.append(sum(epoch_losses) / max(seen, 1))
        history.epoch_accuracy.append(epoch_correct / max(seen, 1))
        if validation_data is not None:
            vl, va = evaluate(model, *validation_data, loss_fn=loss_fn)
            history.val_loss.append(vl)
            history.val_accuracy.append(va)
    bar.close()
    history.seconds = time.perf_counter() - start
    return history


class _Progress:
    """A one-line progress display on stderr: step, percentage, loss, rate."""

    def __init__(self, total, mode, delay=2.0, stream=None):
        self.total, self.mode, self.delay = total, mode, delay
        self.stream = stream or sys.stderr
        self.start = self.last = time.perf_counter()
        self.shown = False

    def update(self, step, loss):
        if self.mode is False:
            return
        now = time.perf_counter()
        if self.mode is None and now - self.start < self.delay:
            return
        if now - self.last < 0.25 and step != self.total:
            return
        self.last = now
        rate = step / max(now - self.start, 1e-9)
        width = 24
        filled = int(width * step / max(self.total, 1))
        self.stream.write(
            f"\r  [{'#' * filled}{'.' * (width - filled)}] step {step}/{self.total} "
            f"loss {loss:.4f}  {rate:.0f} steps/s"
        )
        self.stream.flush()
        self.shown = True

    def close(self):
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()
