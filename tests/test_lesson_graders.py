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
