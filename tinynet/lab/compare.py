"""compare(): every scheme x every seed, summarized, written to files.

    from tinynet.lab import CompareConfig, compare
    result = compare(CompareConfig(inits="zeros,he_normal", seeds=2, out="results"))
    print(result.table())
    result.summaries["he_normal"]["verdict"]      # 'converges'
"""
from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass, field

import numpy as np

from . import datasets, memory, report
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
        return report.table(self)

    def as_dict(self):
        return report.as_dict(self)


class OutputError(LabError):
    """Training finished but its files could not be written (a full disk, a folder where a
    file goes...). The message names the file, the cause, and where the results were kept."""


def check_memory(config):
    """Refuse, in one line, a run too big for this machine: its network or its loss curves
    (see :mod:`tinynet.lab.memory`). Returns the estimated bytes."""
    images = not config.synthetic
    n_in, classes = (784, 10) if images else (2, 3)
    n_train = 60_000 if images else datasets.SYNTHETIC_TRAIN
    rows = config.batch_size or n_train
    itemsize = np.dtype(config.dtype).itemsize
    network = memory.mlp_bytes(n_in, config.width, config.depth, classes, rows, itemsize, config.optimizer)
    network += n_train * config.depth * config.width * itemsize   # hidden pre-activations kept for 'dead'
    steps = config.steps or config.epochs * math.ceil(n_train / rows)
    runs = len(config.schemes) * config.seeds
    curves = steps * 40 * runs                                     # every step's loss, a float in each run's curve
    need = network + curves
    if curves > network:
        what, fix = f"{runs} run(s) of {steps:,} steps (their loss curves)", "Choose fewer --steps or --epochs."
    else:
        what = f"an MLP of {config.depth:,} hidden layers of {config.width:,} units on {config.dataset}"
        fix = "Choose a smaller --depth or --width."
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


def compare(config=None, progress=True, write=True, **settings):
    """Run the comparison of ``config`` (or of ``CompareConfig(**settings)``); write the
    table, figures and results.json into ``config.out`` unless ``write=False``.

    The folder is claimed before training (a second run on it is refused with a
    :class:`LabError`) and receives the new files all together at the end (see
    :mod:`tinynet.lab.folder`): interrupted, it still holds the earlier run, whole."""
    config = config or CompareConfig(**settings)
    check_memory(config)
    if not write:
        return _compute(config, progress)[0]
    folder = ResultFolder(config.out)
    writing = None
    try:
        with folder:
            comparison, samples, classes = _compute(config, progress)
            writing = True
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


def _run_all(config, data, bar):
    runs, samples, summaries = [], {}, {}
    for scheme in config.schemes:
        scheme_runs = []
        for seed in range(config.seeds):
            bar.start(f"{scheme.label} (seed {seed})")
            result, kept = run_one(config, data, scheme, seed,
                                   keep_samples=HISTOGRAM_SAMPLES if seed == 0 else 0, on_step=bar.step)
            bar.finish(result)
            if kept is not None:
                samples[scheme.label] = kept
            scheme_runs.append(result)
        runs.extend(scheme_runs)
        summaries[scheme.label] = summarize(scheme_runs)
    return runs, samples, summaries
