"""Lesson 15's claims on Fashion-MNIST: at depth 30 the initialization decides the outcome
(He, orthogonal with gain sqrt 2 and LSUV train; Xavier, LeCun, orthogonal with gain 1,
σ = 0.01 and zeros stall at ln 10), the verdicts come from the training outcome, and the
doctor finds and fixes the vanishing 20-layer net.

The full race behind the README's table takes minutes; a shortened race (one seed, fewer
steps, four schemes) checks the same separation in the suite, and
TINYNET_FULL_CAPSTONE=1 runs the README's race itself and compares every number."""
import math
import os
import re
from pathlib import Path

import numpy as np
import pytest

from tinynet.lesson_tests import lesson_script, have_fashion_mnist, NO_FASHION_MNIST, stdout_per_thread_count

lesson = lesson_script(__file__, 15)
README = " ".join((Path(__file__).resolve().parent / "README.md").read_text(encoding="utf-8").split())

pytestmark = pytest.mark.skipif(not have_fashion_mnist(), reason=NO_FASHION_MNIST)


def quoted(text):
    return re.search(rf"(?<![\d.]){re.escape(text)}(?![\d])", README) is not None


@pytest.fixture(scope="module")
def fashion():
    return lesson.data.load_standardized_fashion_mnist()


def _run(accuracy, finite=True, distinct=128):
    return {"test_accuracy": accuracy, "finite": finite, "distinct_units": distinct, "losses": np.ones(3)}


def test_verdict_comes_from_the_outcome():
    assert lesson.verdict([_run(0.76), _run(0.73)]) == "trains"
    assert lesson.verdict([_run(0.1), _run(0.1)]) == "stalls"
    assert lesson.verdict([_run(0.4)]) == "partly"
    assert lesson.verdict([_run(0.35, distinct=1)]) == "symmetric"
    assert lesson.verdict([_run(0.8), _run(0.1, finite=False)]) == "diverges"


def test_doctor_flags_glorot_in_deep_relu_and_prescribes_he(fashion):
    (x, y), _ = fashion
    result = lesson.doctor_demo(x[:256], y[:256])
    assert not result["broken"].healthy
    assert any(problem == "vanishing" for _, problem in result["broken"].problems)
    assert result["prescription"] == "he_normal"
    assert result["fixed"].healthy, str(result["fixed"])


@pytest.mark.slow
def test_init_decides_at_depth_30_short_race(fashion):
    names = ("He normal", "Glorot normal (Xavier)", "orthogonal, gain 1", "orthogonal, gain √2")
    results = lesson.race(*fashion, schemes={n: lesson.SCHEMES[n] for n in names}, seeds=(0,), steps=150,
                          progress=False)
    for name in ("He normal", "orthogonal, gain √2"):
        assert results[name][0]["test_accuracy"] > 0.5, (name, results[name][0]["test_accuracy"])
    for name in ("Glorot normal (Xavier)", "orthogonal, gain 1"):
        assert lesson.verdict(results[name]) == "stalls"
        assert np.abs(results[name][0]["losses"] - math.log(10)).max() < 0.02


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("TINYNET_FULL_CAPSTONE") != "1",
                    reason="the README's full race takes minutes: set TINYNET_FULL_CAPSTONE=1")
def test_readme_table_is_the_full_race(fashion):
    results = lesson.race(*fashion, progress=False)
    for name, runs in results.items():
        accs = ", ".join(f"{r['test_accuracy']:.3f}" for r in runs)
        assert quoted(accs), (name, accs)
        assert f"{lesson.verdict(runs)}" in README
    assert {lesson.verdict(results[n]) for n in ("He normal", "orthogonal, gain √2", "LSUV")} == {"trains"}
    assert {lesson.verdict(results[n]) for n in ("zeros", "normal σ=0.01", "LeCun normal",
                                                 "Glorot normal (Xavier)", "orthogonal, gain 1")} == {"stalls"}


_SNIPPET = """
import sys
from tinynet.lessons import load_module
lesson = load_module(sys.argv[1], "15_threads")
train_set, test_set = lesson.data.load_standardized_fashion_mnist()
run = lesson.run(lesson.SCHEMES["He normal"], 0, train_set, test_set, steps=20)
print(repr(run["test_accuracy"]), repr(run["init_ratio"]), [repr(float(v)) for v in run["losses"]])
"""


@pytest.mark.slow
def test_numbers_do_not_depend_on_thread_counts():
    """Twenty steps of the 30-layer race in fresh processes with 1 and 2 BLAS and numba
    threads: the same bits."""
    outputs = stdout_per_thread_count(_SNIPPET, str(Path(lesson.__file__)))
    assert outputs[0] == outputs[1]
