"""`tinynet lesson N --mine`, for every lesson folder: with the reference solutions in place
of the learner's files, lessons 1-8 print the same measured numbers as their plain run (to
1e-12 absolute, 1e-9 relative: the two engines differ only in rounding), the later lessons
that substitute pieces give the plain numbers on their own functions with small arguments,
and a lesson that substitutes nothing says so first; with untouched stubs the run says whose
code runs and is tinynet's own. Also the stand-ins in process, on a tiny model."""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tinynet import lessons as L
from tinynet.mine import WIRING

ROOT = Path(__file__).resolve().parents[1]
LESSONS_DIR = ROOT / "lessons"
ENGINE_LESSONS = (1, 2, 3)
# Lessons 1-8 run whole, plain and --mine: each is short enough (about a minute or less).
FULL_RUN = (1, 2, 3, 4, 5, 6, 7, 8)
# The other lessons that substitute pieces have long runs (lesson 9's trainings, the
# capstone's race): their substitution is tested on the lesson's own functions with small
# arguments instead, each way in a fresh process (``lesson`` is lesson.py imported, ``rng``
# a numpy Generator). Every call here goes through the pieces the lesson substitutes.
SMALL = {
    9: "lesson.show_pieces_experiment(rng.standard_normal((1000, 784)))",
    10: "y = rng.integers(0, 10, 300)\nprint(lesson.prior_entropy(y))\n"
        "print(lesson.build_variant(None, True, y).dense_layers()[-1].bias.data)",
    11: "x, y = rng.standard_normal((192, 784)).astype(np.float32), rng.integers(0, 10, 192)\n"
        "print(lesson.first_steps(x, y))\nprint(lesson.pieces_match_tinynet(x, y, steps=2))",
    12: "print(lesson.conv_fans((3, 3, 8, 16)), lesson.predicted_ratio(lesson.channels_only_fans))",
    13: "print(lesson.residual_variance(1.0, 0.5, 10), lesson.branch_ratio(16, 1 / 16, 1 / 16))",
    14: "print(lesson.myth_he_only_prelu(depth=4, width=16, batch=20))\n"
        "print(lesson.myth_uniform_for_normal(depth=4, width=16, batch=20))\n"
        "print(lesson.myth_tiny_sigma_signal(rng.standard_normal((50, 784)), depth=4, width=16))",
}
ALL = L.discover(LESSONS_DIR)
WIRED = [lesson for lesson in ALL if WIRING.search((lesson.path / "lesson.py").read_text(encoding="utf-8"))]
HEADER = re.compile(r"^(\S.*): (yours|tinynet's)( — .*)?$|^nothing of yours |^  \(a model with |^\s*code that ran: ")
TIME = re.compile(r"\d+(?:\.\d+)?\s*(?:s|ms|µs|seconds)\b")
NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?", re.I)


def _tree(tmp_path, lesson, solved=True):
    """A copy of the lessons with the reference solutions as the learner's files."""
    tree = tmp_path / "lessons"
    for other in L.discover(LESSONS_DIR):
        if other.number in ENGINE_LESSONS or other.number <= lesson.number:
            shutil.copytree(other.path, tree / other.path.name, ignore=shutil.ignore_patterns("out", "__pycache__"))
            if solved and (other.number in ENGINE_LESSONS or other.number == lesson.number):
                shutil.copyfile(LESSONS_DIR / "solutions" / f"lesson_{other.number:02d}.py",
                                tree / other.path.name / "exercises.py")
    shutil.copytree(LESSONS_DIR / "solutions", tree / "solutions", ignore=shutil.ignore_patterns("__pycache__"))
    return tree


