"""The helpers every lesson's tests share: which module is graded, and a learner's crash
turned into a failed check in plain words."""
from pathlib import Path

import numpy as np
import pytest

from tinynet.lesson_tests import call_exercise, graded_module, lesson_script

LESSON_5 = Path(__file__).resolve().parents[1] / "lessons" / "05_constant_symmetry" / "test_exercises.py"


def test_reference_mode_grades_the_reference(monkeypatch):
    monkeypatch.setenv("TINYNET_GRADE", "reference")
    module = graded_module(LESSON_5, 5)
    assert module.__file__.endswith("solutions/lesson_05.py")
    assert module.count_distinct_units(np.full((2, 3), 0.5), 1e-12) == 1


def test_plain_pytest_grades_the_exercises_file(monkeypatch):
    monkeypatch.delenv("TINYNET_GRADE", raising=False)
    module = graded_module(LESSON_5, 5)
    assert module.__file__ == str(LESSON_5.parent / "exercises.py")


def test_lesson_script_imports_without_running_the_experiment(monkeypatch, tmp_path):
    monkeypatch.setenv("TINYNET_OUT", str(tmp_path / "out"))
    script = lesson_script(LESSON_5, 5)
    assert script.unit_spread(np.full((2, 3), 0.5)) == 0.0
    assert not (tmp_path / "out").exists()        # main() did not run: no figures written


def test_a_stub_stays_not_implemented():
    def stub(x):
        raise NotImplementedError("fill me in")
    with pytest.raises(NotImplementedError, match="fill me in"):
        call_exercise(stub, 1)


def test_a_crash_becomes_a_failed_check_naming_the_call():
    def layer_stds(x, kernels, rng=None):
        return x @ kernels[0]                      # (4, 3) @ (2, 2): a shape error
    with pytest.raises(AssertionError) as caught:
        call_exercise(layer_stds, np.zeros((4, 3)), [np.zeros((2, 2))], rng=np.random.default_rng(0))
    message = str(caught.value)
    assert message.startswith("layer_stds(array(shape=(4, 3), dtype=float64), "
                              "[array(shape=(2, 2), dtype=float64)], rng=rng) raised ValueError: ")
    assert "(test_lesson_tests.py line " in message and "return x @ kernels[0]" in message, message
    assert "\n" not in message


def test_overflow_in_learner_code_is_not_a_warning():
    def overflowing():
        return np.exp(np.float32(1000))
    with np.testing.assert_no_warnings():
        assert np.isinf(call_exercise(overflowing))
