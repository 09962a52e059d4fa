"""compare(): every scheme x every seed, summarized, written to files.

    from tinynet.lab import CompareConfig, compare
    result = compare(CompareConfig(inits="zeros,he_normal", seeds=2, out="results"))
    print(result.table())
    result.summaries["he_normal"]["verdict"]      # 'converges'
"""
from __future__ import annotations

import math
import os
import tempfile
import time
from dataclasses import dataclass

import numpy as np

from . import datasets, report
from .config import CompareConfig
from .errors import LabError
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

    def table(self):
        return report.table(self)

    def as_dict(self):
        return report.as_dict(self)


def check_writable(out):
    """Create ``out`` if needed and prove a file can be written there, before any training."""
    if os.path.exists(out) and not os.path.isdir(out):
        raise LabError(f"--out {out!r} exists and is not a folder; choose a folder path")
    try:
        os.makedirs(out, exist_ok=True)
    except OSError as err:
        raise LabError(f"cannot create the output folder --out {out!r}: {err.strerror or err}; "
                       "choose a folder you can write to") from None
    if not os.path.isdir(out):
        raise LabError(f"--out {out!r} exists and is not a folder; choose a folder path")
    try:
        with tempfile.TemporaryFile(dir=out):
            pass
    except OSError as err:
        raise LabError(f"cannot write into --out {out!r}: {err.strerror or err}; "
                       "choose a folder you can write to") from None


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
    table, figures and results.json into ``config.out`` unless ``write=False``."""
    config = config or CompareConfig(**settings)
    if write:
        check_writable(config.out)
    start = time.perf_counter()
    data = datasets.load(config.dataset, dtype=config.np_dtype)
    n = len(data.x_train)
    steps = config.steps or config.epochs * math.ceil(n / (config.batch_size or n))
    bar = Progress(len(config.schemes) * config.seeds, steps, enabled=progress)
    # the lab's products are small enough to run best on one BLAS thread (see threads.py)
    with single_blas_thread():
        runs, samples, summaries = _run_all(config, data, bar)
    comparison = Comparison(config, data.describe(), runs, summaries, {}, time.perf_counter() - start)
    if write:
        comparison.files = report.write_all(comparison, samples, classes=data.classes)
    return comparison


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
