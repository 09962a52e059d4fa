"""Lesson 14's claims, myth by myth, with the numbers its README quotes."""
import math
import re
from pathlib import Path

import numpy as np
import pytest

from tinynet.lesson_tests import lesson_script, have_fashion_mnist, NO_FASHION_MNIST

lesson = lesson_script(__file__, 14)
README = (Path(__file__).resolve().parent / "README.md").read_text(encoding="utf-8")
README = " ".join(README.split())    # one space between words, whatever the line breaks
needs_data = pytest.mark.skipif(not have_fashion_mnist(), reason=NO_FASHION_MNIST)


def quoted(text):
    return re.search(rf"(?<![\d.]){re.escape(text)}(?![\d])", README) is not None


@pytest.fixture(scope="module")
def fashion():
    return lesson.data.load_standardized_fashion_mnist()


@needs_data
@pytest.mark.slow
def test_myth_1_random_starts_end_alike_and_the_constant_stays_symmetric(fashion):
    result = lesson.myth_local_minima(*fashion, seeds=range(2))     # seeds 0 and 1 of the README's five
    accs = [run["accuracy"] for run in result["runs"]]
    assert max(accs) - min(accs) < 0.03 and min(accs) > 0.8, accs
    assert all(run["monotonic"] for run in result["runs"])
    assert result["constant_distinct"] == 1 and result["constant_accuracy"] < 0.3
    assert quoted(", ".join(f"{a:.3f}" for a in accs)) and quoted(f"{result['constant_accuracy']:.3f}")


def test_myth_2_lecun_uses_fan_in_only():
    rows = lesson.myth_lecun_fans()
    for row in rows:
        assert row["lecun_std"] == pytest.approx(row["one_over_sqrt_fan_in"], rel=0.02)
        assert row["lecun_gain"] == pytest.approx(1.0, abs=0.02)
    assert rows[0]["snippet_gain"] == pytest.approx(2 * 784 / 794)
    for row in rows[:2]:
        assert quoted(f"{row['lecun_std']:.4f}") and quoted(f"{row['snippet_gain']:.3f}")


def test_myth_3_he_covers_plain_relu():
    he = lesson.myth_he_only_prelu()
    assert 0.5 < he[("ReLU", "He")] < 2 and he[("ReLU", "Glorot")] < 1e-3
    assert 0.5 < he[("leaky ReLU 0.2", "He, leaky gain")] < 2
    for key in (("ReLU", "Glorot"), ("ReLU", "He"), ("leaky ReLU 0.2", "He, leaky gain")):
        assert quoted(f"{he[key]:.3g}"), key


@needs_data
@pytest.mark.slow
def test_myth_4_tiny_sigma_fails_beyond_one_layer(fashion):
    tiny = lesson.myth_tiny_sigma(*fashion)
    assert tiny[(1, "σ=0.001")] > 0.75
    assert tiny[(2, "σ=0.001")] < 0.15 and tiny[(3, "σ=0.001")] < 0.15
    assert all(tiny[(d, "He")] > 0.8 for d in (1, 2, 3))
    assert quoted(", ".join(f"{tiny[(d, 'σ=0.001')]:.3f}" for d in (1, 2, 3)))


@needs_data
def test_myth_4_signal_follows_the_prediction(fashion):
    measured, predicted = lesson.myth_tiny_sigma_signal(fashion[0][0][:500])
    assert 1 / 3 < measured / predicted < 3
    assert quoted(f"{measured:.3g}")


@needs_data
def test_myth_5_plus_sign_climbs(fashion):
    curves = lesson.myth_sign(fashion[0])
    assert curves["W - lr·dL/dW"][-1] < curves["W - lr·dL/dW"][0]
    assert curves["W + lr·dL/dW"][-1] > 100 * curves["W + lr·dL/dW"][0]
    assert not math.isfinite(curves["W + dL/dW"][-1]) or curves["W + dL/dW"][-1] > 1e6
    assert quoted(f"{curves['W + lr·dL/dW'][20]:.4g}")


@needs_data
def test_myth_6_normal_takes_loc_and_scale():
    pixels = lesson.data.prepare_images(lesson.data.load_fashion_mnist()[0][0][:256])
    result = lesson.myth_normal_arguments(pixels)
    assert "low" in result["keyword_error"]
    assert result["mean"] == pytest.approx(-result["limit"], rel=0.02)
    assert result["std"] == pytest.approx(result["limit"], rel=0.02)
    assert result["dead_snippet"] > 0.95 and result["dead_intended"] < 0.1


def test_myth_7_uniform_has_std_over_sqrt3():
    result = lesson.myth_uniform_for_normal()
    assert result["drawn_std"] / result["intended_std"] == pytest.approx(1 / math.sqrt(3), rel=0.01)
    assert 1 / 3 < result["ratio"] / result["predicted"] < 3
    assert quoted(f"{result['ratio']:.3g}")


@needs_data
def test_myth_8_768_is_a_shape_error(fashion):
    result = lesson.myth_768(fashion[0])
    assert result["error"] and "768" in result["error"] and "784" in result["error"]
    assert result["reshaped_rows"] == 61250 and quoted("61,250")
