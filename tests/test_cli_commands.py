"""The CLI's wiring, in process: lesson commands call tinynet.lessons, doctor prints its report."""
import sys
import types

import pytest

from tinynet import cli


@pytest.fixture
def fake_lessons(monkeypatch):
    calls = []
    module = types.ModuleType("tinynet.lessons")
    module.list_lessons = lambda: calls.append(("list",)) or 0
    module.run_lesson = lambda n: calls.append(("run", n)) or 3
    module.check_lesson = lambda n: calls.append(("check", n)) or 1
    monkeypatch.setitem(sys.modules, "tinynet.lessons", module)
    import tinynet
    monkeypatch.setattr(tinynet, "lessons", module, raising=False)
    return calls


def test_lesson_commands_call_the_lessons_module(fake_lessons):
    assert cli.main(["lessons"]) == 0
    assert cli.main(["lesson", "4"]) == 3
    assert cli.main(["check", "7"]) == 1
    assert fake_lessons == [("list",), ("run", 4), ("check", 7)]


def test_missing_lessons_module_is_one_line(monkeypatch, capsys):
    import tinynet
    monkeypatch.setitem(sys.modules, "tinynet.lessons", None)   # import fails
    monkeypatch.delattr(tinynet, "lessons", raising=False)     # even if an earlier test imported it
    assert cli.main(["lessons"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("tinynet: error:")


def test_no_command_prints_help_and_returns_2(capsys):
    assert cli.main([]) == 2
    assert "compare" in capsys.readouterr().out


def test_doctor_command(capsys):
    assert cli.main(["doctor", "--init", "glorot_uniform", "--depth", "20", "--width", "64"]) == 0
    out = capsys.readouterr().out
    assert "vanishing" in out and "he_normal" in out
    assert cli.main(["doctor", "--init", "he_normal", "--depth", "20", "--width", "64"]) == 0
    assert "All layers healthy" in capsys.readouterr().out


def test_doctor_bad_input(capsys):
    assert cli.main(["doctor", "--init", "nope"]) == 2
    assert cli.main(["doctor", "--width", "0"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and all(line.startswith("tinynet: error:") for line in err)
