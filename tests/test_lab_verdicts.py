"""The lab's verdicts on the default setting agree with the literature, from the measurements.

One seed per scheme of the default comparison (spirals, 5 x 64, full batch, 300 steps of
SGD with momentum), plus the tanh variant for Glorot, is enough to check each claim.
"""
import json
import math
import os

import numpy as np
import pytest

from tinynet.lab import CompareConfig, compare

pytestmark = pytest.mark.slow

RELU_SCHEMES = "zeros,constant:0.5,random_normal:0.01,random_normal:1,he_normal"


@pytest.fixture(scope="module")
def relu(tmp_path_factory):
    out = tmp_path_factory.mktemp("lab-relu")
    return compare(CompareConfig(inits=RELU_SCHEMES, seeds=1, out=str(out)), progress=False)


@pytest.fixture(scope="module")
def tanh():
    return compare(CompareConfig(inits="zeros,random_normal:1,glorot_uniform", activation="tanh", seeds=1),
                   progress=False, write=False)


def _run(comparison, label):
    (run,) = [r for r in comparison.runs if r["scheme"] == label]
    return run


def test_default_setting_is_deep_enough():
    cfg = CompareConfig()
    assert cfg.depth >= 5 and cfg.dataset == "spirals" and cfg.seeds == 3 and len(cfg.schemes) == 11


@pytest.mark.parametrize("which", ["relu", "tanh"])
def test_zeros_stall_with_exactly_zero_gradients_at_ln_k(which, request):
    comparison = request.getfixturevalue(which)
    run = _run(comparison, "zeros")
    assert run["verdict"] == "stalls"
    assert all(layer["grad_w_max"] == 0.0 for layer in run["init_layers"][:-1])
    ln_k = math.log(3)
    assert run["initial_loss"] == pytest.approx(ln_k, abs=1e-12)
    assert run["final_train_loss"] == pytest.approx(ln_k, abs=1e-9)   # balanced classes: nothing to learn
    assert run["steps_to_threshold"] is None


def test_constant_is_symmetric_one_unit_per_layer(relu):
    run = _run(relu, "constant:0.5")
    assert run["verdict"] == "symmetric"
    assert run["distinct_units"] == [1] * 5
    assert all(layer["distinct_units"] == 1 for layer in run["init_layers"])


def test_small_random_weights_vanish_at_depth_5(relu):
    run = _run(relu, "random_normal:0.01")
    assert run["verdict"] == "vanishes"
    hidden = run["init_layers"][:-1]
    # each ReLU layer multiplies the std by about 0.01 * sqrt(64 / 2) = 0.057: four layers, ~1e-5
    assert hidden[-1]["act_std"] / hidden[0]["act_std"] < 1e-3
    assert run["distinct_units"] == [64] * 5


def test_large_random_weights_explode(relu, tanh):
    run = _run(relu, "random_normal:1")
    assert run["verdict"] == "explodes"
    hidden = run["init_layers"][:-1]
    assert hidden[-1]["preact_std"] / hidden[0]["preact_std"] > 100    # x sqrt(64/2) = 5.7 per layer
    saturated = _run(tanh, "random_normal:1")
    assert saturated["verdict"] == "explodes"
    assert np.mean([layer["saturation"] for layer in saturated["init_layers"][1:-1]]) > 0.5


def test_he_with_relu_and_glorot_with_tanh_converge(relu, tanh):
    for run in (_run(relu, "he_normal"), _run(tanh, "glorot_uniform")):
        assert run["verdict"] == "converges"
        assert run["steps_to_threshold"] is not None
        assert run["final_train_loss"] < 0.5 * math.log(3)
        assert run["test_accuracy"] > 0.8


def test_results_json_and_figures_are_written(relu):
    files = relu.files
    assert set(files) == {"results", "table", "loss_curves", "depth_profile", "activation_histograms", "report_html"}
    for key in ("loss_curves", "depth_profile", "activation_histograms"):
        with open(files[key], "rb") as f:
            assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    with open(files["results"]) as f:
        saved = json.load(f)
    assert saved["settings"]["depth"] == 5 and saved["settings"]["inits"] == RELU_SCHEMES.split(",")
    assert [s for s in saved["summaries"]] == RELU_SCHEMES.split(",")
    assert saved["summaries"]["he_normal"]["verdict"] == "converges"
    he = _run(relu, "he_normal")
    saved_he = [r for r in saved["runs"] if r["scheme"] == "he_normal"][0]
    assert saved_he["final_train_loss"] == he["final_train_loss"]
    assert saved_he["loss_curve"] == he["loss_curve"]
    # the diverged run's non-finite losses are stored as null, so the file stays strict JSON
    assert not any(name.startswith(".tinynet-") for name in os.listdir(os.path.dirname(files["results"])))
    with open(files["table"], encoding="utf-8") as f:
        table = f.read()
    for label in RELU_SCHEMES.split(","):
        assert label in table
    (exploded,) = [line for line in table.splitlines() if line.startswith("random_normal:1 ")]
    assert "diverged" in exploded and "nan" not in exploded    # a word, not "nan ± nan"
