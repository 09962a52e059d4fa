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
- ``pieces(n, *names)``: in lesson.py, ``PIECES = mine.pieces(10, "expected_initial_loss",
  "prior_bias")``, then ``PIECES.prior_bias(...)``: lesson ``n``'s exercises ``names``,
  each the learner's under --mine where it passes its grader, else tinynet's reference
  solution (the only code a plain run uses).
- ``piece(n, name, default)``: one piece with the lesson's own ``default`` (lesson 5's
  symmetry measure, lesson 12's conv_fans): the learner's function under --mine when it
  passes, else ``default``.
- ``ran(functions, reference)``: the line a lesson prints where such a piece runs, saying
  whose code it was ("code that ran: glorot_uniform yours, lecun_normal tinynet's ...").
"""
from __future__ import annotations

import os
import re
import sys
from types import SimpleNamespace

_loaded = {}        # file path -> its module, loaded once per process (one Tensor class for all)

#: what a lesson.py that substitutes the learner's pieces contains (`tinynet lesson N --mine`
#: says when a lesson has none of it)
WIRING = re.compile(r"mine\.(modules|pieces?)\(")


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


# --------------------------------------------------------------------------- whose code runs
# Each piece: (label, lesson, exercises it consists of). A piece is the learner's when all
# of its exercises pass their grader; otherwise tinynet's reference runs in its place.
PIECES = (
    ("engine", 1, ("unbroadcast", "add", "mul", "neg", "div", "pow", "exp", "log", "tanh", "relu",
                   "sum", "mean", "backward")),
    ("Dense", 2, ("matmul", "Dense")),
    ("softmax cross-entropy", 2, ("softmax_cross_entropy",)),
    ("binary cross-entropy", 3, ("bce_with_logits",)),
    ("SGD step", 3, ("sgd_step",)),
)
_said = set()          # lines already printed in this process (lesson 4 also runs lesson 3's file)
_grades = {}


def say(line):
    """Print one 'whose code runs' line, once per process."""
    if line not in _said:
        _said.add(line)
        print(line, flush=True)


def _results(n):
    """{exercise: Result} of the learner's lesson-``n`` file (graded once per process)."""
    if n not in _grades:
        from .lessons import LessonError, grade
        try:
            _grades[n] = {r.exercise: r for r in grade(_lesson(n))}
        except LessonError as error:
            _grades[n] = {"(grader)": type("R", (), {"status": "failed", "message": str(error)})()}
    return _grades[n]


def finished(n, exercises):
    """(True, "") when every one of ``exercises`` of lesson ``n`` passes, else (False, why):
    "lesson 8 not done (not implemented yet)" for a one-exercise piece, "lesson 1 not done
    (3 of 13 pass; div: not implemented yet)" for a piece of several."""
    from .lessons import FAILED, PASSED
    results = _results(n)
    passing = [name for name in exercises if name in results and results[name].status == PASSED]
    if len(passing) == len(exercises):
        return True, ""
    first = next(name for name in exercises if name not in passing)
    result = results.get(first) or results.get("(grader)")
    broken = result is not None and result.status == FAILED and "does not import" in result.message
    if result is None:
        status = "not in exercises.py"
    elif broken:
        status = result.message.split("\n")[0]                 # the file itself is broken: say how
    elif result.status == FAILED:
        status = f"fails `tinynet check {n}`"
    else:
        status = result.status
    if len(exercises) == 1 or broken:
        return False, f"lesson {n} not done ({status})"
    return False, f"lesson {n} not done ({len(passing)} of {len(exercises)} pass; {first}: {status})"


class Kit:
    """The engine a `--mine` run trains on: the learner's pieces where they pass, tinynet's
    reference pieces (lessons/solutions) elsewhere, wired to one Tensor class."""

    def __init__(self):
        self.whose = {}
        self.pending_hooks = []          # (z, fn) of z.register_hook(fn), until the loss's backward
        mine_engine, why = finished(1, PIECES[0][2])
        self.engine = engine(1) if mine_engine else reference(1)
        self.whose["engine"] = (mine_engine, why)
        self.Tensor = self.engine.Tensor
        lesson2, lesson3 = {}, {}
        for label, n, exercises in PIECES[1:]:
            yours, why = finished(n, exercises)
            self.whose[label] = (yours, why)
            module = engine(n) if yours else reference(n)
            module.Tensor = self.Tensor              # every piece builds Tensors of the one engine
            (lesson2 if n == 2 else lesson3)[label] = module
        self.matmul, self.Dense = lesson2["Dense"].matmul, lesson2["Dense"].Dense
        self.softmax_cross_entropy = lesson2["softmax cross-entropy"].softmax_cross_entropy
        self.bce_with_logits = lesson3["binary cross-entropy"].bce_with_logits
        self.sgd_step = lesson3["SGD step"].sgd_step

    @property
    def anything_yours(self):
        return any(yours for yours, _ in self.whose.values())

    def report(self):
        for label, (yours, why) in self.whose.items():
            say(f"{label}: yours" if yours else f"{label}: tinynet's — {why}")


_kit = None


def kit():
    global _kit
    if _kit is None:
        _kit = Kit()
    return _kit


def modules(tn, nn, F, optim):
    """In lesson.py: ``tn, nn, F, optim = mine.modules(tn, nn, F, optim)``.

    A plain run gets the four modules back. Under ``--mine`` they are replaced by
    stand-ins on the learner's engine (see tinynet/mine_standins.py); when none of the
    learner's pieces passes yet, the run is tinynet's own and says so."""
    if not active():
        return tn, nn, F, optim
    k = kit()
    k.report()
    if not k.anything_yours:
        say("nothing of yours from lessons 1-3 passes yet: the networks train on tinynet's engine")
        return tn, nn, F, optim
    from . import mine_standins as s
    return s.TnStandIn(tn, k), s.NnStandIn(nn, k), s.FStandIn(F, k), s.OptimStandIn(optim, k)


def piece(n, name, default):
    """The learner's ``name`` from lesson ``n``'s exercises.py under ``--mine`` when it passes
    its grader, else ``default`` (tinynet's); prints whose code runs."""
    if not active():
        return default
    yours, why = finished(n, (name,))
    say(f"{name}: yours" if yours else f"{name}: tinynet's — {why}")
    return getattr(engine(n), name) if yours else default


def pieces(n, *names):
    """Lesson ``n``'s exercises ``names`` as attributes, ``mine.pieces(9, "orthogonal",
    "lsuv").lsuv``: each tinynet's reference solution (lessons/solutions/lesson_NN.py), or
    under ``--mine`` the learner's where it passes its grader (``piece`` says whose)."""
    solutions = reference(n)
    return SimpleNamespace(**{name: piece(n, name, getattr(solutions, name)) for name in names})


def ran(functions, reference):
    """``"code that ran: NAME yours, NAME tinynet's (tinynet's = the reference, lessons/solutions/lesson_NN.py)"``
    for the functions ``pieces`` returned (or a ``{name: function}`` dict of ``piece``'s);
    ``reference`` is the defaults' module."""
    from pathlib import Path
    functions = functions if isinstance(functions, dict) else vars(functions)
    whose = {True: "tinynet's", False: "yours"}
    parts = [f"{name} {whose[function is getattr(reference, name, None)]}" for name, function in functions.items()]
    where = Path(reference.__file__)
    return f"code that ran: {', '.join(parts)} (tinynet's = the reference, lessons/{where.parent.name}/{where.name})"
