"""Tasks shared among worker processes: whichever worker is free takes the next task.

    results = run_tasks(work, tasks, jobs=2, on_start=..., on_step=..., on_done=...)

``work(task, on_step)`` runs in a worker and returns a picklable value; ``results[i]`` is
the value of ``tasks[i]``, in the order of ``tasks`` whatever the order in which they
finished. The parent hands out one task at a time to whichever worker is free, so a
worker slowed by a busy core simply takes fewer tasks, and the others take more. At the
end, a free worker also computes a second copy of a task still running elsewhere, and
the first copy to finish counts: the last task never waits for a worker starved of CPU
(the lab's fits give the same bits in any process, so either copy will do).

How a worker starts, and why it is forked
-----------------------------------------
Workers are made with ``fork``: a child starts with the parent's memory -- tinynet
imported, the data set, every setting such as ``kernels.use("blas")`` or the default
dtype, the numba kernels the parent has already called -- so it needs no re-import and
no copy of the data (kernels the parent has not called yet, each worker loads from
numba's cache: about 0.2 s of CPU). ``spawn`` would start a fresh interpreter, import
everything again and lose those settings. Where ``fork`` is not available or not safe (every
platform but Linux; macOS's system libraries are not fork-safe), :func:`fork_available`
is False and the lab runs its fits in its own process (``jobs=1``).

Each worker runs tinynet's kernels and OpenBLAS on one thread, and the random samplers
on their serial build (:func:`tinynet.lab.threads.one_thread_per_worker`), so that
``jobs`` workers use ``jobs`` cores and never compete for them -- and never enter a numba
parallel region, which numba's OpenMP layer refuses in a forked child once the parent
has used it. The kernels' helper threads do not survive a fork
(``tinynet/kernels/pool.py`` and ``gemm_team.py`` forget them in the child); OpenBLAS
re-creates its own pool after a fork.

Errors, Ctrl-C, and no process left behind
------------------------------------------
- An exception in ``work`` travels back to the parent, which raises it there, with the
  worker's traceback as its cause (:class:`WorkerTraceback`). An exception that cannot be
  pickled becomes a :class:`WorkerError` that names its type and message.
- A worker that dies (killed, out of memory) is reported as a :class:`WorkerDied` error.
- Workers ignore Ctrl-C (a terminal sends SIGINT to every process of the command): the
  parent receives it, and on leaving :func:`run_tasks` -- normally, by an error or by
  Ctrl-C -- it stops the workers (SIGTERM, then SIGKILL after ``STOP_SECONDS``) and waits
  for each of them, so none is left running or unreaped.
- Should the parent itself die (``kill -9``), the kernel sends each worker SIGKILL
  (Linux's ``PR_SET_PDEATHSIG``), so no orphan goes on computing.
"""
from __future__ import annotations

import ctypes
import multiprocessing
import os
import pickle
import signal
import sys
import time
import traceback
import warnings
from collections import Counter
from multiprocessing.connection import wait

from .. import interrupts
from ..kernels.pool import usable_cpus  # noqa: F401  (the lab's CPU count is the kernels' one)
from .errors import LabError
from .threads import one_thread_per_worker

#: seconds a worker is given to end after SIGTERM before it is killed
STOP_SECONDS = 2.0
#: a worker reports its progress at most this often (seconds)
STEP_INTERVAL = 0.1
_PR_SET_PDEATHSIG = 1


def fork_available():
    """True where workers can be forked safely (Linux)."""
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


class WorkerError(RuntimeError):
    """An exception raised in a worker that could not be sent back as itself."""


class WorkerDied(LabError):
    """A worker process ended without sending its result (killed, or out of memory)."""


class WorkerTraceback(Exception):
    """The traceback of an exception raised in a worker, shown as the cause of the one
    raised in the parent."""

    def __str__(self):
        return "\n\n" + self.args[0]


def run_tasks(work, tasks, jobs, on_start=None, on_step=None, on_done=None, on_idle=None):
    """``[work(task, step) for task in tasks]`` computed by ``jobs`` forked workers.

    ``on_start(i)`` is called when task i is handed out, ``on_step(i, step, loss)`` as its
    worker reports progress (when ``on_step`` is given: at most every ``STEP_INTERVAL`` s),
    ``on_done(i, value)`` when its value arrives (in the order tasks finish), and
    ``on_idle()`` once, when the last task has been handed out and a worker is free (the
    place for the parent's own work).

    The last tasks: a worker that finds no task left computes a second copy of the task
    that has been running longest (one copy each), and whichever copy finishes first
    gives the value; the other worker is stopped. A worker stuck on a busy core thus never
    makes the others wait. ``work`` must give the same value wherever it runs (the lab's
    fits do, bit for bit)."""
    tasks = list(tasks)
    results = [None] * len(tasks)
    next_task = 0                                  # tasks are handed out in order
    busy = {}                                      # worker -> index of the task it computes
    workers = []

    def hand_out(worker):
        nonlocal on_idle, next_task
        if next_task < len(tasks):
            index, next_task = next_task, next_task + 1
            if on_start is not None:
                on_start(index)
        else:
            if on_idle is not None:
                on_idle()
                on_idle = None
            copies = Counter(busy.values())
            index = min((i for i, n in copies.items() if n == 1), default=None)
            if index is None:                      # nothing it could do: let it go now
                worker.finish()
                return
        busy[worker] = index
        worker.send(tasks[index])

    try:
        for _ in range(min(jobs, len(tasks))):
            workers.append(_Worker.start(work, workers, report_steps=on_step is not None))
        for worker in workers:
            hand_out(worker)
        while busy:
            interrupts.raise_if_interrupted()
            ready = set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy]))
            for worker in [w for w in busy if w.conn in ready or w.process.sentinel in ready]:
                if worker not in busy:             # stopped above: its copy lost the race
                    continue
                index = busy[worker]
                message = worker.receive(tasks[index])
                if message[0] == "step":
                    if on_step is not None:
                        on_step(index, message[1], message[2])
                    continue
                del busy[worker]
                results[index] = message[1]
                for other in [w for w, i in busy.items() if i == index]:
                    del busy[other]
                    other.stop()
                if on_done is not None:
                    on_done(index, message[1])
                hand_out(worker)
        for worker in workers:
            worker.finish()
    finally:
        for worker in workers:
            worker.stop()
    return results


