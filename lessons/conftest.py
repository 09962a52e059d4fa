"""pytest, as a learner expects it: ``pytest lessons/NN_name/`` grades your exercises.py.

In a lesson's test_exercises.py an untouched stub (NotImplementedError) is SKIPPED as
"not implemented yet", a wrong answer FAILS with the grader's diagnosis only (no
traceback into the grader), a crash in your code fails naming your file and line, an
exercises.py that does not import fails with the same line as `tinynet check N`, and an
exercise that runs longer than 30 s fails ("is there a loop that never ends?").
"""
from pathlib import Path

import pytest

from tinynet.lessons import FAILED, NOT_IMPLEMENTED, ExerciseTimeout, classify, time_limit


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    if Path(str(pyfuncitem.path)).name != "test_exercises.py":
        return None
    names = pyfuncitem._fixtureinfo.argnames
    outcome = None
    try:
        with time_limit():
            pyfuncitem.obj(**{name: pyfuncitem.funcargs[name] for name in names})
    except (pytest.skip.Exception, pytest.fail.Exception):
        raise
    except (Exception, ExerciseTimeout) as error:  # the grader's words, not a traceback through the grader
        outcome = classify(error, Path(str(pyfuncitem.path)).with_name("exercises.py"))
    # skip or fail outside the except block: pytest then shows the message once, with no
    # "During handling of the above exception" and the grader's traceback under it
    if outcome is not None:
        status, message = outcome
        if status == NOT_IMPLEMENTED:
            pytest.skip(message if message.startswith(NOT_IMPLEMENTED) else f"{NOT_IMPLEMENTED}: {message}")
        assert status == FAILED
        pytest.fail(message, pytrace=False)
    return True
