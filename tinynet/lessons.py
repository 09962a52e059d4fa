"""The lesson runner behind ``tinynet lessons``, ``tinynet lesson N [--mine]``,
``tinynet check N`` and ``tinynet hint N EXERCISE``.

A lesson is a folder ``lessons/NN_short_name/`` holding README.md (the math), lesson.py
(the experiment), exercises.py (your stubs) and test_exercises.py (the grader). The grader
defines ``EXERCISES = {name: check}``; each ``check(impl)`` receives a module that holds
the exercise functions and raises AssertionError with a specific message when one is
wrong. Grading here means: load *your* exercises.py by its file path, call every check on
it, and report each exercise as

    passed | failed: <what is wrong> | not implemented yet

never with a traceback: a stub still raising NotImplementedError is "not implemented
yet", a wrong answer is the grader's message, and a crash in your code is reported as the
error and the line of exercises.py where it happened.

Hints: a grader also defines ``HINTS = {name: [idea, math with shapes, algorithm in
words, ...]}``; ``tinynet hint N name`` prints one more level per call and remembers how
many a learner has seen (see ``hint_state_file``). ``--mine`` runs lesson.py with
``TINYNET_MINE=1``, which its wiring (tinynet.mine) reads.

Where the lessons folder is found, in order: ``$TINYNET_LESSONS``; the repository next to
the installed package (``Path(tinynet.__file__).resolve().parents[1] / "lessons"``, which
is where an editable install lives); ``./lessons``.

Exit codes: 0 all good; 1 some exercise is not passing (or the lesson script failed);
2 a usage error (no such lesson, no lessons folder).
"""
from __future__ import annotations

import contextlib
import importlib.util
import io
import itertools
import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import threading
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

USAGE_ERROR = 2
EXERCISE_TIMEOUT = 30          # seconds one exercise's grading may take (see time_limit)
PASSED, FAILED, NOT_IMPLEMENTED = "passed", "failed", "not implemented yet"
_FOLDER = re.compile(r"^(\d{2})_([A-Za-z0-9_]+)$")
_unique = itertools.count()


class LessonError(Exception):
    """A usage mistake: no lessons folder, no such lesson, a grader that cannot load."""


class ExerciseTimeout(BaseException):
    """Grading one exercise took longer than its time limit (the learner's code is stopped).

    A BaseException, like KeyboardInterrupt, so that no ``except Exception`` on the way (in
    the learner's code or the grader's) mistakes it for a failure of the code it stopped."""


