"""doctor(): flags what the lessons demonstrate, and nothing on a healthy network."""
import numpy as np

import tinynet as tn
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
