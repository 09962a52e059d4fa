"""Threads that share one matrix product's blocks inside compiled code, with no Python between blocks.

    from tinynet.kernels import gemm_team
    gemm_team.run(pf, ps0, ps1, m, k, qf, qs0, qs1, n, c, swap, mc, blocks)
    # -> True once blocks 0 .. blocks-1 of c = P·Qᵀ are done; False if the team was busy
    #    (another Python thread's product) or cannot run here: the caller runs them serially

Why a team of its own? :mod:`.pool` hands blocks to helper threads through Python: a
helper that sleeps on a condition variable needs a futex wake and then the GIL before its
first block. Measured on this project's 2-core machine, that costs 24-100 us, as much as
one of the course's products (the layer-1 product 128 x 784 x 256 takes ~200 us), so the
course's products used to run serially and the second core idled.

Here each helper thread, once started, runs one compiled loop (:func:`_work`,
``nogil``) that watches a shared control array. The calling thread publishes a job
there -- the addresses, shapes and strides of the operands -- and takes blocks itself
at once. A helper that sees the job takes blocks too, until none is left; the caller
then waits only for the blocks a helper has already started. No GIL, no Python, no
system call on the way: a watching helper joins within a microsecond or so.

The control array (int64; entries 8 apart, so each counter has its own 64-byte cache line)

    WORD  = generation << 32 | blocks << 16 | next block to take
    DONE  = blocks finished
    AWAKE = helpers in their compiled loop (the others sleep in Python)
    CALM_AFTER = the clock reading (ns) before which nothing is shared (see below)
    BACKOFF = the length of the last such pause (ns)
    LOST_AT = the clock reading when a helper last found it had lost its CPU
    SEATS = how many helpers may take blocks of the current job: ``pool.threads() - 1``
            when it was published (helper i takes blocks only if i < SEATS, so lowering
            ``set_num_threads`` keeps helpers started earlier out)
    DESC ... = the job's descriptor (:data:`_FIELDS`)
    TAKEN + i = blocks helper i has taken, all jobs together (helper i alone writes it;
                for tests and benchmarks)

A thread takes block ``next`` by a compare-and-exchange of WORD from ``g|B|next`` to
``g|B|next+1``: it succeeds for exactly one thread, and only while job ``g`` still has
blocks. The caller rewrites the descriptor only after every block of the previous job
is finished, so a thread that took a block of job ``g`` read job ``g``'s descriptor
(:mod:`.atomics` gives the orderings that make this so).

Which thread computes a block never changes a bit: each block is one call of the same
compiled :func:`.gemm_blocks._multiply_blocks`, writing its own part of ``c``.

A machine that is busy elsewhere
--------------------------------
A watching helper keeps a CPU busy. Alone on its cores that costs nothing, but when
another program wants the CPU, a watcher takes time slices from it -- and from the
calling thread. So a helper spins for at most WATCH_NS after its last block. Then it
naps: each nap is 1/512 of the time since its last block (within NAP_NS), so a napping
helper uses little CPU (measured: 9% of a core over a 0.15 s pause, 2% over 2 s) and
joins a new product late by about 0.2% of the pause. After DOZE_NS it sleeps in Python
until a product wakes it, and that wake is slow: the woken thread needs the GIL, which
the caller holds between products -- on this project's virtual machine such a helper
joined after a median 1.8 ms (up to 14 ms), five products of the course's first layer.

When a watching helper finds that it lost its CPU for a while (two readings of the
clock in its loop more than PREEMPTED_NS apart) twice within STRIKES_NS, the machine has
more runnable threads than cores: it sets CALM_AFTER a back-off from now
(:func:`_lost_cpu`), and until then the helpers nap and products are not shared. A lone
late reading is not enough, nor are those of a helper's first WAKING_NS after a nap: on
this project's virtual machine a core that has just woken from a pause is often late by
a few milliseconds, and stepping aside for that cost more than it saved. The caller
never waits for a helper to wake up, only for blocks already taken.
"""
import os
import threading
import time

