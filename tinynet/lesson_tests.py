"""What every lesson's tests share: which module a grader grades, how a learner's function
is called, how a test reaches its lesson's script, and whether the real data is here.

Each ``lessons/NN_name/test_exercises.py`` grades one module. Under plain ``pytest`` that is
the reference solution ``lessons/solutions/lesson_NN.py`` (so the project's suite stays
green while the learner's stubs are untouched); with ``TINYNET_GRADE=learner`` it is the
learner's own ``exercises.py`` next to the grader. ``tinynet check N`` does not go through
here: it loads the learner's file itself and calls the grader's ``EXERCISES`` on it.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from .lessons import load_module


def graded_module(test_file, number):
    """The module the grader in ``test_file`` grades: the reference or the learner's file."""
    lesson_dir = Path(test_file).resolve().parent
    if os.environ.get("TINYNET_GRADE") == "learner":
        path = lesson_dir / "exercises.py"
    else:
        path = lesson_dir.parent / "solutions" / f"lesson_{number:02d}.py"
    return load_module(path, f"{number:02d}_graded")


def lesson_script(test_file, number):
    """The lesson's ``lesson.py`` (next to ``test_file``) imported as a module, its cells
    guarded by ``if __name__ == "__main__"`` so importing measures nothing by itself."""
    return load_module(Path(test_file).resolve().parent / "lesson.py", f"{number:02d}_lesson")


def _shown(value, limit=60):
    """A short description of an argument for an error message (no 10,000-number arrays)."""
    if isinstance(value, np.random.Generator):
        return "rng"
    if isinstance(value, np.ndarray):
        return f"array(shape={value.shape}, dtype={value.dtype})"
    if isinstance(value, (list, tuple)):
        inner = ", ".join(_shown(v, limit) for v in value[:3]) + (", ..." if len(value) > 3 else "")
        text = f"[{inner}]" if isinstance(value, list) else f"({inner}{',' if len(value) == 1 else ''})"
    else:
        text = repr(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def call_exercise(fn, *args, **kwargs):
    """Call the learner's ``fn``: a stub's NotImplementedError passes through (the exercise is
    "not implemented yet"); any other crash becomes an AssertionError in plain words (the
    exercise failed), naming the call. Floating-point warnings are silenced because a wrong
    formula may well overflow, and the grader then says what is wrong in its own words."""
    try:
        with np.errstate(all="ignore"):
            return fn(*args, **kwargs)
    except NotImplementedError:
        raise
    except Exception as error:
        shown = ", ".join([_shown(a) for a in args] + [f"{k}={_shown(v)}" for k, v in kwargs.items()])
        name = getattr(fn, "__name__", "your function")
        raise AssertionError(f"{name}({shown}) raised {type(error).__name__}: {error}") from None


def have_fashion_mnist():
    """True when Fashion-MNIST's four files are on this machine, in any of the places
    ``tinynet.data.load_fashion_mnist`` searches (nothing is read or downloaded)."""
    from .data import datasets
    return datasets.locate(datasets.FASHION_MNIST) is not None


NO_FASHION_MNIST = "Fashion-MNIST not found (apt-get install dataset-fashion-mnist, or see `tinynet.data`)"
