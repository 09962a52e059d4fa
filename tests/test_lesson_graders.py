"""The graders are graded: over every lesson folder present, each grader

- passes the reference solution (lessons/solutions/lesson_NN.py), exercise by exercise;
- fails every planted bug of lessons/solutions/bugs_NN.py (the reference with that one
  function replaced) with an AssertionError, i.e. a friendly "failed: ..." line;
- reports the untouched stubs as "not implemented yet", never a traceback, both through
  tinynet.lessons.grade and through `tinynet check N` (tinynet.cli.main).

"Untouched" means the stubs as committed: when the repository is a git checkout the stub
file is taken from HEAD, so a learner who has started the exercises keeps a green suite.
"""
import shutil
import subprocess
import types
from pathlib import Path

import pytest

from tinynet import lessons as L

ROOT = Path(__file__).resolve().parents[1]
LESSONS_DIR = ROOT / "lessons"
SOLUTIONS = LESSONS_DIR / "solutions"
ALL_LESSONS = L.discover(LESSONS_DIR)
# a folder without its grader yet is reported by test_lessons_are_present_and_complete
GRADED = [lesson for lesson in ALL_LESSONS if (lesson.path / "test_exercises.py").is_file()]


def _reference(lesson):
    return L.load_module(SOLUTIONS / f"lesson_{lesson.number:02d}.py", f"{lesson.number:02d}_reference")


def _bugs(lesson):
    return L.load_module(SOLUTIONS / f"bugs_{lesson.number:02d}.py", f"{lesson.number:02d}_bugs").BUGS


def _with_bug(reference, exercise, bug):
    """The reference solution with one exercise replaced by a planted bug.

    A bug is a function or class (it replaces the attribute named after the exercise), or
    a dict / namespace of attributes that replace the reference's attributes of the same
    names (for an exercise made of several functions).
    """
    patched = types.ModuleType(f"{reference.__name__}_patched")
    patched.__dict__.update({k: v for k, v in vars(reference).items() if not k.startswith("__")})
    if isinstance(bug, dict):
        patched.__dict__.update(bug)
    elif isinstance(bug, (types.SimpleNamespace, types.ModuleType)):
        patched.__dict__.update({k: v for k, v in vars(bug).items() if not k.startswith("__")})
    else:
        setattr(patched, exercise, bug)
    return patched


def _committed_stub(lesson, into):
    """Write the stub file as committed (git HEAD) into ``into``; the working file if not in git."""
    target = into / "exercises.py"
    relative = (lesson.path / "exercises.py").relative_to(ROOT).as_posix()
    try:
        text = subprocess.run(["git", "-C", str(ROOT), "show", f"HEAD:{relative}"],
                              capture_output=True, check=True, text=True).stdout
        target.write_text(text, encoding="utf-8")
    except (OSError, subprocess.CalledProcessError):
        shutil.copyfile(lesson.path / "exercises.py", target)
    return target


def _cases(kind):
    cases = []
    for lesson in GRADED:
        grader = L.load_grader(lesson)
        for exercise in grader.EXERCISES:
            if kind == "exercise":
                cases.append(pytest.param(lesson, exercise, id=f"{lesson.number:02d}-{exercise}"))
            else:
                for i, bug in enumerate(_bugs(lesson).get(exercise, [])):
                    label = getattr(bug, "__name__", f"bug{i}")
                    cases.append(pytest.param(lesson, exercise, i, id=f"{lesson.number:02d}-{exercise}-{label}"))
    return cases


def test_lessons_are_present_and_complete():
    assert ALL_LESSONS, f"no lesson folders found in {LESSONS_DIR}"
    for lesson in ALL_LESSONS:
        for name in ("README.md", "lesson.py", "exercises.py", "test_exercises.py"):
            assert (lesson.path / name).is_file(), f"lesson {lesson.number} lacks {name}"
        for name in (f"lesson_{lesson.number:02d}.py", f"bugs_{lesson.number:02d}.py"):
            assert (SOLUTIONS / name).is_file(), f"lesson {lesson.number} lacks solutions/{name}"


