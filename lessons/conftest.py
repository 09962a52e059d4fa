"""pytest, as a learner expects it: ``pytest lessons/NN_name/`` grades your exercises.py.

In a lesson's test_exercises.py an untouched stub (NotImplementedError) is SKIPPED as
"not implemented yet", a wrong answer FAILS with the grader's diagnosis only (no
traceback into the grader), and a crash in your code fails naming your file and line.
"""
from pathlib import Path

import pytest

from tinynet.lessons import FAILED, NOT_IMPLEMENTED, classify


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    if Path(str(pyfuncitem.path)).name != "test_exercises.py":
        return None
    names = pyfuncitem._fixtureinfo.argnames
    try:
        pyfuncitem.obj(**{name: pyfuncitem.funcargs[name] for name in names})
    except (pytest.skip.Exception, pytest.fail.Exception):
        raise
    except Exception as error:  # the grader's words, not a traceback through the grader
        status, message = classify(error, Path(str(pyfuncitem.path)).with_name("exercises.py"))
        if status == NOT_IMPLEMENTED:
            pytest.skip(message if message.startswith(NOT_IMPLEMENTED) else f"{NOT_IMPLEMENTED}: {message}")
        assert status == FAILED
        pytest.fail(message, pytrace=False)
    return True
