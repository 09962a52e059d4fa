"""`tinynet notebook`: every lesson's notebook is valid, reads in the learner's order, is
regenerated from lesson.py, and two short lessons execute end to end with their figures."""
import base64
import importlib.util
import re
import shutil

import pytest

from tinynet import cli, lessons

EXTRA = ("jupytext", "nbformat", "nbclient", "ipykernel")
MISSING = [name for name in EXTRA if importlib.util.find_spec(name) is None]
needs_extra = pytest.mark.skipif(bool(MISSING), reason=f"the notebook extra is not installed "
                                                       f"({', '.join(MISSING)}): pip install -e '.[notebook]'")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: two short lessons (about a second of lesson code each) executed in the suite
EXECUTED = (1, 2)


def test_without_the_extra_the_command_names_it_in_one_line(monkeypatch, capsys, tmp_path):
    monkeypatch.setitem(__import__("sys").modules, "jupytext", None)  # import jupytext -> ImportError
    assert cli.main(["notebook", "1", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "pip install -e '.[notebook]'" in err
    assert not list(tmp_path.iterdir())


@needs_extra
@pytest.mark.parametrize("lesson", lessons.discover(), ids=lambda lesson: lesson.path.name)
def test_every_lesson_notebook_is_valid_and_in_reading_order(lesson):
    import nbformat

    from tinynet import notebook

    nb = notebook.build(lesson)
    nbformat.validate(nbformat.reads(nbformat.writes(nb), as_version=4))
    readme = (lesson.path / "README.md").read_text(encoding="utf-8") if (lesson.path / "README.md").is_file() else ""
    script = (lesson.path / "lesson.py").read_text(encoding="utf-8")
    # the README comes first, section by section, verbatim
    sections = notebook.readme_sections(readme)
    assert [c.source for c in nb.cells[:len(sections)]] == sections
    assert "\n".join(sections).split() == readme.split()
    # then the setup cell, then lesson.py's code cells in the order of the file
    assert "find_lesson(%d)" % lesson.number in nb.cells[len(sections)].source
    code = [c.source for c in nb.cells[len(sections) + 1:-1] if c.cell_type == "code"]
    assert code, "lesson.py's cells are missing"
    positions = [script.index(source) for source in code]
    assert positions == sorted(positions)
    # figures appear inline because the lesson writes them where the setup cell watches
    assert "TINYNET_OUT" in script, "lesson.py should write its figures into $TINYNET_OUT (default ./out)"
    # and last, the grader of `tinynet check N`
    assert nb.cells[-1].cell_type == "code" and f"check_lesson({lesson.number})" in nb.cells[-1].source


@needs_extra
def test_an_unwritable_out_folder_is_one_line_and_code_2(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert cli.main(["notebook", "1", "--out", str(blocker / "notebooks")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("tinynet: error: cannot write into --out")


@needs_extra
def test_an_edited_lesson_regenerates_with_the_edit(tmp_path, monkeypatch, capsys):
    root = tmp_path / "lessons"
    original = lessons.find_lesson(1).path
    shutil.copytree(original, root / original.name, ignore=shutil.ignore_patterns("out", "__pycache__"))
    monkeypatch.setenv("TINYNET_LESSONS", str(root))
    out = tmp_path / "notebooks"
    assert cli.main(["notebook", "1", "--out", str(out)]) == 0
    path = out / f"{original.name}.ipynb"
    assert "print('an edited cell')" not in path.read_text(encoding="utf-8")

    with open(root / original.name / "lesson.py", "a", encoding="utf-8") as f:
        f.write("\n\n# %% An added experiment\nprint('an edited cell')\n")
    with open(root / original.name / "README.md", "a", encoding="utf-8") as f:
        f.write("\n## An added section\n\nIts words.\n")
    assert cli.main(["notebook", "all", "--out", str(out)]) == 0
    assert str(path) in capsys.readouterr().out

    import nbformat

    nb = nbformat.read(path, as_version=4)
    sources = [c.source for c in nb.cells]
    assert "print('an edited cell')" in sources and "### An added experiment" in sources
    assert "## An added section\n\nIts words." in sources
    assert sources.index("## An added section\n\nIts words.") < sources.index("print('an edited cell')")


def _outputs(nb):
    return [(i, o) for i, c in enumerate(nb.cells) if c.cell_type == "code" for o in c.get("outputs", [])]


@needs_extra
@pytest.mark.slow
@pytest.mark.parametrize("number", EXECUTED)
def test_a_short_lesson_executes_with_its_figures_inline(number, tmp_path, monkeypatch, capsys):
    from tinynet import notebook

    figures = tmp_path / "figures"
    monkeypatch.setenv("TINYNET_OUT", str(figures))
    lesson = lessons.find_lesson(number)
    path = notebook.make(lesson, tmp_path, run=True, progress=False)

    import nbformat

    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    outputs = _outputs(nb)
    assert not [o for _, o in outputs if o.output_type == "error"]
    written = sorted(figures.glob("*.png"))
    assert written, "the lesson wrote no figure"
    shown = [base64.b64decode(o.data["image/png"]) for _, o in outputs if "image/png" in o.get("data", {})]
    assert all(image.startswith(PNG_SIGNATURE) for image in shown)
    assert sorted(shown) == sorted(p.read_bytes() for p in written)  # each figure file, inline once
    printed = "".join(o.get("text", "") for _, o in outputs if o.output_type == "stream")
    assert str(figures) in printed  # the lesson's own printout names where it wrote
    grading = "".join(o.get("text", "") for i, o in outputs if i == len(nb.cells) - 1 and o.get("name") == "stdout")
    for exercise in lessons.load_grader(lesson).EXERCISES:
        assert exercise in grading
    lessons.check_lesson(number)  # graded the same as `tinynet check N`, line for line
    unique = re.compile(r"tinynet_lessons_\w+?_\d+")  # a grader's module name carries a per-process counter
    assert unique.sub("module", grading) == unique.sub("module", capsys.readouterr().out)


@needs_extra
@pytest.mark.slow
def test_a_failing_cell_is_reported_and_the_written_notebook_keeps_the_error(tmp_path):
    folder = tmp_path / "lessons" / "01_broken"
    folder.mkdir(parents=True)
    (folder / "README.md").write_text("# Lesson 1 — Broken\n", encoding="utf-8")
    (folder / "lesson.py").write_text("# %%\nprint('before')\n\n# %%\nraise ValueError('planted')\n", encoding="utf-8")
    lesson = lessons.Lesson(1, "broken", folder)
    from tinynet import notebook

    with pytest.raises(notebook.CellFailed, match="ValueError: planted"):
        notebook.make(lesson, tmp_path / "out", run=True, progress=False)
    import nbformat

    nb = nbformat.read(tmp_path / "out" / "01_broken.ipynb", as_version=4)
    kinds = [o.output_type for _, o in _outputs(nb)]
    assert "stream" in kinds and kinds[-1] == "error"
