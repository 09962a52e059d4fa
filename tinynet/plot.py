"""Figures for the lab and the lessons: headless (Agg backend), written as PNG, atomically.

- ``loss_curves``: training loss per step of several runs on one plot (log scale);
- ``loss_panel``: the lessons' training runs on one axes (linear scale, diverged runs noted);
- ``depth_profile``: activation std and back-propagated gradient std layer by layer at
  initialization, one line per scheme (how the signal vanishes or explodes with depth);
- ``activation_histograms``: the distribution of each hidden layer's activations at
  initialization, in the style of Glorot & Bengio (2010), figures 6 and 7;
- ``save(fig, path)``: write a figure without ever leaving a half-written file.
"""
from __future__ import annotations

import math
import os
import warnings

import matplotlib

matplotlib.use("Agg")  # no display needed: tinynet draws into files
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from . import atomic  # noqa: E402

#: line colours, in order: Okabe and Ito's colour-blind-safe palette (Wong, Nature Methods
#: 8:441, 2011) without its yellow, which is unreadable on white. The lab's report.html
#: draws its legend from the same two tuples, so page and figures match.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000")
#: past len(PALETTE) lines the colours repeat with the next dash pattern
LINE_STYLES = ("-", "--", ":", "-.")


def line_color(i):
    """The colour of line ``i`` (0-based) in every multi-line figure."""
    return PALETTE[i % len(PALETTE)]


