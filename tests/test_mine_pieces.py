"""mine.pieces: a lesson's exercises as the lesson uses them. A plain run gets tinynet's
reference solutions and prints nothing; under --mine each piece is the learner's where it
passes its grader and the reference elsewhere, with one line each saying whose."""
import shutil
from pathlib import Path

import pytest

from tinynet import mine

LESSONS_DIR = Path(__file__).resolve().parents[1] / "lessons"
NAMES = ("expected_initial_loss", "prior_bias")


@pytest.fixture
def fresh(monkeypatch):
    """mine's per-process memory (grades, lines said, modules loaded) emptied for one test."""
    for name in ("_grades", "_loaded"):
        monkeypatch.setattr(mine, name, {})
    monkeypatch.setattr(mine, "_said", set())
    monkeypatch.delenv("TINYNET_MINE", raising=False)
    return monkeypatch


def _tree(tmp_path, exercises):
    """Lesson 10 with ``exercises`` as the learner's file, beside the reference solutions."""
    tree = tmp_path / "lessons"
    folder = next(LESSONS_DIR.glob("10_*"))
    shutil.copytree(folder, tree / folder.name, ignore=shutil.ignore_patterns("out", "__pycache__"))
    shutil.copytree(LESSONS_DIR / "solutions", tree / "solutions", ignore=shutil.ignore_patterns("__pycache__"))
    (tree / folder.name / "exercises.py").write_text(exercises, encoding="utf-8")
    return tree


def test_a_plain_run_gets_the_reference_solutions_and_prints_nothing(fresh, capsys):
    fresh.setenv("TINYNET_LESSONS", str(LESSONS_DIR))
    pieces = mine.pieces(10, *NAMES)
    reference = mine.reference(10)
    assert sorted(vars(pieces)) == sorted(NAMES)
    for name in NAMES:
        assert getattr(pieces, name) is getattr(reference, name)
    assert capsys.readouterr().out == ""
    assert mine.ran(pieces, reference).startswith(
        "code that ran: expected_initial_loss tinynet's, prior_bias tinynet's (tinynet's = the reference")


def test_under_mine_a_passing_piece_is_the_learners_and_a_stub_the_reference(fresh, tmp_path, capsys):
    solution = (LESSONS_DIR / "solutions" / "lesson_10.py").read_text(encoding="utf-8")
    stub = '\n\ndef prior_bias(y, num_classes):\n    raise NotImplementedError("not implemented yet")\n'
    tree = _tree(tmp_path, solution + stub)
    fresh.setenv("TINYNET_LESSONS", str(tree))
    fresh.setenv("TINYNET_MINE", "1")
    pieces = mine.pieces(10, *NAMES)
    reference, learners = mine.reference(10), mine.engine(10)
    assert pieces.expected_initial_loss is learners.expected_initial_loss
    assert pieces.expected_initial_loss is not reference.expected_initial_loss
    assert pieces.prior_bias is reference.prior_bias
    assert capsys.readouterr().out.splitlines() == [
        "expected_initial_loss: yours",
        "prior_bias: tinynet's — lesson 10 not done (not implemented yet)"]
    assert mine.ran(pieces, reference) == ("code that ran: expected_initial_loss yours, prior_bias tinynet's "
                                           "(tinynet's = the reference, lessons/solutions/lesson_10.py)")
    mine.pieces(10, *NAMES)                          # asked again: whose is said once per run
    assert capsys.readouterr().out == ""


def test_the_runner_sees_a_lesson_wired_through_pieces():
    assert mine.WIRING.search('PIECES = mine.pieces(10, "prior_bias")')
    assert mine.WIRING.search('f = mine.piece(5, "unit_spread", f)')
    assert mine.WIRING.search("tn, nn, F, optim = mine.modules(tn, nn, F, optim)")
    assert not mine.WIRING.search("from tinynet import mine")
