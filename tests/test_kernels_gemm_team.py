"""tinynet.kernels.gemm_team: helpers really take blocks, the bits are the serial path's, and
nothing hangs or mixes up when dtypes alternate, two Python threads multiply at once, the
process forks, or the machine is crowded."""
import os
import threading
import time

import numpy as np
import pytest

from tinynet.kernels import atomics, gemm_team, pool
from tinynet.kernels import numba_backend as mm

pytestmark = pytest.mark.skipif(not atomics.AVAILABLE, reason="the team needs Linux")


@pytest.fixture
def two_threads():
    saved_threads, saved_min = pool.threads(), mm.PARALLEL_MIN_MACS
    pool.set_threads(2)
    yield
    pool.set_threads(saved_threads)
    mm.PARALLEL_MIN_MACS = saved_min


def serial_product(a, b):
    saved = mm.PARALLEL_MIN_MACS
    mm.PARALLEL_MIN_MACS = 1 << 62
    try:
        return mm.matmul_numba(a, b, np.empty((a.shape[0], b.shape[1]), a.dtype))
    finally:
        mm.PARALLEL_MIN_MACS = saved


def shared_until_helped(a, b, seconds=20.0):
    """Shared products of a @ b until a helper has taken a block (or time runs out): a
    helper that was asleep, or kept off the CPU by a busy machine, may miss the first ones."""
    mm.PARALLEL_MIN_MACS = 0
    before, results = gemm_team.blocks_helped(), []
    deadline = time.monotonic() + seconds
    while gemm_team.blocks_helped() == before and time.monotonic() < deadline:
        results.append(mm.matmul_numba(a, b, np.empty((a.shape[0], b.shape[1]), a.dtype)))
    return results, gemm_team.blocks_helped() - before


