"""The lab's progress display: one line per finished run, readable when a run diverged."""
import io

from tinynet.lab.run import Progress


def test_progress_line_says_diverged_for_a_non_finite_loss():
    stream = io.StringIO()
    progress = Progress(total_runs=2, steps_per_run=10, stream=stream)
    for loss in (float("nan"), 0.25):
        progress.start("random_normal:1 (seed 0)")
        progress.finish({"final_train_loss": loss, "test_accuracy": 0.1, "verdict": "explodes"})
    first, second = stream.getvalue().splitlines()
    assert first.startswith("  [  1/2] random_normal:1 (seed 0)")
    assert "loss  diverged" in first and "nan" not in first
    assert "loss      0.25" in second
