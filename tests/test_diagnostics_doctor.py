"""doctor(): flags what the lessons demonstrate, and nothing on a healthy network."""
import numpy as np
import pytest

import tinynet as tn
import tinynet.diagnostics  # noqa: F401  (tn.diagnostics)
from tinynet import nn
from tinynet.diagnostics import doctor


def _mlp(kernel, act="relu", depth=20, width=128, n_in=64, seed=0):
    tn.manual_seed(seed)
    layers = [nn.Dense(n_in if i == 0 else width, width, activation=act, kernel_initializer=kernel)
              for i in range(depth)]
    return nn.Sequential(*layers, nn.Dense(width, 10, kernel_initializer="glorot_uniform"))


X = np.random.default_rng(0).standard_normal((256, 64)).astype(np.float32)


def test_glorot_on_deep_relu_vanishes_and_he_is_recommended():
    report = doctor(_mlp("glorot_uniform"), X)
    assert not report.healthy
    deep = report.layers[10:20]          # Glorot with ReLU halves the variance per layer: 0.5^10 by layer 11
    assert all("vanishing" in d.problems for d in deep)
    assert all(d.activation_ratio < 0.1 for d in deep)
    relu_layers = [d for d in report.layers if d.stats.activation == "relu"]
    assert {d.recommended for d in relu_layers} == {"he_normal"}
    text = str(report)
    assert "vanishing" in text and "he_normal" in text and "He et al. 2015" in text


def test_he_on_deep_relu_is_healthy():
    report = doctor(_mlp("he_normal"), X)
    assert report.healthy, str(report)
    assert report.problems == []
    assert all(0.3 < d.activation_ratio < 3 for d in report.layers[:-1])
    assert "All layers healthy" in str(report)


def test_constant_init_is_symmetric():
    report = doctor(_mlp({"class_name": "Constant", "config": {"value": 0.01}}, act="tanh", depth=3, width=16), X)
    assert all("symmetric" in d.problems for d in report.layers[:-1])


def test_large_tanh_weights_saturate_and_glorot_is_recommended():
    report = doctor(_mlp({"class_name": "RandomNormal", "config": {"stddev": 1.0}}, act="tanh", depth=6, width=128), X)
    assert all("saturated" in d.problems for d in report.layers[1:-1])
    assert report.layers[1].recommended == "glorot_uniform"


# ----------------------------------------------------------------- overflow (inf/nan statistics)
def _raw_normal_mlp(std, depth, width, n_in=64):
    return _mlp({"class_name": "RandomNormal", "config": {"stddev": std}}, depth=depth, width=width, n_in=n_in)


def test_an_overflow_is_exploding_never_healthy():
    """`tinynet doctor --init random_normal:1e60 --depth 3 --width 8` printed nan stds and
    'All layers healthy'."""
    report = doctor(_raw_normal_mlp(1e60, depth=3, width=8), X)
    assert not report.healthy
    for d in report.layers:
        assert d.problems[0] == "exploding (overflowed to inf/nan at layer 0)", d.problems
    assert "All layers healthy" not in str(report)


def test_deep_overflow_names_the_first_overflowed_layer_and_nothing_vanishes():
    """`--init random_normal:1 --depth 80 --width 64` labelled layers 49-79 and layer 0 'vanishing'."""
    report = doctor(_raw_normal_mlp(1.0, depth=80, width=64), X)
    stats = [d.stats for d in report.layers]
    k = next(i for i, s in enumerate(stats) if not np.isfinite(s.act_std))
    assert 0 < k < 80
    assert all(d.problems[0] == f"exploding (overflowed to inf/nan at layer {k})" for d in report.layers[k:])
    assert all("vanishing" not in d.problems for d in report.layers)
    assert all(d.problems == ["exploding"] for d in report.layers[2:k] if "dead" not in d.problems)


def test_doctor_warns_nothing_on_overflow(recwarn):
    doctor(_raw_normal_mlp(1e60, depth=3, width=8), X)
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


def test_doctor_refuses_a_batch_with_nan():
    bad = X.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="contains inf or nan; check the data first"):
        doctor(_mlp("he_normal", depth=2, width=8), bad)


def test_doctor_and_the_lab_verdict_share_one_rule():
    """Both call diagnostics.rules.scale_problem (the same function object)."""
    import importlib

    from tinynet.diagnostics import rules

    lab_verdict = importlib.import_module("tinynet.lab.verdict")
    doctor_module = importlib.import_module("tinynet.diagnostics.doctor")

    assert lab_verdict.scale_problem is rules.scale_problem
    assert doctor_module.scale_problem is rules.scale_problem
    assert rules.scale_problem(float("nan"), 1.0) == "exploding"
    assert rules.scale_problem(1.0, float("inf")) == "exploding"
    assert rules.scale_problem(20.0, 1.0) == "exploding" and rules.scale_problem(0.05, 1.0) == "vanishing"
    assert rules.scale_problem(1.0, 1.0) is None and rules.scale_problem(None, 1.0) is None


def test_lab_verdict_of_an_overflow_at_initialization_is_explodes():
    from tinynet.lab.verdict import verdict

    layer = {"grad_w_max": 1.0, "fan_out": 8, "preact_std": 1.0, "act_std": 1.0, "grad_z_std": 1.0,
             "grad_w_std": 1.0, "saturation": None}
    nan_layer = dict(layer, preact_std=float("nan"), act_std=float("nan"))
    m = {"init_layers": [layer, nan_layer, nan_layer, layer], "distinct_units": [8, 8, 8], "diverged": False,
         "loss_curve": [1.0], "steps_to_threshold": 3, "threshold": 0.5}
    word, reason = verdict(m)
    assert word == "explodes" and "overflowed to inf/nan at layer 1" in reason


def test_doctor_accepts_a_tensor_as_well_as_an_array():
    model = _mlp("he_normal", depth=2, width=8)
    a, t = doctor(model, X), doctor(model, tn.Tensor(X))
    assert [d.activation_ratio for d in a.layers] == [d.activation_ratio for d in t.layers]


@pytest.mark.slow
def test_the_reported_doctor_commands_name_the_overflow():
    """The two commands from the bug report, run as a user runs them."""
    import subprocess
    import sys

    def run(*args):
        done = subprocess.run([sys.executable, "-m", "tinynet", "doctor", *args], capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout, done.stderr

    out, err = run("--init", "random_normal:1e60", "--depth", "3", "--width", "8")
    assert "All layers healthy" not in out and "exploding (overflowed to inf/nan at layer 0)" in out
    assert "RuntimeWarning" not in err
    out, err = run("--init", "random_normal:1", "--depth", "80", "--width", "64")
    assert "vanishing" not in out and "overflowed to inf/nan at layer" in out
    assert "RuntimeWarning" not in err


def test_a_conv_layer_is_measured_per_channel():
    tn.manual_seed(0)
    model = nn.Sequential(nn.Conv2D(1, 4, 3, activation="relu", kernel_initializer="he_normal"), nn.Flatten(),
                          nn.Dense(4 * 4 * 4, 3))
    x = np.random.default_rng(0).standard_normal((8, 6, 6, 1)).astype(np.float32)
    conv = tn.diagnostics.layer_statistics(model, x)[0]
    assert (conv.fan_in, conv.fan_out, conv.distinct_units) == (9, 4, 4)     # 3x3x1 weights per channel
    assert 0.0 <= conv.dead_fraction <= 1.0
    assert doctor(model, x).layers[0].stats.fan_out == 4
