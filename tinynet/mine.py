"""The learner's pieces, found and substituted: behind `tinynet lesson N --mine` and the
lesson exercises that build on earlier ones.

Lessons 1-3 have the learner write an autograd engine (lesson 1: Tensor, its ops and
backward; lesson 2: matmul, Dense, softmax cross-entropy; lesson 3: binary cross-entropy
and the SGD step). Later exercise files and `--mine` runs use that engine:

- ``engine(n)``: the learner's exercises.py of lesson ``n`` as a module, loaded once per
  process (so every user shares one Tensor class).
- ``modules(tn, nn, F, optim)``: in lesson.py, ``tn, nn, F, optim = mine.modules(tn, nn,
  F, optim)``. A plain run gets the four modules back. Under ``tinynet lesson N --mine``
  (``TINYNET_MINE=1``) it returns stand-ins that train on the learner's engine where its
  pieces pass their graders, and on tinynet's elsewhere, after one line per piece saying
  whose code runs.
- ``piece(n, name, default)``: a later lesson's own piece (lesson 5's symmetry measure,
  lesson 7's initializers): the learner's function under --mine when it passes, else
  ``default``.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

_loaded = {}        # file path -> its module, loaded once per process (one Tensor class for all)


def active():
    """True under `tinynet lesson N --mine` (the environment variable TINYNET_MINE=1)."""
    return os.environ.get("TINYNET_MINE") == "1"


def _lesson(n):
    from .lessons import find_lesson
    return find_lesson(n)


def engine(n=1):
    """The learner's exercises.py of lesson ``n``, imported once; if it does not import,
    the reference solution (with one line on stderr saying why)."""
    from .lessons import import_problem, load_module
    path = (_lesson(n).path / "exercises.py").resolve()
    if path not in _loaded:
        try:
            _loaded[path] = load_module(path, f"{n:02d}_mine")
        except Exception as error:  # the learner's file is broken: say so, run on the reference
            print(f"tinynet: lesson {n}'s {import_problem(error)}; using tinynet's reference for it",
                  file=sys.stderr)
            _loaded[path] = reference(n)
    return _loaded[path]


def reference(n):
    """tinynet's reference solution of lesson ``n`` (lessons/solutions/lesson_NN.py)."""
    from .lessons import load_module
    path = (_lesson(n).path.parent / "solutions" / f"lesson_{n:02d}.py").resolve()
    if path not in _loaded:
        _loaded[path] = load_module(path, f"{n:02d}_ref")
    return _loaded[path]
