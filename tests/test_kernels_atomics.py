"""tinynet.kernels.atomics: each operation does what its docstring says, and the
read-modify-writes stay whole when two threads hammer one counter."""
import threading
import time

import numpy as np
import pytest
from numba import njit

from tinynet.kernels import atomics
from tinynet.kernels.atomics import compare_exchange, fetch_add, load, store

pytestmark = pytest.mark.skipif(not atomics.AVAILABLE, reason="atomics need Linux")


@njit(cache=True)
def _sequence(ctl):
    store(ctl, 0, 5)
    seen = load(ctl, 0)
    swapped = compare_exchange(ctl, 0, 5, 9)     # 5 -> 9
    refused = compare_exchange(ctl, 0, 5, 11)    # it is 9 now: no change
    before = fetch_add(ctl, 1, 3)
    return seen, swapped, refused, before


def test_each_operation_reads_and_writes_what_it_says():
    ctl = np.zeros(4, np.int64)
    ctl[1] = 4
    seen, swapped, refused, before = _sequence(ctl)
    assert (seen, swapped, refused, before) == (5, True, False, 4)
    assert ctl.tolist() == [9, 7, 0, 0]


@njit(nogil=True, cache=True)
def _add_many(ctl, times, threads):
    """Wait until ``threads`` callers have arrived (a start barrier on ctl[15], so that the
    threads really run at the same time), then add 1 to ctl[0] and ctl[8] ``times`` times."""
    fetch_add(ctl, 15, 1)
    while load(ctl, 15) < threads:
        pass
    for _ in range(times):
        fetch_add(ctl, 0, 1)
        while True:                              # the same, by compare-and-exchange
            old = load(ctl, 8)
            if compare_exchange(ctl, 8, old, old + 1):
                break


def test_two_threads_lose_no_update():
    """Non-atomic ``x += 1`` from two threads loses updates; these must lose none."""
    ctl = np.zeros(16, np.int64)
    _add_many(ctl, 1, 1)
    ctl[:] = 0
    threads = [threading.Thread(target=_add_many, args=(ctl, 200_000, 2)) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert ctl[0] == 400_000 and ctl[8] == 400_000


def test_only_int64_vectors_are_accepted():
    with pytest.raises(Exception, match="1-D int64 array"):
        _sequence(np.zeros(4, np.int32))


@njit(cache=True)
def _view(address, like):
    return atomics.as_array(address, (3, 4), like)


def test_an_address_becomes_a_view_of_the_same_memory():
    x = np.arange(12, dtype=np.float32).reshape(3, 4)
    view = _view(x.ctypes.data, x)
    np.testing.assert_array_equal(view, x)
    view[2, 3] = -1                               # a view, not a copy
    assert x[2, 3] == -1


def test_the_clock_is_monotonic_nanoseconds():
    before = time.monotonic_ns()
    got = atomics.now_ns()
    after = time.monotonic_ns()
    assert before <= got <= after                 # both read CLOCK_MONOTONIC
    atomics.yield_cpu()                           # and sched_yield returns


def test_sleep_ns_sleeps_at_least_that_long():
    atomics.sleep_ns(1000)                        # compile first
    before = time.monotonic_ns()
    atomics.sleep_ns(2_000_000)
    assert time.monotonic_ns() - before >= 2_000_000
