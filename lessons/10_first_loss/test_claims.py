"""Lesson 10's claims: the first loss of a network that knows nothing is ln K; small or
equal logits give it, large random ones exceed it as ln K + s_w²/2 predicts on average;
shrinking the output kernel brings He's first loss down to ln 10; on a long-tailed set the
log-prior bias starts the loss at H(prior) and removes the plateau a zero bias spends
learning the class frequencies. The numbers the README quotes are checked against the run."""
import re
from pathlib import Path

import numpy as np
import pytest

from tinynet.lesson_tests import lesson_script, have_fashion_mnist, NO_FASHION_MNIST

lesson = lesson_script(__file__, 10)
README = (Path(__file__).resolve().parent / "README.md").read_text(encoding="utf-8")
README = " ".join(README.split())    # one space between words, whatever the line breaks
LN10 = float(np.log(10))

pytestmark = pytest.mark.skipif(not have_fashion_mnist(), reason=NO_FASHION_MNIST)


def quoted(text):
    """The README quotes ``text`` (a number as the lesson formats it)."""
    return re.search(rf"(?<![\d.]){re.escape(text)}(?![\d])", README) is not None


@pytest.fixture(scope="module")
def fashion():
    (x_train, y_train), _ = lesson.data.load_standardized_fashion_mnist()
    return x_train, y_train


def test_first_loss_of_each_scheme(fashion):
    x, y = fashion[0][:2000], fashion[1][:2000]
    losses = lesson.initial_losses(x, y)
    assert abs(losses["zeros"][0] - LN10) < 1e-6
    assert abs(losses["normal σ=0.01"][0] - LN10) < 1e-4
    assert LN10 < losses["Glorot"][0] < losses["He"][0] < losses["normal σ=1"][0]
    assert losses["normal σ=1"][0] > 1000
    exact = lesson.initial_losses(x, y, dtype=np.float64)["constant 0.5"]
    assert abs(exact[0] - LN10) < 1e-6 and exact[2] > 1e8       # equal huge logits, uniform softmax
    for name in ("LeCun", "Glorot"):
        assert quoted(f"{losses[name][0]:.3f}") and quoted(f"{losses[name][1]:.3f}"), name
    assert quoted(f"{losses['He'][0]:.2f}") and quoted(f"{losses['He'][3]:.3f}")


def test_shrinking_the_output_kernel_gives_ln_k(fashion):
    x, y = fashion[0][:2000], fashion[1][:2000]
    sweep = lesson.output_scale_sweep(x, y)
    assert abs(sweep[0.0] - LN10) < 1e-6
    assert all(abs(sweep[f] - LN10) < 0.02 for f in (0.1, 0.01))
    assert sweep[1.0] > LN10 + 0.2
    for factor, loss in sweep.items():
        assert quoted(f"{loss:.4f}"), (factor, loss)


@pytest.mark.slow
def test_second_order_prediction_holds_on_average(fashion):
    x, y = fashion[0][:2000], fashion[1][:2000]
    averaged = lesson.prediction_over_seeds(x, y)
    for name in ("LeCun", "Glorot"):
        loss, predicted, _ = averaged[name]
        assert abs(loss - predicted) < 0.02, (name, loss, predicted)
        assert quoted(f"{loss:.4f}") and quoted(f"{predicted:.4f}"), name


@pytest.mark.slow
def test_prior_bias_removes_the_hockey_stick(fashion):
    xi, yi = lesson.imbalanced_subset(*fashion)
    entropy = lesson.prior_entropy(yi)
    assert abs(entropy - 1.3774) < 1e-4 and quoted(f"{entropy:.3f}")
    curves = lesson.hockey_stick(xi, yi, seeds=(0,))          # seed 0 of the README's three
    steps = {name: lesson.first_step_below(runs[0], entropy) for name, runs in curves.items()}
    assert steps["output kernel x0.01, bias log prior"] == 0
    assert steps["output kernel x0.01, bias 0"] >= 15, steps
    assert steps["He, output bias 0"] <= 6, steps
    assert abs(curves["output kernel x0.01, bias 0"][0, 0] - LN10) < 0.01
    for name, runs in curves.items():
        assert quoted(f"{runs[0, -50:].mean():.3f}"), (name, runs[0, -50:].mean())