class _Worker:
    """One forked process and the parent's end of its pipe."""

    def __init__(self, process, conn):
        self.process, self.conn = process, conn
        self.finished = self.stopped = False

    @classmethod
    def start(cls, work, others, report_steps):
        context = multiprocessing.get_context("fork")
        parent_end, child_end = context.Pipe()
        ends = [w.conn for w in others] + [parent_end]   # the child closes the parent's ends
        process = context.Process(target=_serve, args=(work, child_end, ends, report_steps, os.getpid()),
                                  name=f"tinynet-lab-worker-{len(others) + 1}", daemon=True)
        # a Ctrl-C that arrives during the fork waits until the child ignores it
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        try:
            interrupts.raise_if_interrupted()      # a Ctrl-C still pending is the parent's, not the child's
            with warnings.catch_warnings():
                # Python >= 3.12 warns about any fork of a process with threads; the threads here
                # (OpenBLAS's pool, tinynet's kernel helpers) are re-made after the fork (module docstring)
                warnings.filterwarnings("ignore", message=".*use of fork\\(\\) may lead to deadlocks",
                                        category=DeprecationWarning)
                process.start()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
            child_end.close()
        return cls(process, parent_end)

    def receive(self, task):
        """The next message of this worker; its error raised here, in the parent."""
        try:
            message = self.conn.recv()
        except (EOFError, OSError):
            raise self._died(task) from None
        if message[0] == "error":
            raise _rebuilt(message[1], message[2]) from WorkerTraceback(message[3])
        return message

    def send(self, task):
        try:
            self.conn.send(task)
        except OSError:                            # it died since its last message
            raise self._died(task) from None

    def _died(self, task):
        self.process.join(STOP_SECONDS)
        code = self.process.exitcode
        how = (f"was killed by signal {signal.Signals(-code).name}" if code is not None and code < 0
               else f"ended with exit code {code}")
        hint = " (out of memory?)" if code == -signal.SIGKILL else ""
        return WorkerDied(f"the worker process running {task} {how} before it finished{hint}; "
                          "--jobs 1 runs the fits in this process")

    def finish(self):
        """Tell the worker there is nothing more to do: it exits at once."""
        if self.finished:
            return
        try:
            self.conn.send(None)
            self.finished = True
        except OSError:
            pass

    def stop(self):
        """Make sure the process has ended and is reaped: it is given ``STOP_SECONDS`` to
        exit after :meth:`finish`, then terminated, then killed. (Once; later calls do nothing.)"""
        if self.stopped:
            return
        self.stopped = True
        process = self.process
        if self.finished:
            process.join(STOP_SECONDS)
        if process.exitcode is None:
            process.terminate()
            process.join(STOP_SECONDS)
        if process.exitcode is None:
            process.kill()
            process.join()
        self.conn.close()
        process.close()


def _rebuilt(pickled, description):
    if pickled is not None:
        try:
            return pickle.loads(pickled)
        except Exception:  # noqa: BLE001 - fall back to the description
            pass
    return WorkerError(description)


# --------------------------------------------------------------------------- in the worker
def _serve(work, conn, parent_ends, report_steps, parent_pid):
    signal.signal(signal.SIGINT, signal.SIG_IGN)      # the parent handles Ctrl-C and stops us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)     # inherited handlers would raise here
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    _die_with_parent(parent_pid)
    for end in parent_ends:
        end.close()
    one_thread_per_worker()
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):                   # the parent is gone
            return
        if task is None:
            return
        reporter = _StepReporter(conn) if report_steps else None
        try:
            value = work(task, reporter)
        except Exception as err:  # noqa: BLE001 - sent to the parent, raised there
            conn.send(("error",) + _describe(err))
            continue
        conn.send(("done", value))


def _die_with_parent(parent_pid):
    """Ask Linux to SIGKILL this process when its parent dies."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        return
    if os.getppid() != parent_pid:                    # the parent died before the call
        os._exit(1)


def _describe(err):
    """(pickled exception or None, 'Type: message', traceback text)."""
    text = "".join(traceback.format_exception(type(err), err, err.__traceback__))
    description = f"{type(err).__name__}: {err}"
    try:
        pickled = pickle.dumps(err)   # one that pickles but cannot be rebuilt: see _rebuilt
    except Exception:  # noqa: BLE001
        pickled = None
    return pickled, description, text


class _StepReporter:
    """``reporter(step, loss)``: sends the worker's progress, at most every ``STEP_INTERVAL`` s."""

    def __init__(self, conn):
        self.conn, self.last = conn, -float("inf")

    def __call__(self, step, loss):
        now = time.monotonic()
        if now - self.last >= STEP_INTERVAL:
            self.last = now
            self.conn.send(("step", step, loss))
