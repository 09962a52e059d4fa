"""Lesson 11's claims: Adam's first step is lr·|g|/(|g|+eps) in every layer while SGD's is
lr·|g|; under the same 300 steps Adam removes most of the gap between σ = 0.01, Glorot and He
that SGD with momentum leaves, but not the failures of zeros and constants (symmetry); and
Adam's rescue ends where the gradients fall below its eps. README numbers are checked."""
import re
from pathlib import Path

import numpy as np
import pytest

from tinynet.lesson_tests import lesson_script, have_fashion_mnist, NO_FASHION_MNIST, stdout_per_thread_count

lesson = lesson_script(__file__, 11)
README = (Path(__file__).resolve().parent / "README.md").read_text(encoding="utf-8")
README = " ".join(README.split())    # one space between words, whatever the line breaks

pytestmark = pytest.mark.skipif(not have_fashion_mnist(), reason=NO_FASHION_MNIST)


def quoted(text):
    return re.search(rf"(?<![\d.]){re.escape(text)}(?![\d])", README) is not None


@pytest.fixture(scope="module")
def fashion():
    return lesson.data.load_standardized_fashion_mnist()


def test_first_step_sizes(fashion):
    (x, y), _ = fashion
    rows = lesson.first_steps(x[:lesson.BATCH], y[:lesson.BATCH])
    for row in rows:
        assert row["sgd"] == pytest.approx(row["grad"], rel=1e-6)               # |Δw| / lr = |g|
        assert row["adam"] == pytest.approx(row["grad"] / (row["grad"] + 1e-8), rel=0.05)
        assert row["sgd"] < 1e-6 and row["adam"] > 0.5
    assert quoted(f"{min(r['adam'] for r in rows):.3f}") and quoted(f"{max(r['adam'] for r in rows):.3f}")


def test_pieces_match_tinynet_optim(fashion):
    assert lesson.pieces_match_tinynet(*fashion[0]) < 1e-12


@pytest.mark.slow
def test_adam_removes_most_of_the_scale_gap_but_not_symmetry(fashion):
    results = lesson.comparison(*fashion, seeds=(0,), progress=False)     # seed 0 of the README's three
    sgd_gap, adam_gap = lesson.gap(results, "SGD + momentum"), lesson.gap(results, "Adam")
    assert sgd_gap > 0.6 and adam_gap < 0.15, (sgd_gap, adam_gap)
    for optimizer, runs in results.items():
        assert runs["zeros"][0]["test_accuracy"] == pytest.approx(0.1, abs=0.01)
        for scheme in lesson.DETERMINISTIC:
            assert runs[scheme][0]["distinct_units"] == 1, (optimizer, scheme)
            assert runs[scheme][0]["test_accuracy"] < 0.35
        for scheme in ("normal σ=0.01", "Glorot", "He"):
            first = runs[scheme][0]["test_accuracy"]
            assert quoted(f"{first:.3f}"), (optimizer, scheme, first)


@pytest.mark.slow
def test_adam_stops_rescuing_below_eps(fashion):
    (x, y), _ = fashion
    medians = lesson.gradient_scale_by_depth(x[:lesson.BATCH], y[:lesson.BATCH], depths=(8,))[8]
    assert max(medians) < 1e-9
    accs = lesson.eps_experiment(*fashion)
    assert accs[1e-8] < 0.15 and accs[1e-12] > 0.5, accs
    assert quoted(f"{accs[1e-8]:.3f}") and quoted(f"{accs[1e-12]:.3f}")


_SNIPPET = """
import sys
from tinynet.lessons import load_module
lesson = load_module(sys.argv[1], "11_threads")
train_set, test_set = lesson.data.load_standardized_fashion_mnist()
for optimizer in lesson.OPTIMIZERS:
    run = lesson.train("He", optimizer, 0, train_set, test_set, steps=30)
    print(optimizer, repr(run["test_accuracy"]), [repr(float(v)) for v in run["loss"]])
"""


@pytest.mark.slow
def test_numbers_do_not_depend_on_thread_counts():
    """The same training, in fresh processes with 1 and with 2 BLAS and numba threads: the
    same bits (the issue: a lesson's numbers must not depend on the machine's thread count)."""
    outputs = stdout_per_thread_count(_SNIPPET, str(Path(lesson.__file__)))
    assert outputs[0] == outputs[1]