import numpy as np
from numba import njit

from . import atomics, pool
from .atomics import compare_exchange, fetch_add, load, now_ns, sleep_ns, store, yield_cpu
from .gemm_blocks import _multiply_blocks, _scratch

WORD, DONE, AWAKE, CALM_AFTER, BACKOFF, LOST_AT, SEATS = range(0, 56, 8)
DESC = 56
_FIELDS = ("p_address", "p_length", "ps0", "ps1", "m", "k", "q_address", "q_length", "qs0", "qs1",
           "n", "c_address", "c_rows", "c_columns", "swap", "mc", "itemsize")
(P_ADDRESS, P_LENGTH, PS0, PS1, M, K, Q_ADDRESS, Q_LENGTH, QS0, QS1, N, C_ADDRESS, C_ROWS,
 C_COLUMNS, SWAP, MC, ITEMSIZE) = range(DESC, DESC + len(_FIELDS))
MAX_BLOCKS = (1 << 16) - 1      # blocks of one job: they must fit in WORD's 16 bits
TAKEN = DESC + len(_FIELDS)
MAX_HELPERS = 255               # helper threads at most: a product is shared by at most 256 threads
CONTROL_SIZE = TAKEN + MAX_HELPERS

WATCH_NS = 2_000_000            # a helper spins this long after its last block,
NAP_NS = (100_000, 10_000_000)  # then naps, idle time / 512 at a time, within these bounds,
DOZE_NS = 10_000_000_000        # until this long after its last block; then it sleeps in Python
PREEMPTED_NS = 2_000_000        # a gap this long between two readings of a wait loop: CPU lost
STRIKES_NS = 50_000_000         # the second such gap within this long: the machine is crowded
WAKING_NS = 10_000_000          # a helper's gaps in its first 10 ms after a nap do not count
BACKOFF_NS = (4_000_000, 128_000_000)   # then nothing is shared for 4 ms, doubled up to 128 ms
#                                         while the machine stays crowded

# why _work returned (with the last generation it has seen)
SLEEP, OTHER_DTYPE, FINISHED = 0, 1, 2


@njit(nogil=True, cache=True)
def _lost_cpu(ctl, now):
    """A thread of the team was off its CPU for over PREEMPTED_NS: maybe share nothing for a while.

    Only the second such event within STRIKES_NS counts. The pause is then BACKOFF_NS[0]
    after a calm spell, and doubles (up to BACKOFF_NS[1]) each time it happens again
    within a pause's length of the last one ending: a short crowd costs a few
    milliseconds of serial products, a machine that stays busy elsewhere gets the helpers
    out of its way.
    """
    calm_after, backoff = load(ctl, CALM_AFTER), load(ctl, BACKOFF)
    if now < calm_after:              # already pausing
        return
    previous = load(ctl, LOST_AT)
    store(ctl, LOST_AT, now)
    if now - previous > STRIKES_NS:   # the first strike
        return
    if backoff == 0 or now > calm_after + backoff:
        backoff = BACKOFF_NS[0]
    else:
        backoff = min(2 * backoff, BACKOFF_NS[1])
    store(ctl, BACKOFF, backoff)
    store(ctl, CALM_AFTER, now + backoff)