@pytest.mark.parametrize("lesson", GRADED, ids=lambda lesson: f"{lesson.number:02d}")
def test_every_exercise_has_a_planted_bug(lesson):
    exercises = list(L.load_grader(lesson).EXERCISES)
    bugs = _bugs(lesson)
    missing = [name for name in exercises if not bugs.get(name)]
    assert not missing, f"lesson {lesson.number}: no planted bug for {missing}"
    assert set(bugs) <= set(exercises), f"lesson {lesson.number}: bugs for unknown exercises {set(bugs) - set(exercises)}"


@pytest.mark.parametrize("lesson,exercise", _cases("exercise"))
def test_reference_passes(lesson, exercise):
    result = L.run_check(L.load_grader(lesson).EXERCISES[exercise], _reference(lesson))
    assert result.status == L.PASSED, f"the reference fails its own grader: {result.message}"


@pytest.mark.parametrize("lesson,exercise,index", _cases("bug"))
def test_planted_bug_fails(lesson, exercise, index):
    check = L.load_grader(lesson).EXERCISES[exercise]
    bug = _bugs(lesson)[exercise][index]
    patched = _with_bug(_reference(lesson), exercise, bug)
    with pytest.raises(AssertionError) as caught:
        check(patched)
    assert str(caught.value).strip(), "a failed check must say what is wrong"
    result = L.run_check(check, patched)
    assert result.status == L.FAILED


@pytest.mark.parametrize("lesson", GRADED, ids=lambda lesson: f"{lesson.number:02d}")
def test_untouched_stubs_are_not_implemented_yet(lesson, tmp_path):
    stub = _committed_stub(lesson, tmp_path)
    results = L.grade(lesson, exercises_path=stub)
    assert [r.exercise for r in results] == list(L.load_grader(lesson).EXERCISES)
    for result in results:
        assert result.status == L.NOT_IMPLEMENTED, (
            f"lesson {lesson.number}, {result.exercise}: the stub gives {result.status!r} "
            f"({result.message}); every stub must raise NotImplementedError with a hint")
        assert "hint" in result.message.lower(), f"{result.exercise}: the NotImplementedError carries no hint"


@pytest.mark.parametrize("lesson", GRADED, ids=lambda lesson: f"{lesson.number:02d}")
def test_stubs_name_the_reference_functions(lesson):
    """Every public function of the reference exists in the learner's stub file."""
    reference = _reference(lesson)
    stub_source = (lesson.path / "exercises.py").read_text(encoding="utf-8")
    for exercise in L.load_grader(lesson).EXERCISES:
        assert hasattr(reference, exercise) or exercise in stub_source, (
            f"lesson {lesson.number}: exercise {exercise!r} is neither in the reference nor the stubs")
        if hasattr(reference, exercise):
            assert (f"def {exercise}(" in stub_source or f"class {exercise}" in stub_source), (
                f"lesson {lesson.number}: exercises.py has no stub named {exercise}")


