"""compare(): every scheme x every seed, summarized, written to files.

    from tinynet.lab import CompareConfig, compare
    result = compare(CompareConfig(inits="zeros,he_normal", seeds=2, out="results"))
    print(result.table())
    result.summaries["he_normal"]["verdict"]      # 'converges'

The fits run on worker processes, one per CPU by default (``jobs=``; ``jobs=1`` runs them
in this process); the results do not depend on how many (see :func:`compare`).
"""
from __future__ import annotations

import functools
import math
import os
import time
from dataclasses import dataclass, field, replace
from typing import NamedTuple

import numpy as np

from . import datasets, memory, workers
from .config import CompareConfig
from .errors import LabError
from .folder import ResultFolder
from .run import Progress, run_one
from .threads import single_blas_thread
from .verdict import majority

#: activation values kept per hidden layer (first seed) for the histograms
HISTOGRAM_SAMPLES = 4000


@dataclass
class Comparison:
    """The outcome: settings, data description, one dict per run, one summary per scheme,
    and the files written (name -> path)."""

    config: CompareConfig
    dataset: str
    runs: list
    summaries: dict
    files: dict
    seconds: float
    replaced: list = field(default_factory=list)   # files of an earlier run in --out that were replaced
    removed: list = field(default_factory=list)    # files of an earlier run that this run does not write
    took_over: int | None = None                   # pid of a dead run whose lock this run took over

    def table(self):
        return _report().table(self)

    def as_dict(self):
        return _report().as_dict(self)


def _report():
    """:mod:`tinynet.lab.report`, imported when first needed: it brings matplotlib, whose
    import (a few tenths of a second) then runs while the workers train instead of before
    (see ``_run_all``)."""
    from . import report

    return report


class OutputError(LabError):
    """Training finished but its files could not be written (a full disk, a folder where a
    file goes...). The message names the file, the cause, and where the results were kept."""


def check_memory(config):
    """Refuse, in one line, a run too big for this machine: its networks (one per worker
    training at once) or its loss curves (see :mod:`tinynet.lab.memory`). Returns the
    estimated bytes. The data set is not counted per worker: forked workers share the
    parent's pages, which they only read."""
    images = not config.synthetic
    n_in, classes = (784, 10) if images else (2, 3)
    n_train = config.examples[0] or (60_000 if images else datasets.SYNTHETIC_TRAIN)   # as _compute's head()
    rows = config.batch_size or n_train
    itemsize = np.dtype(config.dtype).itemsize
    network = memory.mlp_bytes(n_in, config.width, config.depth, classes, rows, itemsize, config.optimizer)
    network += n_train * config.depth * config.width * itemsize   # hidden pre-activations kept for 'dead'
    at_once = config.workers                                      # each worker trains its own network
    network *= at_once
    steps = config.steps or config.epochs * math.ceil(n_train / rows)
    runs = len(config.schemes) * config.seeds
    curves = steps * 40 * runs                                     # every step's loss, a float in each run's curve
    need = network + curves
    if curves > network:
        what, fix = f"{runs} run(s) of {steps:,} steps (their loss curves)", "Choose fewer --steps or --epochs."
    else:
        what = f"an MLP of {config.depth:,} hidden layers of {config.width:,} units on {config.dataset}"
        fix = "Choose a smaller --depth or --width."
        if at_once > 1:
            what = f"{at_once} fits at once (--jobs) of {what}"
            fix = "Choose a smaller --depth or --width, or fewer --jobs."
    memory.check_fits(need, what, fix)
    return need


def summarize(runs):
    """Mean and spread (std over seeds) of each number, per scheme."""
    def stats(key):
        values = np.array([r[key] for r in runs], dtype=np.float64)
        return {"mean": float(np.mean(values)), "std": float(np.std(values))}

    reached = [r["steps_to_threshold"] for r in runs if r["steps_to_threshold"] is not None]
    hidden_first = [r["init_layers"][0] for r in runs]
    hidden_last = [r["init_layers"][-2] if len(r["init_layers"]) > 1 else r["init_layers"][0] for r in runs]
    words = [r["verdict"] for r in runs]
    return {
        "final_train_loss": stats("final_train_loss"),
        "train_accuracy": stats("train_accuracy"),
        "test_accuracy": stats("test_accuracy"),
        "initial_loss": stats("initial_loss"),
        "steps_to_threshold": {"reached": len(reached), "runs": len(runs),
                               "mean": float(np.mean(reached)) if reached else None},
        "distinct_units_min": int(min(min(r["distinct_units"]) for r in runs)),
        "distinct_units_max": int(max(max(r["distinct_units"]) for r in runs)),
        "dead_fraction": stats("dead_fraction"),
        "act_std_first": float(np.mean([h["act_std"] for h in hidden_first])),
        "act_std_last": float(np.mean([h["act_std"] for h in hidden_last])),
        "verdict": majority(words),
        "verdicts": words,
        "reasons": [r["reason"] for r in runs],
    }


