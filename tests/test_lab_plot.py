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


def _png_size(path):
    with open(path, "rb") as f:
        header = f.read(24)
    return int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")


def test_save_trims_to_a_legend_beside_the_axes_unless_told_not_to(tmp_path):
    def figure():
        fig, ax = plt.subplots(figsize=(4, 3))
        ax.plot([0, 1], label="a label long enough to stick out of the page")
        ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5))
        return fig
    trimmed = _png_size(plot.save(figure(), tmp_path / "trimmed.png", dpi=100))
    page = _png_size(plot.save(figure(), tmp_path / "page.png", dpi=100, trim=False))
    assert page == (400, 300)
    assert trimmed[0] > 400          # the legend is kept


def test_histograms_laid_out_by_tight_layout_are_saved_as_their_page(tmp_path):
    rng = np.random.default_rng(1)
    layers = [np.maximum(rng.standard_normal(300), 0) for _ in range(3)]
    path = plot.activation_histograms({f"scheme {i}": layers for i in range(4)}, tmp_path / "h.png")
    assert _png_size(path) == (round(5.2 * 3 * 110), round(3.6 * 2 * 110))   # 3 x 2 panels, dpi 110