@contextlib.contextmanager
def time_limit(seconds=None):
    """Stop the block with ExerciseTimeout after ``seconds`` (default EXERCISE_TIMEOUT).

    An alarm signal (SIGALRM), so it only works in the main thread of a process on a system
    that has one (Linux, macOS); elsewhere the block runs without a limit. No thread is
    started: numpy and numba code keep running undisturbed until the alarm, which
    interrupts the learner's Python code at its next line."""
    seconds = EXERCISE_TIMEOUT if seconds is None else seconds
    usable = (seconds and hasattr(signal, "setitimer") and hasattr(signal, "SIGALRM")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return

    def stop(signum, frame):
        raise ExerciseTimeout(f"took longer than {seconds:g} s: is there a loop that never ends?")
    previous = signal.signal(signal.SIGALRM, stop)
    outer, _ = signal.setitimer(signal.ITIMER_REAL, seconds)     # an enclosing limit's time left, or 0
    started = time.monotonic()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer:      # give an enclosing limit back what is left of it (at least a moment)
            signal.setitimer(signal.ITIMER_REAL, max(outer - (time.monotonic() - started), 1e-3))


@dataclass(frozen=True)
class Lesson:
    number: int
    name: str
    path: Path

    @property
    def title(self):
        """The first Markdown heading of the lesson's README, else its folder name."""
        readme = self.path / "README.md"
        if readme.is_file():
            for line in readme.read_text(encoding="utf-8").splitlines():
                if line.startswith("#"):
                    title = line.lstrip("#").strip()
                    # "Lesson 3 — Training an MLP" -> "Training an MLP" (the number is shown already)
                    return re.sub(r"^Lesson\s+\d+\s*[—:.-]\s*", "", title)
        return self.name.replace("_", " ")


@dataclass(frozen=True)
class Result:
    exercise: str
    status: str          # PASSED, FAILED or NOT_IMPLEMENTED
    message: str = ""

    def line(self, width=24):
        """``  name  STATUS (detail)``, the name padded to ``width`` so that a lesson's lines align."""
        if self.status == FAILED and self.message:
            detail = f": {self.message}"
        elif self.status == NOT_IMPLEMENTED and "hint" in self.message:
            detail = f" ({self.message.split(': ', 1)[-1] if self.message.startswith(NOT_IMPLEMENTED) else self.message})"
        else:
            detail = ""
        return f"  {self.exercise:<{width}} {self.status}{detail}"


# --------------------------------------------------------------------------- finding lessons
def lessons_root():
    """The lessons folder (see the module docstring for the search order)."""
    candidates = []
    env = os.environ.get("TINYNET_LESSONS")
    if env:
        candidates.append(("$TINYNET_LESSONS", Path(env)))
    import tinynet
    candidates.append(("next to the installed package", Path(tinynet.__file__).resolve().parents[1] / "lessons"))
    candidates.append(("the current folder", Path.cwd() / "lessons"))
    for _, path in candidates:
        if path.is_dir() and any(_FOLDER.match(p.name) for p in path.iterdir() if p.is_dir()):
            return path
    looked = "; ".join(f"{where}: {path}" for where, path in candidates)
    raise LessonError(
        f"no lessons folder found (looked in {looked}). Run tinynet from a clone of the "
        "repository (git clone, then pip install -e .), or set TINYNET_LESSONS to the "
        "folder that holds 01_autograd, 02_dense_backprop, ...")


def discover(root=None):
    """Every lesson folder under ``root``, in order of its number."""
    root = Path(root) if root is not None else lessons_root()
    found = []
    for path in root.iterdir():
        match = _FOLDER.match(path.name)
        if path.is_dir() and match:
            found.append(Lesson(int(match.group(1)), match.group(2), path))
    return sorted(found, key=lambda lesson: lesson.number)


def find_lesson(n, root=None):
    lessons = discover(root)
    for lesson in lessons:
        if lesson.number == n:
            return lesson
    numbers = ", ".join(str(lesson.number) for lesson in lessons) or "none"
    raise LessonError(f"there is no lesson {n}; the lessons are {numbers} (see `tinynet lessons`)")


# --------------------------------------------------------------------------- loading by path
def load_module(path, label):
    """Import the Python file ``path`` under a unique module name.

    Every lesson has an exercises.py and a test_exercises.py; loading them by path under
    distinct names keeps lesson 3's file from shadowing lesson 2's.
    """
    path = Path(path)
    name = f"tinynet_lessons_{label}_{next(_unique)}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module      # dataclasses and pickling look modules up here
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    return module


def load_grader(lesson):
    """The lesson's test_exercises.py module; it must define EXERCISES."""
    path = lesson.path / "test_exercises.py"
    if not path.is_file():
        raise LessonError(f"lesson {lesson.number} has no grader ({path} is missing)")
    try:
        grader = load_module(path, f"{lesson.number:02d}_grader")
    except ImportError as error:
        raise LessonError(f"the grader of lesson {lesson.number} needs {error.name or error}; "
                          "install the test extra: pip install -e '.[test]'") from None
    if not isinstance(getattr(grader, "EXERCISES", None), dict):
        raise LessonError(f"{path} defines no EXERCISES dictionary")
    return grader


# --------------------------------------------------------------------------- grading
def where_in(error, path):
    """' (exercises.py line N: <code>)' for the deepest frame of the error inside ``path``."""
    path = str(Path(path).resolve())
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if str(Path(frame.filename).resolve()) == path:
            code = f": {frame.line.strip()}" if frame.line else ""
            return f" ({Path(path).name} line {frame.lineno}{code})"
    return ""


def _message(text):
    """An error's whole message, stripped (a grader's diagnosis may run over several lines)."""
    text = str(text).strip()
    return text if text else "(no message)"


def classify(error, source=None):
    """(status, message) for an exception raised while grading one exercise.

    A stub's NotImplementedError is "not implemented yet"; an AssertionError is the
    grader's diagnosis; anything else is a crash in the learner's code, named with the
    line of ``source`` (the learner's file) where it happened.
    """
    if isinstance(error, NotImplementedError):
        return NOT_IMPLEMENTED, _message(error)
    if isinstance(error, ExerciseTimeout):
        return FAILED, str(error)
    if isinstance(error, AssertionError):
        return FAILED, _message(error)
    where = where_in(error, source) if source else ""
    return FAILED, f"your code raised {type(error).__name__}: {_message(error)}{where}"


def run_check(check, impl, source=None):
    """Grade one exercise: ``check(impl)`` -> a Result, never an exception."""
    name = getattr(check, "exercise", None) or getattr(check, "__name__", "exercise")
    try:
        with contextlib.redirect_stdout(io.StringIO()), time_limit():
            check(impl)
    except (Exception, ExerciseTimeout) as error:  # a stub, a diagnosis, a crash or a timeout: in words
        return Result(name, *classify(error, source))
    return Result(name, PASSED)


def import_problem(error):
    """One line for an exercises.py that does not import: the error and its line, once."""
    if isinstance(error, SyntaxError):
        line = f" line {error.lineno}" if error.lineno else ""
        return f"exercises.py does not import: {type(error).__name__}{line}: {error.msg}"
    where = ""
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if Path(frame.filename).name == "exercises.py":
            where = f" line {frame.lineno}"
            break
    return f"exercises.py does not import: {type(error).__name__}{where}: {_message(error)}"


def grade(lesson, exercises_path=None):
    """Grade the learner's exercises (default: the lesson's exercises.py) -> [Result]."""
    grader = load_grader(lesson)
    path = Path(exercises_path) if exercises_path is not None else lesson.path / "exercises.py"
    names = list(grader.EXERCISES)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            impl = load_module(path, f"{lesson.number:02d}_exercises")
    except FileNotFoundError:
        return [Result(n, FAILED, f"{path} is missing") for n in names]
    except Exception as error:  # a syntax error or a failing import in the learner's file
        message = import_problem(error)
        return [Result(n, FAILED, message) for n in names]
    results = []
    for name, check in grader.EXERCISES.items():
        result = run_check(check, impl, source=path)
        results.append(Result(name, result.status, result.message))
    return results


# --------------------------------------------------------------------------- the three commands
def check_lesson(n):
    """``tinynet check N``: grade the learner's exercises.py and print one line per exercise."""
    try:
        lesson = find_lesson(n)
        results = grade(lesson)
    except LessonError as error:
        print(f"tinynet: error: {error}", file=sys.stderr)
        return USAGE_ERROR
    print(f"Lesson {lesson.number}: {lesson.title}  ({lesson.path / 'exercises.py'})")
    width = max([24] + [len(r.exercise) for r in results])
    for result in results:
        print(result.line(width))
    passing = sum(r.status == PASSED for r in results)
    print(f"{passing}/{len(results)} exercises passing.", end=" ")
    if passing == len(results):
        following = [x for x in discover(lesson.path.parent) if x.number > lesson.number]
        print(f"Well done. Next: lesson {following[0].number} (`tinynet lesson {following[0].number}`)."
              if following else "Well done: that was the last lesson.")
        return 0
    todo = next(r for r in results if r.status != PASSED)
    print(f"Next: work on {todo.exercise} in exercises.py, then run `tinynet check {lesson.number}` again.")
    return 1


def progress(lesson):
    """(exercises passing, total) for the learner's exercises.py; raises LessonError when
    the lesson cannot be graded (no grader, or the test extra is not installed)."""
    results = grade(lesson)
    return sum(r.status == PASSED for r in results), len(results)


def list_lessons():
    """``tinynet lessons``: every lesson with the learner's progress, and what to do next."""
    try:
        lessons = discover()
    except LessonError as error:
        print(f"tinynet: error: {error}", file=sys.stderr)
        return USAGE_ERROR
    print(f"Lessons in {lessons[0].path.parent if lessons else lessons_root()}:")
    next_lesson = None
    ungradable = {}  # why a lesson cannot be graded -> its numbers (one line per reason)
    warnings = {}    # what grading wrote to stderr (lesson 2 loads lesson 1's file too): each line once
    for lesson in lessons:
        try:
            caught = io.StringIO()
            try:
                with contextlib.redirect_stderr(caught):
                    results = grade(lesson)
            finally:
                warnings.update(dict.fromkeys(line for line in caught.getvalue().splitlines() if line.strip()))
            done, total = sum(r.status == PASSED for r in results), len(results)
            mark = "done" if total and done == total else f"{done}/{total} exercises passing"
            if results and results[0].message.startswith("exercises.py does not import"):
                mark = results[0].message.split(": ", 1)[0] + ": " + results[0].message.split(": ")[1]
        except LessonError as error:
            done, total, mark = 0, 0, "progress unknown (see below)"
            reason = str(error).replace(f"lesson {lesson.number}", "the lesson")
            ungradable.setdefault(reason, []).append(str(lesson.number))
        title = lesson.title if len(lesson.title) <= 48 else lesson.title[:47] + "…"
        print(f"  {lesson.number:>2}. {title:<48} {mark}")
        if next_lesson is None and not (total and done == total):
            next_lesson = lesson
    for reason, numbers in ungradable.items():
        print(f"{'Lesson' if len(numbers) == 1 else 'Lessons'} {', '.join(numbers)}: {reason}")
    for line in warnings:
        print(line, file=sys.stderr)
    if next_lesson is None:
        print("Every exercise passes. Try your own scheme with `tinynet compare`.")
    else:
        n = next_lesson.number
        print(f"Next: read lessons/{next_lesson.path.name}/README.md, run `tinynet lesson {n}`, "
              f"fill in its exercises.py and grade it with `tinynet check {n}`.")
    return 0


# --------------------------------------------------------------------------- hints
def hint_state_file():
    """Where the hint levels already shown are kept, per learner: ``$TINYNET_STATE`` (a
    file), else ``$XDG_CACHE_HOME/tinynet/hints.json``, else ``~/.cache/tinynet/hints.json``."""
    if os.environ.get("TINYNET_STATE"):
        return Path(os.environ["TINYNET_STATE"])
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "tinynet" / "hints.json"


def _read_state(path):
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
        return state if isinstance(state, dict) else {}
    except (OSError, ValueError):
        return {}


def _write_state(path, state):
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(state, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as error:  # a read-only home: the hint is still shown, only not remembered
        print(f"(could not remember the hint level in {path}: {error.strerror})", file=sys.stderr)


def hints_of(lesson):
    """The grader's ``HINTS`` dict: exercise -> [idea, math with shapes, algorithm in words, ...]."""
    grader = load_grader(lesson)
    return grader.EXERCISES, getattr(grader, "HINTS", {}) or {}


def show_hint(n, exercise=None, reset=False):
    """``tinynet hint N EXERCISE``: print one more hint level than last time (``--reset``
    starts over). Without EXERCISE: the exercises and how many hints each has shown."""
    try:
        lesson = find_lesson(n)
        exercises, hints = hints_of(lesson)
    except LessonError as error:
        print(f"tinynet: error: {error}", file=sys.stderr)
        return USAGE_ERROR
    path = hint_state_file()
    state = _read_state(path)
    key = lambda name: f"{lesson.path.resolve()}::{name}"   # noqa: E731 - one clone, one count
    if exercise is None:
        if reset:
            state = {k: v for k, v in state.items() if not k.startswith(f"{lesson.path.resolve()}::")}
            _write_state(path, state)
            print(f"Lesson {n}: hint levels reset.")
            return 0
        print(f"Lesson {n}: {lesson.title}. Hints, one more level per `tinynet hint {n} EXERCISE`:")
        for name in exercises:
            print(f"  {name:<28} {state.get(key(name), 0)}/{len(hints.get(name, []))} shown")
        return 0
    if exercise not in exercises:
        print(f"tinynet: error: lesson {n} has no exercise {exercise!r}; its exercises are "
              f"{', '.join(exercises)}", file=sys.stderr)
        return USAGE_ERROR
    levels = list(hints.get(exercise, []))
    if not levels:
        print(f"Lesson {n}, {exercise}: this exercise has no hints; its docstring in exercises.py has the math.")
        return 0
    if reset:
        state.pop(key(exercise), None)
        _write_state(path, state)
        print(f"Lesson {n}, {exercise}: hints reset; the next `tinynet hint {n} {exercise}` shows the first.")
        return 0
    shown = min(int(state.get(key(exercise), 0)) + 1, len(levels))
    titles = ["the idea", "the math, with shapes", "the algorithm, in words"]
    print(f"Lesson {n}, {exercise}: hint {shown} of {len(levels)}")
    for level in range(shown):
        title = titles[level] if level < len(titles) else "one more step"
        print(f"\n{level + 1}. {title}\n   " + "\n   ".join(textwrap.wrap(levels[level], 86)))
    if shown < len(levels):
        print(f"\nStill stuck? `tinynet hint {n} {exercise}` again shows the next level.")
    else:
        print(f"\nThat was the last hint. Grade with `tinynet check {n}`; "
              f"`tinynet hint {n} {exercise} --reset` starts over.")
    state[key(exercise)] = shown
    _write_state(path, state)
    return 0


def run_lesson(n, mine=False):
    """``tinynet lesson N [--mine]``: run lesson.py in a fresh Python, in its own folder.

    With ``mine`` the script runs with ``TINYNET_MINE=1``: its wiring (``tinynet.mine``)
    substitutes the pieces the learner has finished and says whose code runs.
    """
    try:
        lesson = find_lesson(n)
    except LessonError as error:
        print(f"tinynet: error: {error}", file=sys.stderr)
        return USAGE_ERROR
    script = lesson.path / "lesson.py"
    if not script.is_file():
        print(f"tinynet: error: lesson {n} has no lesson.py ({script} is missing)", file=sys.stderr)
        return USAGE_ERROR
    out = os.environ.get("TINYNET_OUT", str(lesson.path / "out"))
    # OpenBLAS on one thread for the lesson (unless the user set a count): its spinning
    # threads cost a whole core on a busy machine; imported here so that `tinynet check`
    # and `tinynet lessons` do not load the lab.
    from .lab.threads import command_environment
    env = command_environment()
    if mine:
        env["TINYNET_MINE"] = "1"
        env.setdefault("TINYNET_LESSONS", str(lesson.path.parent))
    else:
        env.pop("TINYNET_MINE", None)
    from .mine import WIRING
    which = " on your pieces" if mine else ""
    if mine and not WIRING.search(script.read_text(encoding="utf-8")):
        which = ""
        print(f"Lesson {n} substitutes none of your pieces under --mine: this is its plain run.")
    print(f"Lesson {lesson.number}: {lesson.title}\nRunning {script}{which} (figures go to {out})\n", flush=True)
    code = subprocess.run([sys.executable, str(script)], cwd=lesson.path, env=env).returncode
    if code == 0:
        print(f"\nDone. Read the figures in {out}, then do the exercises: `tinynet check {n}`.")
    else:
        print(f"\nlesson.py stopped with exit code {code} (see the messages above).", file=sys.stderr)
    return 0 if code == 0 else 1


__all__ = ["Lesson", "Result", "LessonError", "lessons_root", "discover", "find_lesson", "load_module",
           "load_grader", "grade", "run_check", "check_lesson", "list_lessons", "run_lesson", "progress", "show_hint", "classify", "import_problem"]
