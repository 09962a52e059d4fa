"""plot: every figure is a valid PNG, and save() never leaves a half-written file."""
import os

import matplotlib.pyplot as plt
import numpy as np
import pytest

pytestmark = pytest.mark.slow   # matplotlib figures take a few seconds

from tinynet import plot

PNG = b"\x89PNG\r\n\x1a\n"


def _is_png(path):
    with open(path, "rb") as f:
        return f.read(8) == PNG


def test_figures_are_png(tmp_path):
    rng = np.random.default_rng(0)
    curves = {"he_normal": [list(np.exp(-np.arange(50) / 10)), list(np.exp(-np.arange(50) / 12))],
              "diverged": [1.0, 10.0, float("inf"), float("nan")],
              "zeros": [np.log(3)] * 50}
    assert _is_png(plot.loss_curves(curves, tmp_path / "loss.png", reference=np.log(3), threshold=0.5))
    profile = {"he": {"act_std": [1.0, 0.9, 1.1], "grad_std": [0.1, 0.1, 0.1]},
               "zeros": {"act_std": [0.0, 0.0, 0.0], "grad_std": [None, None, None]}}
    assert _is_png(plot.depth_profile(profile, tmp_path / "depth.png"))
    layers = [np.maximum(rng.standard_normal(500) * s, 0) for s in (1.0, 0.1, 0.01)]
    assert _is_png(plot.activation_histograms({"relu": layers, "zeros": [np.zeros(10)] * 3,
                                               "tanh": [np.tanh(rng.standard_normal(500))]},
                                              tmp_path / "hist.png"))
    assert _is_png(plot.activation_histograms(layers, tmp_path / "single.png"))
    assert sorted(os.listdir(tmp_path)) == ["depth.png", "hist.png", "loss.png", "single.png"]


def test_save_is_atomic(tmp_path, monkeypatch):
    target = tmp_path / "figure.png"
    target.write_bytes(b"previous figure")
    fig, ax = plt.subplots()
    ax.plot([0, 1])

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(fig, "savefig", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        plot.save(fig, target)
    assert target.read_bytes() == b"previous figure"
    assert os.listdir(tmp_path) == ["figure.png"]     # no temporary file left behind
    fig2, ax2 = plt.subplots()
    ax2.plot([0, 1])
    plot.save(fig2, target)
    assert _is_png(target)
    umask = os.umask(0)
    os.umask(umask)
    assert os.stat(target).st_mode & 0o777 == 0o666 & ~umask    # not the temporary file's 0600