def line_style(i):
    """The matplotlib line style of line ``i``: solid for the first len(PALETTE) lines."""
    return LINE_STYLES[(i // len(PALETTE)) % len(LINE_STYLES)]


def save(fig, path, dpi=110, trim=True):
    """Write ``fig`` to ``path`` (PNG unless the suffix says otherwise) atomically (see
    :mod:`tinynet.atomic`), then close the figure.

    ``trim`` crops the page to what is drawn (``bbox_inches="tight"``), so that a legend
    placed beside the axes is kept and empty margins go. It costs one more layout pass over
    every text of the figure; a figure already laid out by ``tight_layout`` fits its page
    and is saved untrimmed (for the 11-panel activation histograms of ``tinynet compare``
    that pass took ~0.3 s of ~1.3 s).
    """
    path = os.fspath(path)
    suffix = os.path.splitext(path)[1] or ".png"
    try:
        with atomic.open_for_write(path, "wb") as f:
            fig.savefig(f, format=suffix.lstrip(".").lower(), dpi=dpi,
                        bbox_inches="tight" if trim else None)
    finally:
        plt.close(fig)
    return path


def _as_runs(curve):
    """A list of per-step values, or a list of such lists (one per seed) -> 2-D array padded with nan."""
    curve = list(curve)
    runs = curve if curve and np.ndim(curve[0]) == 1 else [curve]
    length = max((len(r) for r in runs), default=0)
    out = np.full((len(runs), length), np.nan)
    for i, r in enumerate(runs):
        r = np.asarray(r, dtype=np.float64)
        out[i, :len(r)] = np.where(np.isfinite(r), r, np.nan)
    return out


def loss_curves(histories, path, title="Training loss", threshold=None, reference=None,
                xlabel="step", ylabel="training loss (cross-entropy)", log=True, ceiling="auto"):
    """One line per entry of ``histories`` (name -> per-step losses, or a list of such lists,
    one per seed: drawn as the median with a band from the lowest to the highest seed).
    ``threshold`` and ``reference`` (e.g. ln K, the loss of a uniform guess) are drawn as
    labelled horizontal lines. Non-finite losses (a diverged run) end the line.
    ``ceiling`` caps the y axis ("auto": 10 x ``reference`` when given; None: no cap)."""
    if ceiling == "auto":
        ceiling = 10 * reference if reference else None
    fig, ax = plt.subplots(figsize=(9, 5.5))
    lowest = np.inf
    for i, (name, curve) in enumerate(histories.items()):
        runs = _as_runs(curve)
        if runs.size == 0:
            continue
        steps = np.arange(runs.shape[1])
        with warnings.catch_warnings():  # an all-nan column (every seed diverged) is expected
            warnings.simplefilter("ignore", RuntimeWarning)
            mid = np.nanmedian(runs, axis=0)
            lo, hi = np.nanmin(runs, axis=0), np.nanmax(runs, axis=0)
        ax.plot(steps, mid, line_style(i), color=line_color(i), lw=1.8, label=name)
        if np.any(mid > 0):
            lowest = min(lowest, float(np.nanmin(mid[mid > 0])))
        if runs.shape[0] > 1:
            ax.fill_between(steps, lo, hi, color=line_color(i), alpha=0.12, lw=0)
    if reference is not None:
        ax.axhline(reference, color="0.3", lw=1, ls=(0, (6, 3)), label=f"ln K = {reference:.3f} (uniform guess)")
    if threshold is not None:
        ax.axhline(threshold, color="0.55", lw=1, ls=":", label=f"threshold {threshold:.3g}")
    if log:
        ax.set_yscale("log")
    if ceiling is not None:  # exploding runs would squash every other line into the bottom edge
        bottom, top = ax.get_ylim()
        if log and np.isfinite(lowest):
            bottom = max(bottom, lowest / 2)
        if top > ceiling:
            ax.set_ylim(bottom, ceiling)
            ax.text(0.99, 0.98, "runs above the top edge exploded", transform=ax.transAxes,
                    ha="right", va="top", fontsize=8, color="0.35")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=9, frameon=False)
    return save(fig, path)


def loss_panel(ax, runs, fontsize=8):
    """Draw on ``ax`` the training loss per step of each of ``runs``, {name: run} with ``run``
    as a lesson's training function returns it (``losses``, ``test_accuracy``, ``diverged``,
    ``initial_loss``, ``diverged_at``), against ln 10 (a uniform guess over 10 classes), on a
    linear axis from 0 to 3.5. A diverged run has no line: the legend says it diverged and a
    note its loss at init and the step its loss turned non-finite. The caller sets the title."""
    notes = []
    for name, run in runs.items():
        if run["diverged"]:
            notes.append(f"{name}: loss {run['initial_loss']:.3g} at init, "
                         f"non-finite at step {run['diverged_at']} (off the chart)")
            ax.plot([], [], label=f"{name}: diverged")       # keeps the colours in step with the legend
            continue
        ax.plot(run["losses"], label=f"{name} (test acc {run['test_accuracy']:.2f})")
    ax.axhline(np.log(10), color="k", ls=":", label="ln 10 (uniform guess)")
    for i, note in enumerate(notes):
        ax.text(0.02, 0.04 + 0.06 * i, note, transform=ax.transAxes, fontsize=fontsize)
    ax.set_ylim(0, 3.5)
    ax.set_xlabel("step (batch 64)")
    ax.set_ylabel("training loss")
    ax.legend(fontsize=fontsize, loc="upper right")


def depth_profile(stats, path, title="Signal across depth at initialization"):
    """Two panels, layer index on x: activation std (forward) and gradient std dL/dz
    (backward), log scale, one line per scheme. ``stats`` maps a name to a dict with lists
    ``"act_std"`` and ``"grad_std"`` (one value per hidden layer; None/0 are skipped)."""
    fig, axes = plt.subplots(1, 2, figsize=(12, 5))
    panels = (("act_std", "activation std (forward)"), ("grad_std", "gradient std dL/dz (backward)"))
    for ax, (key, label) in zip(axes, panels):
        for i, (name, s) in enumerate(stats.items()):
            values = np.array([np.nan if v is None else v for v in s.get(key, [])], dtype=np.float64)
            values[~(values > 0) | ~np.isfinite(values)] = np.nan  # log scale: zeros cannot be drawn
            layers = np.arange(1, len(values) + 1)
            ax.plot(layers, values, line_style(i), marker="o", ms=4, color=line_color(i), label=name)
        ax.set_yscale("log")
        ax.set_xlabel("hidden layer (1 = nearest the input)")
        ax.set_ylabel(label)
        ax.set_title(label)
        ax.grid(True, alpha=0.3)
        ax.xaxis.get_major_locator().set_params(integer=True)
    axes[1].legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=9, frameon=False)
    fig.suptitle(title + " (schemes with all-zero values have no points)")
    return save(fig, path)


