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
