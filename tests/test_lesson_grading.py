"""Grading stops an exercise that never ends: `tinynet check N` (and pytest through
lessons/conftest.py) report it as failed after tinynet.lessons.EXERCISE_TIMEOUT seconds,
in words, and the next exercise is graded as usual."""
import threading
import time

from tinynet import lessons as L


def _never_ends(impl):
    while True:
        try:
            time.sleep(0.01)
        except Exception:  # a learner's broad except must not swallow the time limit
            pass


def test_an_endless_exercise_fails_after_the_time_limit(monkeypatch):
    monkeypatch.setattr(L, "EXERCISE_TIMEOUT", 0.3)
    started = time.perf_counter()
    result = L.run_check(_never_ends, None)
    assert time.perf_counter() - started < 5
    assert result.status == L.FAILED
    assert result.message == "took longer than 0.3 s: is there a loop that never ends?"
    assert L.run_check(lambda impl: None, None).status == L.PASSED     # the alarm is off again


def test_outside_the_main_thread_there_is_no_limit(monkeypatch):
    monkeypatch.setattr(L, "EXERCISE_TIMEOUT", 0.05)
    results = []
    worker = threading.Thread(target=lambda: results.append(L.run_check(lambda impl: time.sleep(0.2), None)))
    worker.start()
    worker.join()
    assert results[0].status == L.PASSED


def test_an_inner_limit_gives_the_outer_one_back(monkeypatch):
    import signal

    monkeypatch.setattr(L, "EXERCISE_TIMEOUT", 5)
    with L.time_limit(20):
        with L.time_limit(1):
            pass
        left, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 15 < left <= 20
    assert signal.getitimer(signal.ITIMER_REAL)[0] == 0


# --------------------------------------------------------------------------- pytest, as a learner runs it
import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

LESSONS = Path(__file__).resolve().parents[1] / "lessons"


def _pytest_lesson_1(tmp_path, exercises_text):
    tree = tmp_path / "lessons"
    shutil.rmtree(tree, ignore_errors=True)
    shutil.copytree(LESSONS / "01_autograd", tree / "01_autograd", ignore=shutil.ignore_patterns("out", "__pycache__"))
    shutil.copyfile(LESSONS / "conftest.py", tree / "conftest.py")
    (tree / "01_autograd" / "exercises.py").write_text(exercises_text, encoding="utf-8")
    env = {k: v for k, v in __import__("os").environ.items() if k != "TINYNET_GRADE"}
    run = subprocess.run([sys.executable, "-m", "pytest", str(tree / "01_autograd" / "test_exercises.py"), "-q",
                          "-p", "no:cacheprovider", "--import-mode=importlib"],
                         capture_output=True, text=True, env=env, cwd=tree)
    return run.stdout + run.stderr


@pytest.mark.slow
def test_pytest_shows_each_failure_once_and_import_errors_as_tinynet_check(tmp_path):
    reference = (LESSONS / "solutions" / "lesson_01.py").read_text(encoding="utf-8")
    forward_order = reference.replace("    for node in reversed(order):", "    for node in order:")
    assert forward_order != reference
    out = _pytest_lesson_1(tmp_path, forward_order)
    assert "1 failed, 14 passed" in out, out
    assert "During handling of the above exception" not in out, out
    # once in the failure's report; pytest's one-line summary (-ra) may repeat it, cut to the terminal width
    report = out.split("short test summary info")[0]
    assert report.count("the rules ran in forward order, from the inputs up, so each one passed on a grad that "
                        "was still zero") == 1, out
    out = _pytest_lesson_1(tmp_path, reference + "\ndef broken(:\n")
    assert "15 failed" in out and "your code raised" not in out, out
    assert "exercises.py does not import: SyntaxError line" in out, out


def test_lessons_says_once_that_a_broken_lesson_1_is_replaced(tmp_path, monkeypatch, capsys):
    """Lessons 2 and 3 load lesson 1's file too: its warning is printed once, after the table."""
    from tinynet.cli import main

    tree = tmp_path / "lessons"
    for folder in ("01_autograd", "02_dense_backprop", "03_training_mlp"):
        shutil.copytree(LESSONS / folder, tree / folder, ignore=shutil.ignore_patterns("out", "__pycache__"))
    shutil.copytree(LESSONS / "solutions", tree / "solutions", ignore=shutil.ignore_patterns("__pycache__"))
    (tree / "01_autograd" / "exercises.py").write_text("def broken(:\n", encoding="utf-8")
    monkeypatch.setenv("TINYNET_LESSONS", str(tree))
    assert main(["lessons"]) == 0
    out, err = capsys.readouterr()
    assert "exercises.py does not import: SyntaxError line 1" in out
    assert err.count("using tinynet's reference for it") == 1, err
    assert "Traceback" not in out + err