def _bins(arrays, count=60):
    values = np.concatenate([np.ravel(a) for a in arrays]) if arrays else np.zeros(0)
    values = values[np.isfinite(values)]
    lo, hi = (np.percentile(values, [0.5, 99.5]) if values.size else (0.0, 0.0))
    if not hi > lo:
        lo, hi = lo - 1.0, hi + 1.0
    return np.linspace(lo, hi, count + 1)


#: most layers named in one histogram panel's legend (the colour runs from first to last layer)
MAX_LEGEND = 10


def activation_histograms(samples, path, title="Activation values per hidden layer at initialization",
                          xlabel="activation value", drop_zeros=True, log_x="auto"):
    """Histograms (as normalized step lines, one per layer) of activation values.

    ``samples`` is either a list of arrays (one per layer: a single panel) or a dict
    name -> list of arrays (one panel per name, e.g. per scheme). Each panel spans the
    0.5-99.5 percentiles of its own values, so a vanishing scheme's narrow spike and an
    exploding scheme's wide spread are both visible; read the x axis. With ``drop_zeros``
    a layer whose values are more than 5 % exactly 0 (ReLU) is drawn without them, and the
    legend says how many there were. ``log_x="auto"`` draws non-negative activations
    (ReLU) against log10 of the value, so layers whose scales differ by orders of magnitude
    (vanishing, exploding) appear as shifted curves instead of one spike."""
    panels = samples if isinstance(samples, dict) else {"": samples}
    n = len(panels)
    cols = min(n, 3)
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(5.2 * cols, 3.6 * rows), squeeze=False)
    for ax, (name, layers) in zip(axes.ravel(), panels.items()):
        layers = [np.asarray(a, dtype=np.float64).ravel() for a in layers]
        zeros = [float(np.mean(a == 0)) if a.size else 0.0 for a in layers]
        logx = log_x is True or (log_x == "auto" and all(np.all(a[np.isfinite(a)] >= 0) for a in layers))
        if logx:  # ReLU outputs: each layer's scale shows as a shift, however far apart they are
            layers = [np.log10(a[a > 0]) for a in layers]
        elif drop_zeros:  # a ReLU-like spike at 0 would hide the rest of the shape
            layers = [a[a != 0] if z > 0.05 else a for a, z in zip(layers, zeros)]
        bins = _bins(layers)
        # a deep network's legend would outgrow its panel: name at most MAX_LEGEND layers, evenly spread
        named = set(np.linspace(0, len(layers) - 1, min(len(layers), MAX_LEGEND)).round().astype(int))
        for j, values in enumerate(layers):
            values = values[np.isfinite(values)]
            label = f"layer {j + 1}"
            if zeros[j] > 0.05 and (logx or drop_zeros):
                label += f" ({100 * zeros[j]:.0f}% zeros, not drawn)"
            if j not in named:
                label = "_nolegend_"
            if values.size:
                hist, edges = np.histogram(np.clip(values, bins[0], bins[-1]), bins=bins)
                ax.step(edges[:-1], hist / values.size, where="post", lw=1.4, label=label,
                        color=plt.get_cmap("viridis")(j / max(len(layers) - 1, 1)))
            else:
                ax.plot([], [], color=plt.get_cmap("viridis")(j / max(len(layers) - 1, 1)), label=label)
        if not any(np.isfinite(a).any() for a in layers):
            ax.text(0.5, 0.5, "every activation is exactly 0", transform=ax.transAxes, ha="center",
                    va="center", fontsize=10, color="0.3")
        ax.set_title(name or title, fontsize=10)
        ax.set_xlabel(f"log10({xlabel})" if logx else xlabel)
        ax.set_ylabel("fraction of drawn values")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=7, frameon=False)
    for ax in axes.ravel()[n:]:
        ax.set_visible(False)
    if panels.keys() != {""}:
        fig.suptitle(title)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        fig.tight_layout()
    # "tight layout not applied" (panels too small for their labels): then save() trims the page
    return save(fig, path, trim=bool(caught))


__all__ = ["PALETTE", "LINE_STYLES", "line_color", "line_style", "save", "loss_curves", "loss_panel",
           "depth_profile", "activation_histograms"]