@njit(nogil=True, cache=True, inline="always")
def _take_blocks(ctl, generation, qb, acc):
    """Take and compute blocks of job ``generation`` until none is left; the count taken.

    The operands are rebuilt from the descriptor's addresses as arrays of qb's dtype (the
    caller checked that it is the job's), so the helpers and the caller call the block
    kernel with the same argument types: one compiled specialization per dtype.
    """
    pf = atomics.as_array(ctl[P_ADDRESS], (ctl[P_LENGTH],), qb)
    qf = atomics.as_array(ctl[Q_ADDRESS], (ctl[Q_LENGTH],), qb)
    c = atomics.as_array(ctl[C_ADDRESS], (ctl[C_ROWS], ctl[C_COLUMNS]), qb)
    ps0, ps1, m, k = ctl[PS0], ctl[PS1], ctl[M], ctl[K]
    qs0, qs1, n = ctl[QS0], ctl[QS1], ctl[N]
    swap, mc = ctl[SWAP] != 0, ctl[MC]
    taken = 0
    while True:
        word = load(ctl, WORD)
        if word >> 32 != generation:
            return taken
        block, blocks = word & 0xFFFF, (word >> 16) & 0xFFFF
        if block >= blocks:
            return taken
        if compare_exchange(ctl, WORD, word, word + 1):
            _multiply_blocks(pf, ps0, ps1, m, k, qf, qs0, qs1, n, c, swap, mc, qb, acc,
                             block, block + 1)
            fetch_add(ctl, DONE, 1)
            taken += 1


@njit(nogil=True, cache=True)
def _publish(ctl, pf, ps0, ps1, m, k, qf, qs0, qs1, n, c, swap, mc, blocks, itemsize, seats):
    """Write the job's descriptor and the helpers it seats, then announce it; returns its generation.

    The descriptor is written before WORD announces the new generation (a release
    store), so a thread that sees the generation sees the descriptor too.
    """
    ctl[P_ADDRESS] = pf.ctypes.data
    ctl[P_LENGTH] = pf.size
    ctl[PS0], ctl[PS1], ctl[M], ctl[K] = ps0, ps1, m, k
    ctl[Q_ADDRESS] = qf.ctypes.data
    ctl[Q_LENGTH] = qf.size
    ctl[QS0], ctl[QS1], ctl[N] = qs0, qs1, n
    ctl[C_ADDRESS] = c.ctypes.data
    ctl[C_ROWS], ctl[C_COLUMNS] = c.shape[0], c.shape[1]
    ctl[SWAP], ctl[MC], ctl[ITEMSIZE] = swap, mc, itemsize
    ctl[SEATS] = seats
    store(ctl, DONE, 0)
    generation = (load(ctl, WORD) >> 32) + 1
    store(ctl, WORD, (generation << 32) | (blocks << 16))
    return generation


@njit(nogil=True, cache=True)
def _work(ctl, qb, acc, job, seen, helper):
    """Compute blocks, as the caller of job ``job`` (> 0) or as helper ``helper`` (``job`` = 0).

    The caller takes blocks of its job until none is left, then waits for the ones the
    helpers took; it returns (FINISHED, job).

    A helper watches for new jobs of qb's dtype and takes their blocks if the job seats it
    (``helper`` < SEATS), until it is time to sleep. It returns (why it stopped, the last
    generation it has seen): SLEEP after DOZE_NS without a job it took part in (spinning
    for the first WATCH_NS, then napping), OTHER_DTYPE when a job of another dtype is
    waiting (the Python side calls the function compiled for that dtype). While the team
    steps aside for a crowded machine (CALM_AFTER), the helper naps until then, in here:
    back in Python, it would need the GIL to wake.

    Both roles are one function so that numba compiles the block kernel into one entry
    point per dtype (each compiled entry point carries its own copy of the kernels it
    calls: ~1 s of compilation each).
    """
    if job > 0:
        blocks = (load(ctl, WORD) >> 16) & 0xFFFF
        _take_blocks(ctl, job, qb, acc)
        while load(ctl, DONE) < blocks:
            yield_cpu()
        return FINISHED, job
    fetch_add(ctl, AWAKE, 1)
    started = last_job = last_poll = now_ns()
    why = SLEEP
    while True:
        generation = load(ctl, WORD) >> 32
        now = now_ns()
        if now - last_poll > PREEMPTED_NS and now - started > WAKING_NS:
            _lost_cpu(ctl, now)
        calm_after = load(ctl, CALM_AFTER)
        if now < calm_after:              # the machine is crowded: nap until it is calm
            sleep_ns(min(calm_after - now, NAP_NS[1]))
            started = last_poll = now_ns()
            continue
        last_poll = now
        if generation != seen:
            if ctl[ITEMSIZE] != qb.itemsize:
                why = OTHER_DTYPE
                break
            seen = generation
            if helper < ctl[SEATS]:
                ctl[TAKEN + helper] += _take_blocks(ctl, generation, qb, acc)
                last_job = now_ns()
            last_poll = now_ns()
        elif now - last_job > DOZE_NS:
            break
        elif now - last_job > WATCH_NS:
            sleep_ns(min(max((now - last_job) >> 9, NAP_NS[0]), NAP_NS[1]))
            started = last_poll = now_ns()    # a nap is not a lost CPU, nor is waking from it
        else:
            yield_cpu()
    fetch_add(ctl, AWAKE, -1)
    return why, seen


