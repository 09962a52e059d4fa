"""What a comparison leaves behind: the terminal table, results.json and the figures."""
from __future__ import annotations

import json
import math
import os

import numpy as np

from .. import atomic, plot
from . import models
from . import report_html

FILES = {
    "results": "results.json",
    "table": "table.txt",
    "loss_curves": "loss_curves.png",
    "depth_profile": "depth_profile.png",
    "activation_histograms": "activation_histograms.png",
    "report_html": "report.html",
}


def _num(x, fmt=".3g"):
    return "nan" if x is None or not math.isfinite(x) else format(x, fmt)


def _pm(stat, fmt):
    return f"{_num(stat['mean'], fmt)} ± {_num(stat['std'], fmt)}"


def _loss(stat):
    """A final loss as mean ± std, or "diverged" when some seed ended at inf or NaN."""
    mean = stat["mean"]
    return "diverged" if mean is None or not math.isfinite(mean) else _pm(stat, ".3f")


def table(comparison):
    """The comparison as a fixed-width text table, one row per scheme."""
    cfg = comparison.config
    head = ["scheme", "train loss", "train acc", "test acc", "steps to thr", "distinct units",
            "dead", "std L1", f"std L{cfg.depth}", "verdict"]
    rows = []
    for label, s in comparison.summaries.items():
        st = s["steps_to_threshold"]
        if st["reached"] == 0:
            steps = "never"
        else:
            steps = f"{st['mean']:.0f}" + ("" if st["reached"] == st["runs"] else f" ({st['reached']}/{st['runs']})")
        lo, hi = s["distinct_units_min"], s["distinct_units_max"]
        units = f"{lo}/{cfg.width}" if lo == hi else f"{lo}-{hi}/{cfg.width}"
        rows.append([label, _loss(s["final_train_loss"]), _pm(s["train_accuracy"], ".3f"),
                     _pm(s["test_accuracy"], ".3f"), steps, units, _num(s["dead_fraction"]["mean"], ".2f"),
                     _num(s["act_std_first"]), _num(s["act_std_last"]), s["verdict"]])
    widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(len(head))]
    line = lambda r: "  ".join(str(c).ljust(w) if i in (0, len(r) - 1) else str(c).rjust(w)
                               for i, (c, w) in enumerate(zip(r, widths)))
    thr = comparison.runs[0]["threshold"] if comparison.runs else float("nan")
    title = (f"tinynet compare: {comparison.dataset}; {models.describe(cfg)}, "
             f"{cfg.optimizer} lr {cfg.lr}, {_steps_text(cfg)}, {cfg.seeds} seed(s), {cfg.dtype}")
    notes = (f"mean ± std over seeds; diverged: the loss overflowed to inf or NaN. "
             f"steps to thr: first step with training loss <= {thr:.3g} (0.5 ln K unless --threshold). "
             f"distinct units: fewest distinct units in a hidden layer after training. "
             f"dead: fraction of hidden ReLU units never positive on the training set, after training. "
             f"std L1/L{cfg.depth}: activation std of the first/last hidden layer at initialization.")
    return "\n".join([title, line(head), line(["-" * w for w in widths])] + [line(r) for r in rows] + [notes])


def _steps_text(cfg):
    if cfg.steps:
        return f"{cfg.steps} steps" + (f" of batch {cfg.batch_size}" if cfg.batch_size else " (full batch)")
    return f"{cfg.epochs} epoch(s) of batch {cfg.batch_size or 'full'}"


def _clean(x):
    """JSON has no nan/inf: they become null."""
    if isinstance(x, dict):
        return {k: _clean(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_clean(v) for v in x]
    if isinstance(x, (float, np.floating)):
        return float(x) if math.isfinite(x) else None
    if isinstance(x, np.integer):
        return int(x)
    return x


def as_dict(comparison):
    return _clean({
        "settings": comparison.config.as_dict(),
        "dataset": comparison.dataset,
        "seconds": comparison.seconds,
        "summaries": comparison.summaries,
        "runs": comparison.runs,
        "files": comparison.files,
    })


def write_all(comparison, samples, classes, directory):
    """Write every file of the run into ``directory`` (a :class:`~tinynet.lab.folder.ResultFolder`'s
    temporary folder); returns name -> path. results.json and the table come first, so that a
    failure while drawing (a full disk) still leaves the numbers behind."""
    paths = {k: os.path.join(directory, v) for k, v in FILES.items()}
    comparison.files = {k: os.path.join(comparison.config.out, v) for k, v in FILES.items()}
    atomic.write_text(paths["results"], json.dumps(as_dict(comparison), indent=1, allow_nan=False) + "\n")
    atomic.write_text(paths["table"], comparison.table() + "\n")
    curves = {label: [r["loss_curve"] for r in comparison.runs if r["scheme"] == label]
              for label in comparison.summaries}
    thr = comparison.runs[0]["threshold"]
    plot.loss_curves(curves, paths["loss_curves"], reference=math.log(classes), threshold=thr,
                     title=f"Training loss by initialization ({comparison.dataset.split(':')[0]}, "
                           f"{comparison.config.depth} x {comparison.config.width} {comparison.config.activation}; "
                           "median and range over seeds)")
    profile = {}
    for label in comparison.summaries:
        layers = [r["init_layers"][:-1] for r in comparison.runs if r["scheme"] == label]
        profile[label] = {
            "act_std": [float(np.mean([run[i]["act_std"] for run in layers])) for i in range(len(layers[0]))],
            "grad_std": [float(np.mean([run[i]["grad_z_std"] or 0.0 for run in layers])) for i in range(len(layers[0]))],
        }
    plot.depth_profile(profile, paths["depth_profile"],
                       title=f"Signal across depth at initialization ({comparison.config.activation})")
    plot.activation_histograms(samples, paths["activation_histograms"],
                               title=f"Hidden activations at initialization ({comparison.config.activation}, seed 0)")
    atomic.write_text(paths["report_html"], report_html.page(as_dict(comparison), paths))
    return paths
