"""A work-sharing pool for numba kernels that release the GIL: whoever is awake takes the next block.

    from tinynet.kernels import pool
    pool.run(kernel, args, blocks)     # kernel(*args, 0), ..., kernel(*args, blocks - 1)
    pool.threads()                     # threads that share the blocks (the caller included)
    pool.set_threads(1)                # everything on the calling thread from now on

Why not numba's ``parallel=True``? A ``prange`` loop is fork-join: the loop hands every
worker thread its share and returns only when each of them has run it. On an idle
machine that costs microseconds. When another process keeps a core busy, the worker
on that core waits for a time slice, and the caller waits for the worker: measured on 2
cores with one busy, a 200-step training took 18 s on two numba threads and 1.3 s on one.

Here the calling thread does not wait for anybody to wake up. It publishes the job and
starts on block 0 at once; a helper thread that wakes takes the next block not yet
taken (``next()`` on a shared ``itertools.count``, atomic under the GIL), and so on
until none is left. The caller then waits only for blocks a helper has already started,
i.e. for a thread that is running. If no helper ever gets the CPU, the caller computes
every block itself, at the speed of the serial path. The kernel must be compiled with
``nogil=True`` so that the threads really run at the same time.

Which thread computes a block never changes its result: each block is one call of the
same compiled kernel, writing its own part of the output.
"""
from __future__ import annotations

import itertools
import os
import threading

import numba

_state = {"threads": None}
_lock = threading.Lock()
_wake = threading.Condition(_lock)
_current = {"job": None, "generation": 0}
_helpers = []


def usable_cpus():
    """The CPUs this process may run on (its affinity mask where the OS has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _default_threads():
    """NUMBA_NUM_THREADS (numba's own setting), at most the CPUs this process may use."""
    return max(1, min(numba.config.NUMBA_NUM_THREADS, usable_cpus()))


def threads():
    """How many threads share a job's blocks, the calling thread included."""
    if _state["threads"] is None:
        _state["threads"] = _default_threads()
    return _state["threads"]


def set_threads(n):
    """Share later jobs among ``n`` threads (1: everything on the calling thread)."""
    if not isinstance(n, int) or n < 1:
        raise ValueError(f"the number of threads must be a positive integer, got {n!r}")
    _state["threads"] = n


class _Job:
    """One call of ``run``: the blocks not yet taken, and how many are finished."""

    __slots__ = ("kernel", "args", "blocks", "seats", "counter", "finished", "done", "error")

    def __init__(self, kernel, args, blocks, seats):
        self.kernel, self.args, self.blocks = kernel, args, blocks
        self.seats = seats   # helpers that may still join
        self.counter = itertools.count()
        self.finished = 0
        self.done = threading.Event()
        self.error = None

    def work(self):
        """Take and compute blocks until none is left."""
        kernel, args, blocks = self.kernel, self.args, self.blocks
        while True:
            block = next(self.counter)
            if block >= blocks:
                return
            try:
                kernel(*args, block)
            except BaseException as err:  # noqa: BLE001 - handed to the caller
                self.error = err
            with _lock:
                self.finished += 1
                last = self.finished == blocks
            if last:
                self.done.set()


def _helper_loop():
    seen = 0
    while True:
        with _wake:
            while _current["generation"] == seen:
                _wake.wait()
            seen = _current["generation"]
            job = _current["job"]
            if job is not None:
                if job.seats > 0:
                    job.seats -= 1
                else:
                    job = None
        if job is not None:
            job.work()


def _start_helpers(count):
    while len(_helpers) < count:
        thread = threading.Thread(target=_helper_loop, name=f"tinynet-kernels-{len(_helpers) + 1}",
                                  daemon=True)
        thread.start()
        _helpers.append(thread)


def _forget_helpers_after_fork():
    """A forked child has no helper threads (and may have inherited the lock held by one):
    new lock, no helpers; new ones start when the child needs them."""
    global _lock, _wake
    _lock = threading.Lock()
    _wake = threading.Condition(_lock)
    _helpers.clear()
    _current["job"], _current["generation"] = None, 0


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_helpers_after_fork)


def run(kernel, args, blocks):
    """Call ``kernel(*args, b)`` for b in range(blocks), shared among up to ``threads()``
    threads; returns when every block is done."""
    n = threads()
    if n <= 1 or blocks <= 1:
        for block in range(blocks):
            kernel(*args, block)
        return
    _start_helpers(n - 1)
    job = _Job(kernel, args, blocks, n - 1)
    with _wake:
        _current["job"] = job
        _current["generation"] += 1
        _wake.notify_all()
    job.work()
    job.done.wait()
    with _wake:
        if _current["job"] is job:
            _current["job"] = None
    if job.error is not None:
        raise job.error
