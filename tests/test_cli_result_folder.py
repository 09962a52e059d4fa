"""`tinynet compare --out F` leaves F holding one whole run: never two runs mixed, never half
a run, whatever interrupts it; a second run on a folder in use is refused; a write failure
after training is one line that says where the computed results were kept."""
import errno
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from tinynet import cli
from tinynet.lab import folder as folder_module
from tinynet.lab.report import FILES

RUN_FILES = sorted(FILES.values())   # what one run writes

pytestmark = pytest.mark.slow   # each case starts one or two Python processes (a second or two each)

TINY = ["--steps", "3", "--seeds", "1", "--depth", "1", "--width", "4", "--quiet"]
FIRST = ["compare", "--inits", "zeros,he_normal", *TINY]
SECOND = ["compare", "--inits", "glorot_uniform", *TINY]

# A driver: the real CLI, with one function slowed down so a signal can land inside it.
# It prints PAUSE on stdout when it gets there.
DRIVER = textwrap.dedent("""
    import sys, time
    target, argv = sys.argv[1], sys.argv[2:]
    def pause(module, name, when=lambda *a: True):
        original = getattr(module, name)
        def slow(*a, **k):
            if when(*a):
                print("PAUSE", flush=True)
                time.sleep(4)
            return original(*a, **k)
        setattr(module, name, slow)
    if target == "training":
        import tinynet.lab; pause(sys.modules["tinynet.lab.compare"], "_run_all")
    elif target == "first-figure":
        from tinynet import plot; pause(plot, "save")
    elif target == "commit":
        import tinynet.lab; folder = sys.modules["tinynet.lab.folder"]
        pause(folder.atomic, "write_text", when=lambda path, *a: path.endswith(folder.MANIFEST))
    from tinynet.cli import main
    sys.exit(main(argv))
""")


def _start(tmp_path, target, argv):
    return subprocess.Popen([sys.executable, "-c", DRIVER, target, *argv], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=tmp_path)


def _wait_for_pause(proc):
    line = proc.stdout.readline()
    assert line.strip() == "PAUSE", (line, proc.stderr.read() if proc.poll() is not None else "")


def _run(tmp_path, argv):
    return subprocess.run([sys.executable, "-m", "tinynet", *argv], capture_output=True, text=True,
                          cwd=tmp_path, timeout=120)


def _snapshot(out):
    """name -> sha256 of every entry in ``out`` (hidden ones included)."""
    return {n: hashlib.sha256(open(os.path.join(out, n), "rb").read()).hexdigest()
            if os.path.isfile(os.path.join(out, n)) else "<folder>" for n in sorted(os.listdir(out))}


@pytest.fixture(scope="module")
def _earlier(tmp_path_factory):
    """One real run, made once per module; each test starts from a copy of its folder."""
    where = tmp_path_factory.mktemp("earlier")
    done = _run(where, [*FIRST, "--out", str(where / "out")])
    assert done.returncode == 0, done.stderr
    return where / "out"