# --------------------------------------------------------------------------- `tinynet check N`
@pytest.fixture
def stub_tree(tmp_path, monkeypatch):
    """A copy of the lessons folder whose exercises.py files are the committed stubs."""
    tree = tmp_path / "lessons"
    for lesson in GRADED:
        shutil.copytree(lesson.path, tree / lesson.path.name, ignore=shutil.ignore_patterns("out", "__pycache__"))
        _committed_stub(lesson, tree / lesson.path.name)
    shutil.copytree(SOLUTIONS, tree / "solutions", ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setenv("TINYNET_LESSONS", str(tree))
    return tree


@pytest.mark.parametrize("lesson", GRADED, ids=lambda lesson: f"{lesson.number:02d}")
def test_tinynet_check_on_stubs_prints_not_implemented(lesson, stub_tree, capsys):
    from tinynet.cli import main

    code = main(["check", str(lesson.number)])
    out, err = capsys.readouterr()
    assert code == 1, "unfinished exercises: exit code 1"
    assert "Traceback" not in out + err
    for exercise in L.load_grader(lesson).EXERCISES:
        line = next(line for line in out.splitlines() if line.strip().startswith(exercise))
        assert "not implemented yet" in line, line
    assert f"tinynet check {lesson.number}" in out, "the output says what to run next"


def test_tinynet_lessons_lists_progress(stub_tree, capsys):
    from tinynet.cli import main

    assert main(["lessons"]) == 0
    out = capsys.readouterr().out
    for lesson in GRADED:
        total = len(L.load_grader(lesson).EXERCISES)
        row = next(line for line in out.splitlines() if line.strip().startswith(f"{lesson.number}."))
        assert f"0/{total} exercises passing" in row, row
    first = GRADED[0].number
    assert f"tinynet lesson {first}" in out and f"tinynet check {first}" in out


def test_tinynet_lessons_says_why_a_lesson_cannot_be_graded(stub_tree, capsys):
    """Without the test extra a grader cannot be imported: say so, not "0/0 passing"."""
    from tinynet.cli import main

    lesson = GRADED[0]
    grader = stub_tree / lesson.path.name / "test_exercises.py"
    grader.write_text("import a_test_dependency_that_is_missing\n", encoding="utf-8")
    assert main(["lessons"]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.strip().startswith(f"{lesson.number}."))
    assert "progress unknown" in row and "0/0" not in out
    assert f"Lesson {lesson.number}: the grader of the lesson needs a_test_dependency_that_is_missing" in out
    assert "pip install -e '.[test]'" in out


def test_solved_exercises_pass_and_point_to_next_lesson(stub_tree, capsys):
    from tinynet.cli import main

    lesson = GRADED[0]
    shutil.copyfile(SOLUTIONS / f"lesson_{lesson.number:02d}.py", stub_tree / lesson.path.name / "exercises.py")
    assert main(["check", str(lesson.number)]) == 0
    out = capsys.readouterr().out
    assert "passed" in out and "not implemented" not in out
    assert "Well done" in out


def test_broken_learner_code_is_reported_without_traceback(stub_tree, capsys):
    lesson = GRADED[0]
    exercises = stub_tree / lesson.path.name / "exercises.py"
    exercises.write_text("def broken(:\n", encoding="utf-8")
    results = L.grade(L.find_lesson(lesson.number))
    assert all(r.status == L.FAILED and "SyntaxError" in r.message and "line 1" in r.message for r in results)
    exercises.write_text("import numpy as np\n" + "\n".join(
        f"def {name}(*args, **kwargs):\n    return undefined_name\n" for name in L.load_grader(lesson).EXERCISES)
        + "\nclass _Anything:\n    pass\n", encoding="utf-8")
    from tinynet.cli import main

    assert main(["check", str(lesson.number)]) == 1
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert "failed" in out


def test_unknown_lesson_is_a_usage_error(stub_tree, capsys):
    from tinynet.cli import main

    assert main(["check", "99"]) == 2
    assert main(["lesson", "99"]) == 2
    err = capsys.readouterr().err
    assert "there is no lesson 99" in err and "Traceback" not in err


def test_missing_lessons_folder_is_explained(tmp_path, monkeypatch, capsys):
    import tinynet
    from tinynet.cli import main

    monkeypatch.setenv("TINYNET_LESSONS", str(tmp_path / "nowhere"))
    monkeypatch.setattr(tinynet, "__file__", str(tmp_path / "site" / "tinynet" / "__init__.py"))
    monkeypatch.chdir(tmp_path)
    with pytest.raises(L.LessonError, match="TINYNET_LESSONS"):
        L.lessons_root()
    assert main(["lessons"]) == 2
    err = capsys.readouterr().err
    assert "no lessons folder found" in err and "Traceback" not in err


# --------------------------------------------------------------------------- hints and diagnoses
import functools  # noqa: E402
import inspect  # noqa: E402
import re  # noqa: E402

import numpy as np  # noqa: E402

from tinynet import lesson_tests  # noqa: E402

# Lessons 1-9 must have hints; a later lesson is held to the same rules once it defines HINTS.
HINTED = [lesson for lesson in GRADED if lesson.number <= 9 or hasattr(L.load_grader(lesson), "HINTS")]


def _split_top_level(line):
    """A code line cut into its expressions at top-level commas, '=' and 'return'."""
    parts, depth, current = [], 0, ""
    for char in line:
        depth += char in "([{"
        depth -= char in ")]}"
        if depth == 0 and char in ",;":
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    pieces = []
    for part in parts:
        pieces += re.split(r"(?<![=!<>])=(?!=)|\breturn\b|\bif\b|\belse\b|\bfor\b|\bin\b", part)
    return pieces + [line]


def _squash(text):
    return re.sub(r"\s+", "", str(text)).lower()


def _code_fragments(reference, exercise):
    """The reference's code for ``exercise``: every line and every expression in it that is
    specific enough to give the answer away (an operator or a call, 6+ characters)."""
    target = getattr(reference, exercise, None)
    try:
        source = inspect.getsource(target) if target is not None else inspect.getsource(reference)
    except (TypeError, OSError):
        source = inspect.getsource(reference)
    fragments = set()
    in_docstring = False
    for raw in source.splitlines():
        line = raw.split("#", 1)[0].strip()
        if line.count('"""') == 1:
            in_docstring = not in_docstring
            continue
        if in_docstring or not line or line.startswith(("def ", "class ", '"""', "@", "import ", "from ")):
            continue
        for piece in _split_top_level(line):
            squashed = _squash(piece).strip(":")
            if len(squashed) >= 6 and re.search(r"[-+*/@(\[]", squashed):
                fragments.add(squashed)
    return fragments


def _flat_values(value, into):
    """Every non-trivial number (and every name set) of an expected value, for comparison."""
    if isinstance(value, dict):
        into["text"].append(_squash(repr(value)))
        for v in value.values():
            _flat_values(v, into)
    elif isinstance(value, (set, frozenset)):
        into["text"] += [_squash(repr(sorted(value))), _squash(repr(value))]
        for v in value:
            _flat_values(v, into)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _flat_values(v, into)
    elif isinstance(value, (float, np.floating, np.ndarray)) or getattr(value, "dtype", None) is not None:
        array = np.asarray(getattr(value, "data", value), dtype=np.float64).ravel()[:2000]
        array = array[np.isfinite(array) & (np.abs(array - np.round(array)) > 1e-9)]
        into["numbers"].append(array)


_NUMBER = re.compile(r"(?<![\w.])-?(?:\d+\.\d+|\d*\.\d+|\d+)(?:e[-+]?\d+)?", re.I)


def _shows_a_value(message, values):
    squashed = _squash(message)
    for text in values["text"]:
        if len(text) > 4 and text in squashed:
            return text
    numbers = np.concatenate(values["numbers"]) if values["numbers"] else np.zeros(0)
    for token in _NUMBER.findall(message):
        digits = re.sub(r"e.*$|[-.]", "", token.lower()).lstrip("0")
        if len(digits) < 3 or not numbers.size:
            continue
        t = float(token)
        if np.any(np.isclose(numbers, t, rtol=5e-4, atol=0)):
            return token
    return None


def _recorded_reference_run(lesson, exercise):
    """The expected values of the graded cases: what the grader passes to expect(), and what
    the reference's own functions return while it is graded."""
    reference = _reference(lesson)
    returned = []
    patched = types.ModuleType(reference.__name__ + "_recorded")
    for name, value in vars(reference).items():
        if name.startswith("__"):
            continue
        if inspect.isfunction(value) and value.__module__ == reference.__name__:
            def recorder(*args, __fn=value, **kwargs):
                out = __fn(*args, **kwargs)
                returned.append(out)
                return out
            recorder.__name__ = value.__name__
            setattr(patched, name, recorder)
        else:
            setattr(patched, name, value)
    with lesson_tests.recording_expected() as expected:
        L.run_check(L.load_grader(lesson).EXERCISES[exercise], patched)
    values = {"text": [], "numbers": []}
    _flat_values(expected + returned, values)
    return values


@functools.lru_cache(maxsize=None)
def _messages(lesson, exercise):
    """Every text a learner can meet for ``exercise``: its hints and the grader's message
    for each planted bug (label -> text); computed once per exercise."""
    grader = L.load_grader(lesson)
    texts = {f"hint {i + 1}": hint for i, hint in enumerate(getattr(grader, "HINTS", {}).get(exercise, []))}
    for i, bug in enumerate(_bugs(lesson).get(exercise, [])):
        result = L.run_check(grader.EXERCISES[exercise], _with_bug(_reference(lesson), exercise, bug))
        texts[f"bug {getattr(bug, '__name__', i)}"] = result.message
    return texts


def _hinted_cases():
    return [pytest.param(lesson, exercise, id=f"{lesson.number:02d}-{exercise}")
            for lesson in HINTED for exercise in L.load_grader(lesson).EXERCISES]


@pytest.mark.parametrize("lesson,exercise", _hinted_cases())
def test_every_exercise_has_three_hint_levels(lesson, exercise):
    hints = getattr(L.load_grader(lesson), "HINTS", {}).get(exercise)
    assert hints and len(hints) >= 3 and all(isinstance(h, str) and len(h) > 40 for h in hints), (
        f"lesson {lesson.number}, {exercise}: HINTS needs at least three levels (idea, math with shapes, "
        "algorithm in words)")
    assert len(set(hints)) == len(hints), f"lesson {lesson.number}, {exercise}: two hint levels are the same"


@pytest.mark.parametrize("lesson,exercise", _hinted_cases())
def test_no_hint_or_grader_message_gives_the_answer(lesson, exercise):
    fragments = _code_fragments(_reference(lesson), exercise)
    values = _recorded_reference_run(lesson, exercise)
    for label, text in _messages(lesson, exercise).items():
        squashed = _squash(text)
        code = next((f for f in fragments if f in squashed), None)
        assert code is None, f"lesson {lesson.number}, {exercise}, {label} contains the reference's code {code!r}: {text}"
        shown = _shows_a_value(text, values)
        assert shown is None, (f"lesson {lesson.number}, {exercise}, {label} shows the graded case's expected "
                               f"value {shown!r}: {text}")


@pytest.mark.parametrize("lesson,exercise", _hinted_cases())
def test_distinct_bugs_get_distinct_diagnoses(lesson, exercise):
    messages = {label: text for label, text in _messages(lesson, exercise).items() if label.startswith("bug")}
    seen = {}
    for label, text in messages.items():
        assert text not in seen, (f"lesson {lesson.number}, {exercise}: {seen.get(text)} and {label} get the "
                                  f"same message; say what each one gets wrong: {text}")
        seen[text] = label


@pytest.mark.parametrize("lesson", HINTED, ids=lambda lesson: f"{lesson.number:02d}")
def test_stubs_point_at_the_hint_command(lesson, tmp_path):
    stub = _committed_stub(lesson, tmp_path)
    for result in L.grade(lesson, exercises_path=stub):
        assert f"tinynet hint {lesson.number} {result.exercise}" in result.message, (
            f"lesson {lesson.number}, {result.exercise}: the stub should raise NotImplementedError pointing at "
            f"`tinynet hint {lesson.number} {result.exercise}`, not {result.message!r}")


# --------------------------------------------------------------------------- hint, errors, pytest
def test_hint_shows_one_more_level_per_call_and_resets(stub_tree, tmp_path, monkeypatch, capsys):
    from tinynet.cli import main

    monkeypatch.setenv("TINYNET_STATE", str(tmp_path / "state" / "hints.json"))
    lesson = HINTED[0]
    exercise = next(iter(L.load_grader(lesson).EXERCISES))
    hints = L.load_grader(lesson).HINTS[exercise]
    first_words = [h.split()[0] + " " + h.split()[1] for h in hints]
    outputs = []
    for _ in range(len(hints) + 1):
        assert main(["hint", str(lesson.number), exercise]) == 0
        outputs.append(capsys.readouterr().out)
    for level, out in enumerate(outputs[:len(hints)], start=1):
        assert f"hint {level} of {len(hints)}" in out
        assert all((w in out) == (i < level) for i, w in enumerate(first_words) if w not in " ".join(first_words[:i])), out
    assert f"hint {len(hints)} of {len(hints)}" in outputs[-1] and "last hint" in outputs[-1]
    assert main(["hint", str(lesson.number), exercise, "--reset"]) == 0
    capsys.readouterr()
    assert main(["hint", str(lesson.number), exercise]) == 0
    assert f"hint 1 of {len(hints)}" in capsys.readouterr().out
    assert main(["hint", str(lesson.number), "no_such_exercise"]) == 2
    assert "has no exercise" in capsys.readouterr().err


def test_syntax_error_names_its_line_once(stub_tree, capsys):
    from tinynet.cli import main

    lesson = GRADED[0]
    (stub_tree / lesson.path.name / "exercises.py").write_text("import numpy\n\n\ndef broken(:\n", encoding="utf-8")
    results = L.grade(L.find_lesson(lesson.number))
    assert results[0].message.startswith("exercises.py does not import: SyntaxError line 4"), results[0].message
    assert results[0].message.count("line") == 1, results[0].message
    assert main(["lessons"]) == 0
    row = next(line for line in capsys.readouterr().out.splitlines()
               if line.strip().startswith(f"{lesson.number}."))
    assert "exercises.py does not import: SyntaxError line 4" in row and "0/" not in row, row


def test_a_crash_names_the_learners_file_and_line(stub_tree):
    lesson = next(x for x in GRADED if x.number == 5)
    path = stub_tree / lesson.path.name / "exercises.py"
    path.write_text("import numpy as np\n\n\ndef unit_spread(W):\n    return W.no_such_attribute\n\n\n"
                    "def count_distinct_units(W, tol=1e-12):\n    raise NotImplementedError('not implemented yet')\n",
                    encoding="utf-8")
    result = L.grade(L.find_lesson(5))[0]
    assert result.status == L.FAILED and "AttributeError" in result.message
    assert "exercises.py line 5: return W.no_such_attribute" in result.message, result.message


def _learner_pytest(folder):
    """Run pytest on a lesson folder the way a learner does; its summary line counts."""
    import os
    import sys

    env = {k: v for k, v in os.environ.items() if k != "TINYNET_GRADE"}
    run = subprocess.run([sys.executable, "-m", "pytest", str(folder / "test_exercises.py"), "-q", "-rA",
                          "-p", "no:cacheprovider", "--import-mode=importlib"],
                         capture_output=True, text=True, env=env, cwd=folder.parent)
    return run.stdout + run.stderr


@pytest.mark.slow
def test_pytest_grades_the_learners_file(stub_tree):
    """`pytest lessons/NN_name/`: stubs skip as not implemented yet, a bug fails with its
    diagnosis (no traceback into the grader), the reference passes."""
    lesson = next(x for x in GRADED if x.number == 5)
    folder = stub_tree / lesson.path.name
    shutil.copyfile(LESSONS_DIR / "conftest.py", stub_tree / "conftest.py")
    out = _learner_pytest(folder)
    assert "2 skipped" in out and "not implemented yet" in out and "tinynet hint 5" in out, out
    reference = (SOLUTIONS / "lesson_05.py").read_text(encoding="utf-8")
    (folder / "exercises.py").write_text(reference, encoding="utf-8")
    assert "2 passed" in _learner_pytest(folder)
    bug = "\n\ndef unit_spread(W):\n    return float(np.ptp(np.asarray(W), axis=0).max())\n"
    (folder / "exercises.py").write_text(reference + bug, encoding="utf-8")
    out = _learner_pytest(folder)
    assert "1 failed, 1 passed" in out and "took the range down each column" in out, out
    assert "check_unit_spread" not in out, "the failure shows the diagnosis, not the grader's traceback"
