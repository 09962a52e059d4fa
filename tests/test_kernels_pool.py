"""The work-sharing pool: every block exactly once, errors reach the caller, and the caller
never waits for a thread that has not started."""
import threading
import time

import numpy as np
import pytest

from tinynet.kernels import pool


@pytest.fixture
def two_threads():
    saved = pool.threads()
    pool.set_threads(2)
    yield
    pool.set_threads(saved)


def test_every_block_runs_exactly_once(two_threads):
    out = np.zeros(50, np.int64)
    seen = []

    def kernel(out, block):
        out[block] += 1
        seen.append(threading.current_thread().name)
        time.sleep(0.001)     # releases the GIL, as a nogil numba kernel does

    for _ in range(5):
        pool.run(kernel, (out,), 50)
    assert (out == 5).all()
    assert len(seen) == 250


def test_the_caller_does_not_wait_for_a_busy_helper(two_threads):
    """While the only helper is stuck in another job's block, a new job is computed by its
    caller alone, and returns without waiting for the helper."""
    release, inside = threading.Event(), []

    def stuck(block):
        inside.append(threading.current_thread().name)
        release.wait(timeout=30)

    other = threading.Thread(target=pool.run, args=(stuck, (), 2))
    other.start()
    deadline = time.monotonic() + 10
    while len(inside) < 2 and time.monotonic() < deadline:   # the helper took block 1
        time.sleep(0.001)
    assert len(inside) == 2 and any(name.startswith("tinynet-kernels") for name in inside)
    runners = []
    pool.run(lambda block: runners.append(threading.current_thread().name), (), 20)
    assert runners == [threading.current_thread().name] * 20
    release.set()
    other.join(timeout=30)
    assert not other.is_alive()


def test_an_error_in_a_block_reaches_the_caller(two_threads):
    def kernel(block):
        if block == 3:
            raise ArithmeticError("block 3 failed")

    with pytest.raises(ArithmeticError, match="block 3"):
        pool.run(kernel, (), 8)
    pool.run(lambda block: None, (), 8)           # the pool still works afterwards


def test_one_thread_runs_everything_in_order_on_the_caller():
    saved = pool.threads()
    pool.set_threads(1)
    try:
        order = []
        pool.run(lambda block: order.append((block, threading.current_thread().name)), (), 6)
    finally:
        pool.set_threads(saved)
    assert order == [(b, threading.main_thread().name) for b in range(6)]


@pytest.mark.parametrize("bad", [0, -1, 1.5, "2"])
def test_thread_count_must_be_a_positive_integer(bad):
    with pytest.raises(ValueError, match="positive integer"):
        pool.set_threads(bad)


def test_a_forked_child_shares_blocks_with_new_helpers(two_threads):
    import os
    pool.run(lambda block: time.sleep(0.001), (), 4)        # the parent has a helper now
    pid = os.fork()
    if pid == 0:                                             # the child: must not hang
        try:
            out = np.zeros(8)
            pool.run(lambda block: out.__setitem__(block, 1.0), (), 8)
            os._exit(0 if out.sum() == 8 else 1)
        except BaseException:
            os._exit(2)
    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