class _Team:
    """The control array, the helper threads and the condition they sleep on."""

    def __init__(self):
        self.ctl = np.zeros(CONTROL_SIZE, np.int64)
        self.busy = threading.Lock()          # one product at a time uses the team
        self.wake = threading.Condition()
        self.wakes = 0                        # incremented to wake the sleeping helpers
        self.helpers = []

    def start_helpers(self, count):
        while len(self.helpers) < count:
            index = len(self.helpers)
            thread = threading.Thread(target=self._helper, args=(index,), daemon=True,
                                      name=f"tinynet-gemm-{index + 1}")
            thread.start()
            self.helpers.append(thread)

    def _helper(self, index):
        seen, wakes, itemsize = -1, 0, 4
        while True:
            with self.wake:
                while self.wakes == wakes:
                    self.wake.wait()
                wakes = self.wakes
            while True:
                qb, acc = _scratch(np.float32 if itemsize == 4 else np.float64)
                why, seen = _work(self.ctl, qb, acc, 0, seen, index)
                if why != OTHER_DTYPE:
                    break
                itemsize = 12 - itemsize     # 4 <-> 8

    def wake_helpers(self):
        with self.wake:
            self.wakes += 1
            self.wake.notify_all()


_team = None


def _forget_team_after_fork():
    """A forked child has no helper threads; a new team starts when it shares a product."""
    global _team
    _team = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_team_after_fork)


def blocks_helped(helper=None):
    """How many blocks the helper threads have computed in this process (0 before any);
    with ``helper`` (0 for the thread named tinynet-gemm-1, ...), that helper's alone."""
    if _team is None:
        return 0
    taken = _team.ctl[TAKEN:TAKEN + len(_team.helpers)]
    return int(taken.sum() if helper is None else taken[helper])


def run(pf, ps0, ps1, m, k, qf, qs0, qs1, n, c, swap, mc, blocks):
    """Blocks 0 .. blocks-1 of c = P·Qᵀ shared among ``pool.threads()`` threads; False if
    not done (busy team, too many blocks, or no team on this platform)."""
    global _team
    if not atomics.AVAILABLE or blocks > MAX_BLOCKS:
        return False
    team = _team
    if team is None:
        team = _team = _Team()
    ctl = team.ctl
    # time.monotonic_ns() reads now_ns()'s clock (CLOCK_MONOTONIC) without a compiled call
    if time.monotonic_ns() < ctl[CALM_AFTER] or not team.busy.acquire(blocking=False):
        return False
    try:
        seats = min(pool.threads() - 1, MAX_HELPERS)
        team.start_helpers(seats)
        if ctl[AWAKE] < len(team.helpers):
            team.wake_helpers()
        qb, acc = _scratch(c.dtype)
        job = _publish(ctl, pf, ps0, ps1, m, k, qf, qs0, qs1, n, c, swap, mc, blocks, qb.itemsize, seats)
        _work(ctl, qb, acc, job, job, 0)
    finally:
        team.busy.release()
    return True