def compare(config=None, progress=True, write=True, jobs=None, **settings):
    """Run the comparison of ``config`` (or of ``CompareConfig(**settings)``); write the
    table, figures and results.json into ``config.out`` unless ``write=False``.

    The fits run on ``jobs`` worker processes (default ``config.jobs``, whose default is
    the CPUs this process may use, at most one per fit), each handed the next fit when it
    is free; ``jobs=1`` runs them in this process. Workers are forked, so on platforms
    without a safe ``fork`` (all but Linux) the fits run in this process whatever
    ``jobs`` says (see :mod:`tinynet.lab.workers`). The results are put together in the
    table's order and are the same, bit for bit, whatever ``jobs`` is (only the timings
    differ). An error in a fit is raised here, of the same kind, naming the scheme and
    seed; Ctrl-C stops the workers and leaves the folder as described below.

    The folder is claimed before training (a second run on it is refused with a
    :class:`LabError`) and receives the new files all together at the end (see
    :mod:`tinynet.lab.folder`): interrupted, it still holds the earlier run, whole."""
    config = config or CompareConfig(**settings)
    if jobs is not None:
        config = replace(config, jobs=jobs)
    check_memory(config)
    if not write:
        return _compute(config, progress)[0]
    folder = ResultFolder(config.out)
    writing = None
    try:
        with folder:
            comparison, samples, classes = _compute(config, progress)
            writing = True
            report = _report()
            report.write_all(comparison, samples, classes, folder.tmp)
            comparison.files = {k: os.path.join(config.out, v) for k, v in report.FILES.items()
                                if os.path.exists(os.path.join(folder.tmp, v))}
            folder.commit()
            writing = False
    except OSError as err:
        if not writing:
            raise
        raise OutputError(_write_failure(err, folder)) from None
    comparison.replaced, comparison.removed, comparison.took_over = folder.replaced, folder.removed, folder.took_over
    return comparison


def _write_failure(err, folder):
    """One line: which file, why, and where what was computed is."""
    name = os.path.basename(err.filename) if err.filename else "the results"
    cause = err.strerror or str(err)
    if folder.kept:
        kept = sorted(n for n in os.listdir(folder.kept) if os.path.isfile(os.path.join(folder.kept, n)))
        saved = f"what was written is kept in {folder.kept} ({', '.join(kept)})"
    else:
        saved = "nothing could be kept"
    return f"training finished, but {name} could not be written into {folder.given}: {cause}; {saved}"


def _compute(config, progress):
    start = time.perf_counter()
    data = datasets.head(datasets.load(config.dataset, dtype=config.np_dtype), *config.examples)
    n = len(data.x_train)
    steps = config.steps or config.epochs * math.ceil(n / (config.batch_size or n))
    bar = Progress(len(config.schemes) * config.seeds, steps, enabled=progress)
    # the lab's products are small enough to run best on one BLAS thread (see threads.py)
    with single_blas_thread():
        runs, samples, summaries = _run_all(config, data, bar)
    comparison = Comparison(config, data.describe(), runs, summaries, {}, time.perf_counter() - start)
    return comparison, samples, data.classes


class Fit(NamedTuple):
    """One run of the comparison: ``config.schemes[scheme]`` trained from ``seed``."""

    scheme: int
    seed: int
    label: str

    def __str__(self):
        return f"{self.label} (seed {self.seed})"


def _fits(config):
    """Every run, in the table's order: scheme by scheme, seed by seed."""
    return [Fit(i, seed, scheme.label) for i, scheme in enumerate(config.schemes) for seed in range(config.seeds)]


def _fit(config, data, fit, on_step=None):
    """``run_one`` for ``fit``: (result, histogram samples of the first seed, or None). An
    error names the scheme and seed it happened in (and keeps its kind)."""
    try:
        return run_one(config, data, config.schemes[fit.scheme], fit.seed,
                       keep_samples=HISTOGRAM_SAMPLES if fit.seed == 0 else 0, on_step=on_step)
    except Exception as err:
        named = _named(err, fit)
        if named is err:
            raise
        raise named from err


def _named(err, fit):
    """``err`` again, its message prefixed with ``fit``: a new exception of the same type
    (and attributes) when its one argument is the message, else ``err`` with a note."""
    if len(err.args) == 1 and isinstance(err.args[0], str):
        try:
            named = type(err)(f"{fit}: {err.args[0]}")
        except Exception:  # noqa: BLE001 - a constructor that wants more than a message
            named = None
        if named is not None:
            named.__dict__.update(err.__dict__)
            return named
    err.add_note(f"while training {fit}")
    return err


def _run_all(config, data, bar):
    """Every fit -- on ``config.workers`` worker processes, or here when that is 1 -- then
    the results put together in the table's order, so they are the same whatever ran them.

    Progress from the workers: each reports its step and loss at most every 0.1 s
    (``workers.STEP_INTERVAL``), and only when the display shows them (a terminal): a few
    small messages per fit cost nothing next to the fit."""
    fits = _fits(config)
    if config.workers > 1:
        values = workers.run_tasks(
            functools.partial(_fit, config, data), fits, config.workers,
            on_start=lambda i: bar.begin(i + 1, str(fits[i])),
            on_step=(lambda i, step, loss: bar.advance(i + 1, step, loss)) if bar.live else None,
            on_done=lambda i, value: bar.end(i + 1, value[0]),
            on_idle=_report)       # a core is free from now on: import the figures' modules there
    else:
        values = []
        for fit in fits:
            bar.start(str(fit))
            values.append(_fit(config, data, fit, on_step=bar.step))
            bar.finish(values[-1][0])
    runs, samples, summaries = [], {}, {}
    for index, scheme in enumerate(config.schemes):
        scheme_runs = []
        for fit, (result, kept) in zip(fits, values):
            if fit.scheme != index:
                continue
            if kept is not None:
                samples[scheme.label] = kept
            scheme_runs.append(result)
        runs.extend(scheme_runs)
        summaries[scheme.label] = summarize(scheme_runs)
    return runs, samples, summaries