def _run(tree, lesson, mine, out, script=None):
    """lesson.py run in ``tree`` (or the Python ``script`` in its folder), plain or --mine."""
    env = {k: v for k, v in os.environ.items() if k not in ("TINYNET_MINE",)}
    env.update(TINYNET_LESSONS=str(tree), TINYNET_OUT=str(out))
    if mine:
        env["TINYNET_MINE"] = "1"
    command = [sys.executable, "lesson.py"] if script is None else [sys.executable, "-c", script]
    run = subprocess.run(command, cwd=tree / lesson.path.name, env=env,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    return run.stdout


def _measured(stdout, folder):
    """(text with the numbers taken out, the numbers): timings, lines naming files in
    ``folder`` and whose-code lines dropped."""
    lines = [line for line in stdout.splitlines() if not HEADER.match(line) and str(folder) not in line]
    text = TIME.sub("<time>", "\n".join(lines))
    return NUMBER.sub("#", text), np.array([float(x) for x in NUMBER.findall(text)])


def _same_numbers(lesson, plain, mine, tmp_path):
    assert ": yours" in mine and "tinynet's —" not in mine, mine[:500]
    plain_text, plain_numbers = _measured(plain, tmp_path)
    mine_text, mine_numbers = _measured(mine, tmp_path)
    assert mine_text == plain_text, f"--mine printed other lines than the plain run:\n{mine_text}\n---\n{plain_text}"
    close = np.isclose(mine_numbers, plain_numbers, rtol=1e-9, atol=1e-12)
    assert close.all(), (f"lesson {lesson.number} --mine differs from the plain run: "
                         f"{mine_numbers[~close]} vs {plain_numbers[~close]}")


def test_every_lesson_is_covered():
    """Each lesson folder is run whole, tested on small arguments, or substitutes nothing
    (which test_a_lesson_without_wiring_says_so asserts its --mine header says)."""
    for lesson in WIRED:
        assert lesson.number in FULL_RUN or lesson.number in SMALL, (
            f"lesson {lesson.number} substitutes the learner's pieces (mine.piece/mine.modules) but this "
            "file does not test it: add a call of its functions with small arguments to SMALL")
    assert {lesson.number for lesson in ALL} >= set(FULL_RUN)


@pytest.mark.slow
@pytest.mark.parametrize("lesson", [lesson for lesson in WIRED if lesson.number in FULL_RUN],
                         ids=lambda lesson: f"{lesson.number:02d}")
def test_mine_with_the_references_prints_the_plain_numbers(lesson, tmp_path):
    tree = _tree(tmp_path, lesson)
    plain = _run(tree, lesson, False, tmp_path / "plain")
    mine = _run(tree, lesson, True, tmp_path / "mine")
    _same_numbers(lesson, plain, mine, tmp_path)


SMALL_SCRIPT = """import numpy as np
from tinynet.lessons import load_module
lesson = load_module("lesson.py", "small_case")
rng = np.random.default_rng(0)
"""


@pytest.mark.slow
@pytest.mark.parametrize("lesson", [lesson for lesson in WIRED if lesson.number not in FULL_RUN],
                         ids=lambda lesson: f"{lesson.number:02d}")
def test_mine_with_the_references_gives_the_plain_numbers_on_small_arguments(lesson, tmp_path):
    tree = _tree(tmp_path, lesson)
    plain, mine = (_run(tree, lesson, switch, tmp_path / "out", script=SMALL_SCRIPT + SMALL[lesson.number])
                   for switch in (False, True))
    _same_numbers(lesson, plain, mine, tmp_path)


@pytest.mark.parametrize("lesson", [lesson for lesson in ALL if lesson not in WIRED] or [None],
                         ids=lambda lesson: f"{lesson.number:02d}" if lesson else "none")
def test_a_lesson_without_wiring_says_so(lesson, monkeypatch, capsys):
    if lesson is None:
        pytest.skip("every lesson substitutes the learner's pieces")
    monkeypatch.setattr(L.subprocess, "run", lambda cmd, cwd, env: subprocess.CompletedProcess(cmd, 0))
    monkeypatch.setenv("TINYNET_LESSONS", str(LESSONS_DIR))
    assert L.run_lesson(lesson.number, mine=True) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first == f"Lesson {lesson.number} substitutes none of your pieces under --mine: this is its plain run."


@pytest.mark.slow
def test_mine_with_untouched_stubs_says_so_and_is_tinynets_run(tmp_path):
    lesson = L.find_lesson(2, LESSONS_DIR)
    tree = _tree(tmp_path, lesson, solved=False)
    mine = _run(tree, lesson, True, tmp_path / "mine")
    assert "engine: tinynet's — lesson 1 not done (0 of 13 pass; unbroadcast: not implemented yet)" in mine, mine[:600]
    assert "nothing of yours from lessons 1-3 passes yet" in mine
    assert _measured(mine, tmp_path)[0] == _measured(_run(tree, lesson, False, tmp_path / "plain"), tmp_path)[0]


def test_stand_ins_train_like_tinynet(monkeypatch):
    """Five SGD steps of a 2-4-1 ReLU net on the reference engine through the stand-ins give
    tinynet's losses and weights to 1e-12."""
    import tinynet as tn
    from tinynet import mine, nn, optim
    from tinynet.nn import functional as F

    monkeypatch.setenv("TINYNET_LESSONS", str(LESSONS_DIR))
    kit = type("K", (), {})()
    reference = {n: mine.reference(n) for n in ENGINE_LESSONS}
    for n in (2, 3):
        reference[n].Tensor = reference[1].Tensor
    kit.Tensor, kit.engine = reference[1].Tensor, reference[1]
    kit.Dense, kit.matmul = reference[2].Dense, reference[2].matmul
    kit.softmax_cross_entropy, kit.bce_with_logits = reference[2].softmax_cross_entropy, reference[3].bce_with_logits
    kit.sgd_step, kit.pending_hooks = reference[3].sgd_step, []
    from tinynet import mine_standins as s
    mtn, mnn, mF, moptim = s.TnStandIn(tn, kit), s.NnStandIn(nn, kit), s.FStandIn(F, kit), s.OptimStandIn(optim, kit)
    x = np.random.default_rng(0).standard_normal((16, 2))
    y = (x[:, :1] > 0).astype(np.float64)
    runs = []
    for T, N, FF, O in ((tn, nn, F, optim), (mtn, mnn, mF, moptim)):
        T.manual_seed(3)
        model = N.Sequential(N.Dense(2, 4, activation="relu", kernel_initializer="he_normal", dtype=np.float64),
                             N.Dense(4, 1, activation="sigmoid", dtype=np.float64),
                             N.Dense(1, 1, dtype=np.float64))
        opt = O.SGD(model.parameters(), lr=0.1, momentum=0.9)
        losses = []
        for _ in range(5):
            loss = FF.binary_cross_entropy_with_logits(model(T.Tensor(x)), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(float(loss.data))
        runs.append((losses, [np.array(p.data) for p in model.parameters()]))
    assert isinstance(model, s.MineSequential)
    np.testing.assert_allclose(runs[1][0], runs[0][0], rtol=0, atol=1e-12)
    for mine_p, tinynet_p in zip(runs[1][1], runs[0][1]):
        np.testing.assert_allclose(mine_p, tinynet_p, rtol=0, atol=1e-12)


def test_lesson_mine_sets_the_switch_and_says_when_a_lesson_uses_nothing_of_yours(monkeypatch, capsys, tmp_path):
    import subprocess as sp

    calls = []
    monkeypatch.setattr(L.subprocess, "run", lambda cmd, cwd, env: calls.append(env) or sp.CompletedProcess(cmd, 0))
    tree = tmp_path / "lessons"
    for number, wired in ((4, True), (9, False)):
        lesson = L.find_lesson(number, LESSONS_DIR)
        folder = tree / lesson.path.name
        folder.mkdir(parents=True)
        (folder / "README.md").write_text(f"# Lesson {number}\n", encoding="utf-8")
        (folder / "lesson.py").write_text("tn, nn, F, optim = mine.modules(tn, nn, F, optim)\n" if wired else "pass\n",
                                          encoding="utf-8")
    monkeypatch.setenv("TINYNET_LESSONS", str(tree))
    assert L.run_lesson(4, mine=True) == 0 and calls[-1]["TINYNET_MINE"] == "1"
    assert "on your pieces" in capsys.readouterr().out
    assert L.run_lesson(9, mine=True) == 0
    assert "substitutes none of your pieces" in capsys.readouterr().out
    monkeypatch.setenv("TINYNET_MINE", "1")
    assert L.run_lesson(4) == 0 and "TINYNET_MINE" not in calls[-1]


def test_whose_code_lines_say_what_is_missing(monkeypatch):
    """The --mine header: a piece of several exercises says how many pass and which is next;
    a one-exercise piece only its status; a file that does not import says so, once."""
    from tinynet import mine
    from tinynet.lessons import FAILED, NOT_IMPLEMENTED, PASSED, Result

    broken = "exercises.py does not import: SyntaxError line 4: invalid syntax"
    graded = {1: {"a": Result("a", PASSED), "b": Result("b", FAILED, "b returns the wrong shape"),
                  "c": Result("c", NOT_IMPLEMENTED)},
              2: {"d": Result("d", FAILED, broken), "e": Result("e", FAILED, broken)},
              8: {"he_normal": Result("he_normal", NOT_IMPLEMENTED)}}
    monkeypatch.setattr(mine, "_results", graded.__getitem__)
    assert mine.finished(1, ("a",)) == (True, "")
    assert mine.finished(1, ("a", "b", "c")) == (False, "lesson 1 not done (1 of 3 pass; b: fails `tinynet check 1`)")
    assert mine.finished(2, ("d", "e")) == (False, f"lesson 2 not done ({broken})")
    assert mine.finished(8, ("he_normal",)) == (False, "lesson 8 not done (not implemented yet)")
    reference = type("M", (), {"__file__": "/x/lessons/solutions/lesson_08.py", "f": len, "g": abs})
    assert mine.ran({"f": len, "g": max}, reference) == (
        "code that ran: f tinynet's, g yours (tinynet's = the reference, lessons/solutions/lesson_08.py)")