def operands(dtype, m=300, k=200, n=260, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((m, k)).astype(dtype), rng.standard_normal((k, n)).astype(dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_helper_takes_blocks_and_the_bits_are_the_serial_paths(two_threads, dtype):
    a, b = operands(dtype, m=600)   # shared blocks of 200 rows, serial ones of 152: heights differ
    assert mm.block_height(600, 260, 2) != mm.block_height(600, 260, 1)
    results, helped = shared_until_helped(a, b)
    assert helped > 0, "no helper thread took a block in 20 s"
    reference = serial_product(a, b)
    for got in results:
        np.testing.assert_array_equal(got, reference)


def test_alternating_dtypes_are_each_computed_right(two_threads):
    """A helper watching for float32 jobs switches to its float64 loop and back."""
    pairs = [operands(np.float32, seed=1), operands(np.float64, seed=2)]
    references = [serial_product(a, b) for a, b in pairs]
    for _ in range(3):
        for (a, b), reference in zip(pairs, references):
            results, helped = shared_until_helped(a, b)
            assert helped > 0
            for got in results:
                np.testing.assert_array_equal(got, reference)


def test_two_python_threads_multiplying_at_once_both_get_their_product(two_threads):
    """One of them has the team; the other finds it busy and runs its product serially."""
    mm.PARALLEL_MIN_MACS = 0
    work = [operands(np.float32, seed=s) for s in (3, 4)]
    references = [serial_product(a, b) for a, b in work]
    wrong = []

    def multiply(index):
        a, b = work[index]
        for _ in range(40):
            got = mm.matmul_numba(a, b, np.empty((a.shape[0], b.shape[1]), a.dtype))
            if not np.array_equal(got, references[index]):
                wrong.append(index)

    threads = [threading.Thread(target=multiply, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads) and wrong == []


def test_a_forked_child_gets_a_new_team(two_threads):
    a, b = operands(np.float32)
    reference = serial_product(a, b)
    shared_until_helped(a, b)                     # the parent's helper is watching now
    pid = os.fork()
    if pid == 0:                                  # the child: must not hang, must be right
        try:
            results, helped = shared_until_helped(a, b, seconds=10)
            ok = helped > 0 and all(np.array_equal(r, reference) for r in results)
            os._exit(0 if ok else 1)
        except BaseException:
            os._exit(2)
    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0


def test_while_the_machine_is_crowded_nothing_is_shared(two_threads):
    a, b = operands(np.float32)
    shared_until_helped(a, b)
    ctl = gemm_team._team.ctl
    ctl[gemm_team.CALM_AFTER] = atomics.now_ns() + 10**9     # as if a thread lost its CPU
    try:
        before = gemm_team.blocks_helped()
        (m, k), n = a.shape, b.shape[1]
        mc = mm.block_height(m, n, 2)
        blocks = -(-m // mc) * -(-n // mm.NC)
        for _ in range(5):
            c = np.empty((m, n), a.dtype)
            assert not gemm_team.run(*mm._flat(a, m, k), m, k, *mm._flat(b.T, n, k), n, c, 0, mc, blocks)
            np.testing.assert_array_equal(mm.matmul_numba(a, b, c), serial_product(a, b))
        assert gemm_team.blocks_helped() == before
    finally:
        ctl[gemm_team.CALM_AFTER] = 0


def test_a_lone_lost_cpu_is_ignored_and_a_crowd_backs_off_longer_and_longer():
    ctl = np.zeros(gemm_team.CONTROL_SIZE, np.int64)
    first, cap = gemm_team.BACKOFF_NS
    now = 10**12
    gemm_team._lost_cpu(ctl, now)                  # once: no pause
    assert ctl[gemm_team.CALM_AFTER] == 0
    now += gemm_team.STRIKES_NS + 1
    gemm_team._lost_cpu(ctl, now)                  # once again, but long after: no pause
    assert ctl[gemm_team.CALM_AFTER] == 0
    now += gemm_team.STRIKES_NS + 1
    pauses = []
    for _ in range(8):                 # a crowd again each time a pause ends
        gemm_team._lost_cpu(ctl, now)
        if ctl[gemm_team.CALM_AFTER] <= now:       # a first strike (the last was long ago)
            now += 1000
            gemm_team._lost_cpu(ctl, now)
        pauses.append(int(ctl[gemm_team.BACKOFF]))
        assert ctl[gemm_team.CALM_AFTER] == now + pauses[-1]
        gemm_team._lost_cpu(ctl, now + 1)          # during a pause: no change
        assert ctl[gemm_team.CALM_AFTER] == now + pauses[-1]
        now += pauses[-1]
    assert pauses == [min(first << i, cap) for i in range(8)]
    now += 10 * cap                     # a long calm spell, then a crowd again
    gemm_team._lost_cpu(ctl, now)
    gemm_team._lost_cpu(ctl, now + 1000)
    assert ctl[gemm_team.BACKOFF] == first


def test_one_thread_shares_nothing(two_threads):
    pool.set_threads(1)
    mm.PARALLEL_MIN_MACS = 0
    assert not mm.will_run_parallel(300, 260, 200)
    a, b = operands(np.float32)
    before = gemm_team.blocks_helped()
    got = mm.matmul_numba(a, b, np.empty((a.shape[0], b.shape[1]), a.dtype))
    assert gemm_team.blocks_helped() == before        # the product itself ran on this thread
    np.testing.assert_array_equal(got, serial_product(a, b))


def test_lowering_the_thread_count_keeps_the_helpers_started_earlier_out(two_threads):
    """set_num_threads(2) after 3: the team still has two helpers, but only the first takes blocks."""
    a, b = operands(np.float32)
    pool.set_threads(3)
    shared_until_helped(a, b)               # starts both helpers
    assert len(gemm_team._team.helpers) == 2
    pool.set_threads(2)
    first, second = gemm_team.blocks_helped(0), gemm_team.blocks_helped(1)
    results, helped = shared_until_helped(a, b)
    for _ in range(20):                      # more jobs, for the second helper to (wrongly) join
        results.append(mm.matmul_numba(a, b, np.empty((a.shape[0], b.shape[1]), a.dtype)))
    assert helped > 0 and gemm_team.blocks_helped(0) > first
    assert gemm_team.blocks_helped(1) == second
    assert gemm_team._team.ctl[gemm_team.SEATS] == 1
    reference = serial_product(a, b)
    for got in results:
        np.testing.assert_array_equal(got, reference)
