"""`tinynet compare --jobs N` shares the fits among N worker processes: the results are the
same bits for any N, an error in a worker reaches the caller as the same kind of error
naming the scheme and seed, and no worker process outlives the comparison."""
import importlib
import io
import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from tinynet import cli, init
from tinynet.lab import CompareConfig, LabError, compare, workers
from tinynet.lab import report
from tinynet.lab.run import Progress, run_one

compare_module = importlib.import_module("tinynet.lab.compare")   # the module, not the function
needs_fork = pytest.mark.skipif(not workers.fork_available(), reason="workers are forked (Linux only)")

SMALL = dict(inits="he_normal,random_normal:1", seeds=2, steps=20, depth=2, width=16)


def _without_timings(results):
    results = dict(results, seconds=None, files=None, settings=dict(results["settings"], out=None))
    results["runs"] = [dict(run, seconds=None) for run in results["runs"]]
    return results


def _bits(x):
    """``x`` with every float as its exact hexadecimal spelling (nan == nan here)."""
    if isinstance(x, dict):
        return {k: _bits(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_bits(v) for v in x]
    return x.hex() if isinstance(x, float) else x


def _gone(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@needs_fork
def test_one_and_two_jobs_give_the_same_bits():
    """Everything the files are made of: the runs, the summaries, the histograms' samples,
    the table (table.txt) and results.json's text, apart from the timings."""
    computed = {jobs: compare_module._compute(CompareConfig(**SMALL, jobs=jobs), progress=False) for jobs in (1, 2)}
    (one, samples_one, _), (two, samples_two, _) = computed[1], computed[2]
    strip = lambda runs: [dict(run, seconds=None) for run in runs]
    assert _bits(strip(one.runs)) == _bits(strip(two.runs))   # every float, bit for bit
    assert _bits(one.summaries) == _bits(two.summaries)
    assert list(samples_one) == list(samples_two)
    for label in samples_one:
        for a, b in zip(samples_one[label], samples_two[label]):
            assert a.dtype == b.dtype and a.tobytes() == b.tobytes()
    assert [(r["scheme"], r["seed"]) for r in two.runs] == [(s, k) for s in ("he_normal", "random_normal:1")
                                                            for k in range(2)]
    assert one.table() == two.table()
    as_json = lambda c: json.dumps(_without_timings(report.as_dict(c)), allow_nan=False)
    assert as_json(one) == as_json(two)
    assert "jobs" not in report.as_dict(two)["settings"]


def test_jobs_default_and_cap():
    config = CompareConfig(**SMALL)
    expected = min(workers.usable_cpus(), 4) if workers.fork_available() else 1
    assert config.jobs is None and config.workers == expected
    assert CompareConfig(**SMALL, jobs=64).workers == (4 if workers.fork_available() else 1)   # one per fit at most
    assert CompareConfig(**SMALL, jobs=1).workers == 1


@pytest.mark.parametrize("bad", [0, -2, 1.5, True, "2"])
def test_jobs_must_be_a_positive_whole_number(bad):
    with pytest.raises(LabError, match=r"--jobs must be a positive whole number of worker processes, got "):
        CompareConfig(**SMALL, jobs=bad)


def test_the_cli_flag_and_its_error(tmp_path, capsys):
    assert cli.main(["compare", "--jobs", "0", "--out", str(tmp_path / "out"), "--quiet"]) == cli.USER_ERROR
    err = capsys.readouterr().err
    assert err.startswith("tinynet: error: --jobs must be a positive whole number") and len(err.splitlines()) == 1
    with pytest.raises(SystemExit) as exit_:
        cli.main(["compare", "--jobs", "two"])
    assert exit_.value.code == cli.USER_ERROR and "--jobs: invalid int value: 'two'" in capsys.readouterr().err
    argv = ["compare", "--inits", "he_normal", "--seeds", "2", "--steps", "5", "--depth", "1", "--width", "4",
            "--quiet", "--jobs", "2", "--out", str(tmp_path / "out")]
    assert cli.main(argv) == 0
    assert "he_normal" in (tmp_path / "out" / "table.txt").read_text()


def test_the_memory_check_counts_the_workers_training_at_once():
    one = compare_module.check_memory(CompareConfig(**SMALL, jobs=1))
    two = compare_module.check_memory(CompareConfig(**SMALL, jobs=2))
    assert two > one if workers.fork_available() else two == one


def test_the_memory_check_counts_the_examples_the_run_trains_on():
    """A CNN comparison trains on the first CNN_EXAMPLES[0] images, not all 60,000: its
    kept pre-activations and its epoch's steps are estimated from those."""
    sizes = dict(inits="he_normal", seeds=1, epochs=2, depth=2, width=16, dataset="fashion-mnist")
    mlp = compare_module.check_memory(CompareConfig(**sizes, model="mlp", jobs=1))
    cnn = compare_module.check_memory(CompareConfig(**sizes, model="cnn", jobs=1))
    assert cnn < mlp


def _failing(scheme, seed, error):
    def failing_run_one(config, data, s, k, **kw):
        if (s.label, k) == (scheme, seed):
            raise error
        return run_one(config, data, s, k, **kw)
    return failing_run_one


class _Unpicklable(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.handle = lambda: None   # a lambda cannot be pickled


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_error_in_a_fit_names_the_scheme_and_seed(monkeypatch, jobs):
    monkeypatch.setattr(compare_module, "run_one", _failing("random_normal:1", 1, FloatingPointError("boom")))
    with pytest.raises(FloatingPointError, match=r"^random_normal:1 \(seed 1\): boom$") as caught:
        compare(CompareConfig(**SMALL, jobs=jobs), progress=False, write=False)
    if jobs > 1 and workers.fork_available():
        assert isinstance(caught.value.__cause__, workers.WorkerTraceback)
        assert "FloatingPointError: boom" in str(caught.value.__cause__)   # the worker's traceback


@needs_fork
def test_errors_that_cannot_be_sent_back_as_themselves(monkeypatch):
    monkeypatch.setattr(compare_module, "run_one", _failing("he_normal", 0, _Unpicklable("no pickle")))
    with pytest.raises(workers.WorkerError, match=r"_Unpicklable: he_normal \(seed 0\): no pickle"):
        compare(CompareConfig(**SMALL, jobs=2), progress=False, write=False)
    monkeypatch.setattr(compare_module, "run_one", _failing("he_normal", 1, OSError(28, "No space left")))
    with pytest.raises(OSError) as caught:                 # two arguments: kept as it is, with a note
        compare(CompareConfig(**SMALL, jobs=2), progress=False, write=False)
    assert caught.value.errno == 28 and caught.value.__notes__ == ["while training he_normal (seed 1)"]


def _work(task, on_step):
    if isinstance(task, tuple):             # ("stuck the first time", flag file)
        # Exactly one copy creates the flag (O_EXCL) and is stuck. Testing for the file, then
        # creating it, let both copies in when the second started before the first got there.
        try:
            os.close(os.open(task[1], os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            time.sleep(30)
        except FileExistsError:
            pass
        return "copy"
    if task == "die":
        os.kill(os.getpid(), signal.SIGKILL)
    if task == "slow":
        time.sleep(30)
    for step in range(3):
        if on_step is not None:
            on_step(step, 0.5)
    return os.getpid()


@needs_fork
def test_a_worker_that_dies_is_an_error_and_no_process_is_left():
    pids = []
    with pytest.raises(workers.WorkerDied, match=r"running die was killed by signal SIGKILL"):
        workers.run_tasks(_work, ["a", "die", "b", "c"], jobs=2, on_done=lambda i, pid: pids.append(pid))
    assert all(_gone(pid) for pid in pids)
    import multiprocessing
    assert multiprocessing.active_children() == []


@needs_fork
def test_ctrl_c_in_the_parent_stops_the_workers():
    started = []

    def on_start(index):
        if index == 2:                      # both workers are busy, one of them for 30 s
            raise KeyboardInterrupt
    began = time.perf_counter()
    with pytest.raises(KeyboardInterrupt):
        workers.run_tasks(_work, ["slow", "a", "b"], jobs=2, on_start=on_start,
                          on_done=lambda i, pid: started.append(pid))
    assert time.perf_counter() - began < 10
    assert started and all(_gone(pid) for pid in started)
    import multiprocessing
    assert multiprocessing.active_children() == []


@needs_fork
def test_results_come_back_in_the_order_of_the_tasks_with_progress():
    steps, idle = [], []
    pids = workers.run_tasks(_work, ["x"] * 6, jobs=2, on_step=lambda i, step, loss: steps.append(i),
                             on_idle=lambda: idle.append(True))
    assert len(pids) == 6 and len(set(pids)) <= 2 and os.getpid() not in pids
    assert idle == [True]                          # once, when the first worker had nothing left to do
    assert set(steps) <= set(range(6)) and steps   # throttled: at least the first step of a task


@needs_fork
def test_a_second_copy_of_the_last_task_finishes_it_when_its_worker_is_stuck(tmp_path):
    began = time.perf_counter()
    values = workers.run_tasks(_work, [("stuck", str(tmp_path / "flag")), "a", "b", "c"], jobs=2)
    assert values[0] == "copy" and len(values) == 4
    assert time.perf_counter() - began < 10      # not the 30 s of the stuck worker
    import multiprocessing
    assert multiprocessing.active_children() == []


def _draw(task, on_step):
    return init.HeNormal(seed=task)((2000, 1000)).tobytes()


@needs_fork
def test_large_draws_in_a_worker_after_the_parent_used_the_parallel_sampler():
    """2M values: the parallel build in the parent (which starts numba's threading layer);
    in the worker, the serial build, same bits (a parallel region there could end it)."""
    here = init.HeNormal(seed=3)((2000, 1000)).tobytes()
    assert workers.run_tasks(_draw, [3], jobs=1) == [here]
    assert workers.run_tasks(_draw, [3, 3], jobs=2) == [here, here]


def test_overlapping_runs_print_their_finished_lines_in_the_tables_order():
    stream = io.StringIO()
    bar = Progress(total_runs=3, steps_per_run=10, stream=stream)
    for number in (1, 2, 3):
        bar.begin(number, f"he_normal (seed {number - 1})")
    done = {"final_train_loss": 0.25, "test_accuracy": 0.9, "verdict": "converges"}
    bar.end(2, done)
    assert stream.getvalue() == ""                 # waits for run 1
    bar.end(1, done)
    bar.end(3, done)
    lines = stream.getvalue().splitlines()
    assert [line.split("]")[0].strip() for line in lines] == ["[  1/3", "[  2/3", "[  3/3"]
    assert "he_normal (seed 1)" in lines[1]


def test_the_live_line_shows_every_run_in_progress_and_the_furthest_copy(monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    stream = io.StringIO()
    bar = Progress(total_runs=33, steps_per_run=200, stream=stream)
    bar.line.live, bar.line.interval = True, 0.0   # as on a terminal, every update drawn
    bar.begin(32, "lsuv (seed 1)")
    bar.begin(33, "lsuv (seed 2)")
    bar.advance(32, 119, 0.5)
    bar.advance(33, 9, 0.75)
    bar.advance(33, 4, 0.9)                         # a second copy of run 33, behind the first
    last = stream.getvalue().split("\r")[-1]
    assert "[ 32/33] lsuv (seed 1) 120/200" in last and "[ 33/33] lsuv (seed 2)  10/200" in last
    monkeypatch.setenv("COLUMNS", "60")
    bar.advance(32, 120, 0.5)
    last = stream.getvalue().split("\r")[-1].rstrip()
    assert len(last) <= 59 and last.endswith("...")   # cut to the terminal's width, never wrapped


def _children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


@pytest.mark.slow
@needs_fork
def test_ctrl_c_of_the_command_leaves_the_earlier_run_and_no_worker(tmp_path):
    out = tmp_path / "out"
    tiny = ["compare", "--inits", "he_normal", "--seeds", "1", "--steps", "2", "--depth", "1", "--width", "4",
            "--quiet", "--out", str(out)]
    assert subprocess.run([sys.executable, "-m", "tinynet", *tiny], capture_output=True, timeout=120).returncode == 0
    before = {n: (out / n).read_bytes() for n in sorted(os.listdir(out))}
    proc = subprocess.Popen([sys.executable, "-m", "tinynet", "compare", "--inits", "he_normal,lsuv", "--seeds", "2",
                             "--steps", "100000", "--jobs", "2", "--quiet", "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while len(_children(proc.pid)) < 2 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    kids = _children(proc.pid)
    assert len(kids) == 2, proc.poll()
    time.sleep(0.3)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and err.strip().splitlines()[-1] == "tinynet: interrupted", err
    assert "Traceback" not in err
    assert all(_gone(pid) for pid in kids)
    assert {n: (out / n).read_bytes() for n in sorted(os.listdir(out))} == before
