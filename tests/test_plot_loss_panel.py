"""plot.loss_panel, the training-loss figure of lessons 12 and 13: one line per run that
trained, the legend naming a diverged run and a note giving its loss at init and the step
it turned non-finite, ln 10 drawn, the axis from 0 to 3.5."""
import numpy as np

from tinynet import plot


def test_runs_are_drawn_and_a_diverged_run_is_named_not_drawn():
    runs = {"He": {"diverged": False, "losses": np.linspace(2.5, 0.5, 20), "test_accuracy": 0.774},
            "bug": {"diverged": True, "losses": np.array([12680.0, np.inf, np.nan]), "initial_loss": 12680.0,
                    "diverged_at": 1},
            "Glorot": {"diverged": False, "losses": np.linspace(2.3, 0.8, 20), "test_accuracy": 0.7}}
    fig, ax = plot.plt.subplots()
    try:
        plot.loss_panel(ax, runs, fontsize=7)
        lines = ax.get_lines()
        assert [len(line.get_xdata()) for line in lines] == [20, 0, 20, 2]    # the diverged run: no points
        np.testing.assert_array_equal(lines[0].get_ydata(), runs["He"]["losses"])
        assert np.allclose(lines[3].get_ydata(), np.log(10))
        legend = [t.get_text() for t in ax.get_legend().get_texts()]
        assert legend == ["He (test acc 0.77)", "bug: diverged", "Glorot (test acc 0.70)", "ln 10 (uniform guess)"]
        assert {t.get_fontsize() for t in ax.get_legend().get_texts()} == {7}
        assert [t.get_text() for t in ax.texts] == ["bug: loss 1.27e+04 at init, non-finite at step 1 (off the chart)"]
        assert ax.get_ylim() == (0, 3.5)
        assert ax.get_xlabel() == "step (batch 64)" and ax.get_ylabel() == "training loss"
    finally:
        plot.plt.close(fig)