@pytest.fixture
def first_run(_earlier, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(_earlier, out)
    (out / "notes.txt").write_text("the user's own file\n")
    return out, _snapshot(out)


@pytest.mark.parametrize("moment", ["training", "first-figure"])
def test_sigint_before_the_commit_leaves_the_earlier_run_as_it_was(tmp_path, first_run, moment):
    out, before = first_run
    proc = _start(tmp_path, moment, [*SECOND, "--out", str(out)])
    _wait_for_pause(proc)
    if moment == "first-figure":   # by now results.json and table.txt exist in the temporary folder
        partial = [n for n in os.listdir(out) if n.startswith(folder_module.TEMP_PREFIX)]
        assert len(partial) == 1 and "results.json" in os.listdir(out / partial[0])
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and err.strip().splitlines() == ["tinynet: interrupted"]
    assert _snapshot(out) == before          # same files, same bytes; no lock, no temporary folder left


def test_sigterm_while_drawing_also_leaves_the_earlier_run_as_it_was(tmp_path, first_run):
    out, before = first_run
    proc = _start(tmp_path, "first-figure", [*SECOND, "--out", str(out)])
    _wait_for_pause(proc)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signal.SIGTERM and "Traceback" not in err, err
    assert _snapshot(out) == before


def test_sigint_during_the_commit_is_held_until_the_new_run_is_whole(tmp_path, first_run):
    out, before = first_run
    proc = _start(tmp_path, "commit", [*SECOND, "--out", str(out)])
    _wait_for_pause(proc)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "Traceback" not in err
    after = _snapshot(out)
    assert set(after) == set(before)
    changed = {n for n in after if after[n] != before[n]}
    assert changed == {*RUN_FILES, folder_module.MANIFEST}
    assert json.loads((out / "results.json").read_text())["settings"]["inits"] == ["glorot_uniform"]


def test_sigint_at_arbitrary_moments_leaves_either_run_whole(tmp_path, first_run):
    out, before = first_run
    # (not earlier than 0.3 s: before Python's own start-up (site) is done, no program can catch it)
    for delay in (0.3, 0.7, 1.1, 1.5):
        proc = subprocess.Popen([sys.executable, "-m", "tinynet", *SECOND, "--out", str(out)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
        assert "Traceback" not in err, err
        after = _snapshot(out)
        assert set(after) == set(before), (delay, after)
        changed = {n for n in after if after[n] != before[n]}
        old_run = not changed
        new_run = json.loads((out / "results.json").read_text())["settings"]["inits"] == ["glorot_uniform"]
        assert old_run or (new_run and changed == {*RUN_FILES, folder_module.MANIFEST}), (delay, changed)
        if new_run:
            break


def test_a_second_run_on_a_folder_in_use_is_refused(tmp_path):
    out = tmp_path / "out"
    first = _start(tmp_path, "training", [*FIRST, "--out", str(out)])
    _wait_for_pause(first)
    lock = json.loads((out / folder_module.LOCK).read_text())
    assert lock["pid"] == first.pid
    second = _run(tmp_path, [*SECOND, "--out", str(out)])
    assert second.returncode == 2
    lines = second.stderr.strip().splitlines()
    assert len(lines) == 1 and "in use by another tinynet run" in lines[0] and f"pid {first.pid}" in lines[0]
    _, err = first.communicate(timeout=60)
    assert first.returncode == 0, err
    assert json.loads((out / "results.json").read_text())["settings"]["inits"] == ["zeros", "he_normal"]
    assert not (out / folder_module.LOCK).exists()


def test_a_stale_lock_of_a_dead_run_is_taken_over(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (out / folder_module.LOCK).write_text(json.dumps({"pid": dead.pid, "started": "then"}))
    leftover = out / f"{folder_module.TEMP_PREFIX}{dead.pid}-abc"
    leftover.mkdir()
    (leftover / "results.json").write_text("{}")
    done = _run(tmp_path, [*FIRST, "--out", str(out)])
    assert done.returncode == 0, done.stderr
    assert f"pid {dead.pid}" in done.stdout and "no longer running" in done.stdout
    assert not leftover.exists() and not (out / folder_module.LOCK).exists()


def test_replaced_and_removed_files_are_named(tmp_path, first_run):
    out, _ = first_run
    manifest = json.loads((out / folder_module.MANIFEST).read_text())
    manifest["files"].append("old-figure.png")     # as if the earlier run had written one more file
    (out / folder_module.MANIFEST).write_text(json.dumps(manifest))
    (out / "old-figure.png").write_bytes(b"png")
    done = _run(tmp_path, [*SECOND, "--out", str(out)])
    assert done.returncode == 0, done.stderr
    assert f"Replaced the earlier run's {', '.join(RUN_FILES)}." in done.stdout
    assert "Removed the earlier run's old-figure.png" in done.stdout
    assert not (out / "old-figure.png").exists() and (out / "notes.txt").exists()


def test_results_json_being_a_folder_is_one_line_and_keeps_the_results(tmp_path):
    out = tmp_path / "out"
    (out / "results.json").mkdir(parents=True)
    done = _run(tmp_path, [*FIRST, "--out", str(out)])
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert "results.json could not be written" in lines[0] and "a folder of that name is in the way" in lines[0]
    kept = lines[0].split("kept in ")[1].split(" (")[0]
    assert sorted(os.listdir(kept)) == RUN_FILES
    assert sorted(os.listdir(out)) == sorted(["results.json", os.path.basename(kept)])


def test_a_full_disk_while_drawing_is_one_line_and_keeps_results_json(tmp_path, first_run, monkeypatch, capsys):
    out, before = first_run
    from tinynet import atomic

    def disk_full_for_figures(f, path):
        if path.endswith(".png"):
            raise OSError(errno.ENOSPC, "No space left on device")
        f.flush()

    monkeypatch.setattr(atomic, "_to_disk", disk_full_for_figures)
    code = cli.main([*SECOND, "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "loss_curves.png" in lines[0] and "No space left on device" in lines[0], err
    kept = lines[0].split("kept in ")[1].split(" (")[0]
    assert sorted(os.listdir(kept)) == ["results.json", "table.txt"]
    assert json.loads(open(os.path.join(kept, "results.json")).read())["settings"]["inits"] == ["glorot_uniform"]
    after = _snapshot(out)
    assert {n: h for n, h in after.items() if n != os.path.basename(kept)} == before


IMPORT_TRIP = textwrap.dedent("""
    import os, signal, sys
    as_command = sys.argv[1] == "command"
    if as_command:
        sys.argv[0] = "tinynet"
    class Trip:     # Ctrl-C just as tinynet starts importing its kernels (numba)
        def find_spec(self, name, path=None, target=None):
            if name == "tinynet.kernels":
                os.kill(os.getpid(), signal.SIGINT)
    sys.meta_path.insert(0, Trip())
    import tinynet.cli
    sys.exit(tinynet.cli.main(["doctor", "--depth", "2", "--width", "4"]))
""")


def test_ctrl_c_while_the_command_imports_tinynet_is_one_line(tmp_path):
    done = subprocess.run([sys.executable, "-c", IMPORT_TRIP, "command"], capture_output=True, text=True,
                          cwd=tmp_path, timeout=60)
    assert done.returncode == 130
    assert done.stderr.strip() == "tinynet: interrupted" and done.stdout == ""
    # a program that only imports tinynet keeps Python's KeyboardInterrupt
    done = subprocess.run([sys.executable, "-c", IMPORT_TRIP, "library"], capture_output=True, text=True,
                          cwd=tmp_path, timeout=60)
    assert done.returncode == -signal.SIGINT and "KeyboardInterrupt" in done.stderr
