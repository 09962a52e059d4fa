"""The command line: a user's mistake is one line on stderr and exit code 2, never a traceback."""
import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow   # each case starts a Python process (about a second)


def _tinynet(*args, cwd):
    return subprocess.run([sys.executable, "-m", "tinynet", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=120)


CASES = {
    "unknown scheme": (["--inits", "he_normal,glorot_unifrom"], "glorot_uniform"),
    "bad scheme number": (["--inits", "random_normal:abc"], "expected a number"),
    "unknown dataset": (["--dataset", "cifar10"], "dataset"),
    "unknown activation": (["--activation", "swish"], "activation"),
    "unknown optimizer": (["--optimizer", "rmsprop"], "optimizer"),
    "zero width": (["--width", "0"], "--width must be a positive"),
    "negative depth": (["--depth", "-3"], "--depth must be a positive"),
    "zero lr": (["--lr", "0"], "--lr must be a positive"),
    "negative lr": (["--lr", "-0.1"], "--lr must be a positive"),
    "zero steps": (["--steps", "0"], "--steps must be a positive"),
    "zero seeds": (["--seeds", "0"], "--seeds must be a positive"),
    "not a number": (["--width", "wide"], "invalid int value"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_is_one_line_and_exit_2(name, tmp_path):
    args, expected = CASES[name]
    done = _tinynet("compare", *args, "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr and expected in lines[0]
    assert not (tmp_path / "out").exists()      # nothing written for a rejected command


def test_unwritable_out_is_one_line_and_exit_2(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("the user's file\n")
    for out in (blocker, blocker / "sub"):       # a file where the folder should be; a folder under a file
        done = _tinynet("compare", "--steps", "1", "--seeds", "1", "--inits", "zeros", "--out", str(out),
                        cwd=tmp_path)
        assert done.returncode == 2
        assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
        assert "--out" in done.stderr
    assert blocker.read_text() == "the user's file\n"


def test_small_compare_runs_and_says_where_it_wrote(tmp_path):
    out = tmp_path / "results"
    out.mkdir()
    (out / "notes.txt").write_text("mine\n")       # an unrelated file of the user's stays untouched
    done = _tinynet("compare", "--inits", "zeros,he_normal", "--steps", "20", "--seeds", "1", "--depth", "2",
                    "--width", "8", "--out", str(out), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert str(out) in done.stdout and "results.json" in done.stdout
    assert "he_normal" in done.stdout and "stalls" in done.stdout
    from tinynet.lab.folder import MANIFEST
    from tinynet.lab.report import FILES
    assert sorted(os.listdir(out)) == sorted(["notes.txt", MANIFEST, *FILES.values()])
    assert (out / "notes.txt").read_text() == "mine\n"
