"""The sampling kernels: uniform, normal, truncated normal from Philox blocks (numba).

The public face is :mod:`tinynet.kernels.random`; these kernels fill a flat array and are
what it calls. Every random number in tinynet (initial weights, dropout masks) comes from
here.

The addressing scheme: element i of call n depends on (seed, stream, n, i) only
------------------------------------------------------------------------------
Call n of the stream (seed, stream) encrypts counters with one Philox4x64-10 key:

    key     = (seed, stream)
    block j = philox4x64(counter = (j, n, 0, 0), key)      four 64-bit words

Blocks are grouped in *tiles* of ``K = BLOCKS_PER_TILE`` consecutive blocks, seen as a
matrix with one column per block and one row per *slot*. A block gives 8 float32 slots
(slot 2w = the high 32 bits of word w, slot 2w + 1 = its low 32 bits) or 4 float64 slots
(slot w = word w). The output is the tile's slots read row by row:

    element i  ->  tile t = i // (K * slots),  slot = (i % (K * slots)) // K,
                   block  = t K + i % K

so element i is a fixed function of (seed, stream, n, i). Nothing else enters: not the
thread, not the chunk, not the sizes of earlier calls. Output is bit-identical for any
thread count and any chunking, and a chunk starting at element ``offset`` can be computed
on its own (``fill_*(..., offset)`` exists so that tests can check exactly that). Rows,
rather than one block after another, make every conversion loop run over contiguous
memory, where the compiler turns it into SIMD code (8 float32 per instruction).

Samplers
--------
uniform   U[0, 1): float32 = (top 24 bits of a 32-bit slot) * 2^-24; float64 = (top 53
          bits of a word) * 2^-53. 1.0 is never returned. [low, high) is then
          ``low + (high - low) u``; if rounding lands exactly on ``high``, the largest
          number below ``high`` is returned instead.
normal    Box-Muller on one 64-bit word per pair of outputs (float32: word w gives u1 from
          32 bits and theta from 24 bits, written to slots 2w = r cos theta and 2w + 1 =
          r sin theta; see :mod:`.boxmuller`; float64: words 2p and 2p + 1 give 53-bit u1
          and u2, written to slots 2p and 2p + 1). u1 = (k + 1/2) 2^-bits, so |z| stays
          below sqrt(2 ln 2^(bits+1)): 6.7 for float32, 8.6 for float64; the tails cut off
          hold 2e-11 and 1e-17 of the probability.
truncated standard normal conditioned on [a, b], by inverse CDF, one uniform per element:
          x = Phi^-1(Phi(a) + u (Phi(b) - Phi(a))),   u = (k + 1/2) 2^-bits in (0, 1)
          (32 bits per float32 slot, 53 per float64 slot). No rejection loop, exact for
          any interval, far tails included: the caller mirrors an interval with a > 0 to
          [-b, -a] so Phi is only evaluated where it is small and keeps its digits. The
          central branch of Phi^-1 (AS 241, |p - 1/2| <= 0.425) is computed for every
          element in a vectorized loop; the ~11% (for +-2) in the tails are gathered and
          redone by the tail branch (:func:`tail_ppf`, also vectorized; :func:`norm_ppf`
          for a subnormal probability), see :func:`truncated_from_uniform`.

Compile time. numba compiles each jitted callee on its own and then links its LLVM code
into every caller, where it is optimized again, so a cold start pays for every level of
the call tree and for every kernel that shares a helper. The kernels are written to keep
that small: Philox runs round by round in a loop (ten rounds written out and inlined cost
seconds), helpers are small functions that LLVM inlines, and only the sampler, dtype and
build (serial or parallel) a run calls are compiled.

Every kernel is compiled with ``error_model="numpy"``: with Python's error model numba
guards each float division with a zero test that raises ZeroDivisionError, and that branch
alone stops the compiler from vectorizing a loop (here it cost a factor of 3-5).

Parallelism: tiles are grouped into tasks of ``TILES_PER_TASK`` tiles run with ``prange``;
each task has its own scratch buffers and writes a disjoint slice of the output.

Serial and parallel builds of one source
----------------------------------------
Entering a ``parallel=True`` region wakes the threading layer's workers. On an idle
machine that costs microseconds; on a loaded one a sleeping worker may wait for a time
slice, and a 1-element draw has been measured at ~22 ms instead of 0.04 ms. Initializers,
Dropout and the init laboratory make many small draws, so every sampler is compiled twice
from the *same* Python source by :func:`serial_and_parallel`: once with ``parallel=True``
and once with ``parallel=False`` (where ``prange`` is a plain ``range``). :func:`kernel`
picks the serial build for a request spanning at most ``SERIAL_MAX_TASKS`` tasks (one task
never uses more than one thread anyway). The limit, 64 tasks (1,048,576 float32 or
524,288 float64 values: every weight matrix of the course, up to 1024 x 1024), weighs the
two costs of ``benchmarks/bench_random.py --per-call``: on 2 loaded cores a parallel call
waited 7-22 ms for its workers even for 4 tasks, while a serial 64-task fill takes 1-3 ms;
on an idle machine the parallel build saves at most half of those 1-3 ms. A lesson that
initializes dozens of networks on a busy machine would otherwise spend seconds waiting.
Both builds address elements the same way, so they give the same bits (tests compare them
bit for bit).

Each build has its own on-disk cache files (see :mod:`.serial_parallel` for why that needs
care).
"""
import math

import numpy as np
from numba import njit, prange

from .boxmuller import cos_sin_f32, log_f32
from .normal_cdf import TINY, _A, _B, _horner7, norm_ppf, tail_ppf
from .philox import ROUNDS, philox_round
from .serial_parallel import serial_and_parallel

BLOCKS_PER_TILE = 128                  # K: 1024 float32 or 512 float64 values per tile
TILES_PER_TASK = 16                    # one parallel task: 16384 float32 values
SERIAL_MAX_TASKS = 64                  # requests of at most 64 tasks run on one thread
K = BLOCKS_PER_TILE
TWO_PI = 2.0 * math.pi
_ZERO = np.uint64(0)
_S8 = np.uint64(8)
_S11 = np.uint64(11)
_S32 = np.uint64(32)
_LOW32 = np.uint64(0xFFFFFFFF)
_F32_2M24 = np.float32(2.0 ** -24)
_2M32 = 2.0 ** -32
_2M53 = 2.0 ** -53


# --------------------------------------------------------------------------- shared steps
@njit(cache=True, error_model="numpy")
def philox_tile(tile, call, rk, words):
    """words[w, j] = word w of block (tile K + j) of call ``call``: one column per block.

    Round by round over the whole tile, rather than block by block: each round is one
    short loop over the K counters that the compiler turns into SIMD code, and the
    kernel is small to compile. (Ten rounds written out per block vectorize as well,
    but inlining them costs seconds of compilation in every sampler that uses them.)
    """
    w0, w1, w2, w3 = words[0], words[1], words[2], words[3]
    base = tile * K
    for j in range(K):                      # counter (tile K + j, call, 0, 0)
        w0[j] = np.uint64(base + j)
        w1[j] = call
        w2[j] = _ZERO
        w3[j] = _ZERO
    for r in range(ROUNDS):
        k0, k1 = rk[2 * r], rk[2 * r + 1]
        for j in range(K):
            w0[j], w1[j], w2[j], w3[j] = philox_round(w0[j], w1[j], w2[j], w3[j], k0, k1)


@njit(cache=True, error_model="numpy")
def slots32(words, out_bits):
    """The 8 32-bit slots of each block as uint64 rows: slot 2w = high half of word w."""
    for w in range(4):
        for j in range(K):
            out_bits[2 * w, j] = words[w, j] >> _S32
            out_bits[2 * w + 1, j] = words[w, j] & _LOW32


@njit(cache=True, error_model="numpy", inline="always")
def _tasks(offset, n, per_tile):
    """First tile, one-past-last tile and task count covering elements [offset, offset + n)."""
    first = offset // per_tile
    end = (offset + n + per_tile - 1) // per_tile
    return first, end, (end - first + TILES_PER_TASK - 1) // TILES_PER_TASK


@njit(cache=True, error_model="numpy", inline="always")
def _copy_tile(out, values, start):
    """out[start : start + len(values)] = values, keeping only the part inside ``out``."""
    lo = max(start, 0)
    hi = min(start + values.size, out.size)
    # A loop over two 1-D views, not a slice assignment: that would compile numba's
    # shape-mismatch error message (~2 s of a cold start).
    dst = out[lo:hi]
    src = values[lo - start:hi - start]
    for i in range(dst.size):
        dst[i] = src[i]


# --------------------------------------------------------------------------- serial or parallel
def kernel(builds, out, offset):
    """The build of ``builds`` to run for filling ``out`` with elements ``offset...``.

    Serial when the request spans at most ``SERIAL_MAX_TASKS`` tasks (see the module
    docstring: waking the worker threads can cost far more than the work).
    """
    per_tile = (8 if out.dtype == np.float32 else 4) * K
    tiles = (offset + out.size + per_tile - 1) // per_tile - offset // per_tile
    tasks = (tiles + TILES_PER_TASK - 1) // TILES_PER_TASK
    return builds.serial if tasks <= SERIAL_MAX_TASKS else builds.parallel


# --------------------------------------------------------------------------- uniform
@serial_and_parallel
def _uniform_f32(out, rk, call, offset, low, scale, high, top):
    first, end, tasks = _tasks(offset, out.size, 8 * K)
    lo32, scale32 = np.float32(low), np.float32(scale)
    for t in prange(tasks):
        words = np.empty((4, K), np.uint64)
        bits = np.empty((8, K), np.uint64)
        values = np.empty(8 * K, np.float32)
        for tile in range(first + t * TILES_PER_TASK, min(first + (t + 1) * TILES_PER_TASK, end)):
            philox_tile(tile, call, rk, words)
            slots32(words, bits)
            for r in range(8):                 # the (8, K) slots read row by row
                row, dst = bits[r], values[r * K:(r + 1) * K]
                for j in range(K):
                    v = lo32 + scale32 * (np.float32(row[j] >> _S8) * _F32_2M24)
                    dst[j] = top if v >= high else v
            _copy_tile(out, values, tile * 8 * K - offset)


@serial_and_parallel
def _uniform_f64(out, rk, call, offset, low, scale, high, top):
    first, end, tasks = _tasks(offset, out.size, 4 * K)
    for t in prange(tasks):
        words = np.empty((4, K), np.uint64)
        values = np.empty(4 * K, np.float64)
        for tile in range(first + t * TILES_PER_TASK, min(first + (t + 1) * TILES_PER_TASK, end)):
            philox_tile(tile, call, rk, words)
            for r in range(4):                 # the (4, K) words read row by row
                row, dst = words[r], values[r * K:(r + 1) * K]
                for j in range(K):
                    v = low + scale * (np.float64(row[j] >> _S11) * _2M53)
                    dst[j] = top if v >= high else v
            _copy_tile(out, values, tile * 4 * K - offset)


# --------------------------------------------------------------------------- normal
@serial_and_parallel
def _normal_f32(out, rk, call, offset, mean, std):
    first, end, tasks = _tasks(offset, out.size, 8 * K)
    m, s = np.float32(mean), np.float32(std)
    for t in prange(tasks):
        words = np.empty((4, K), np.uint64)
        u1 = np.empty(4 * K, np.float32)              # one (u1, theta) per word
        log_u1 = np.empty(4 * K, np.float32)
        exponent = np.empty(4 * K, np.int32)
        values = np.empty(8 * K, np.float32)          # (8, K), row by row
        for tile in range(first + t * TILES_PER_TASK, min(first + (t + 1) * TILES_PER_TASK, end)):
            philox_tile(tile, call, rk, words)
            for w in range(4):                         # u1 = (k + 1/2) 2^-32 from the high half
                row, dst = words[w], u1[w * K:(w + 1) * K]
                for j in range(K):
                    dst[j] = np.float32((np.float64(row[j] >> _S32) + 0.5) * _2M32)
            log_f32(u1, u1.view(np.int32), exponent, log_u1)
            for w in range(4):
                for j in range(K):
                    r = np.float32(math.sqrt(np.float32(-2.0) * log_u1[w * K + j]))
                    c, sn = cos_sin_f32((words[w, j] & _LOW32) >> _S8)
                    values[2 * w * K + j] = m + s * (r * c)
                    values[(2 * w + 1) * K + j] = m + s * (r * sn)
            _copy_tile(out, values, tile * 8 * K - offset)


@serial_and_parallel
def _normal_f64(out, rk, call, offset, mean, std):
    first, end, tasks = _tasks(offset, out.size, 4 * K)
    for t in prange(tasks):
        words = np.empty((4, K), np.uint64)
        values = np.empty(4 * K, np.float64)          # (4, K), row by row
        for tile in range(first + t * TILES_PER_TASK, min(first + (t + 1) * TILES_PER_TASK, end)):
            philox_tile(tile, call, rk, words)
            for p in range(2):
                for j in range(K):
                    r = math.sqrt(-2.0 * math.log((np.float64(words[2 * p, j] >> _S11) + 0.5) * _2M53))
                    theta = TWO_PI * (np.float64(words[2 * p + 1, j] >> _S11) * _2M53)
                    values[2 * p * K + j] = mean + std * (r * math.cos(theta))
                    values[(2 * p + 1) * K + j] = mean + std * (r * math.sin(theta))
            _copy_tile(out, values, tile * 4 * K - offset)


# --------------------------------------------------------------------------- truncated normal
@njit(cache=True, error_model="numpy")
def truncated_from_uniform(u, p_low, p_width, lo, hi, sign, x, tails, idx):
    """x[i] = sign * clamp(Phi^-1(p_low + u[i] p_width), lo, hi).

    Pass 1 (vectorized) applies AS 241's central branch to every element; pass 2 gathers
    the elements with |p - 1/2| > 0.425 (about 11% for +-2) and their lower-tail
    probabilities min(p, 1 - p) into ``idx`` and ``tails[:m]``; pass 3 runs the tail branch
    on them (:func:`tail_ppf`, vectorized) into ``tails[n:n + m]``; pass 4 scatters them
    back with their sign (a subnormal probability goes through :func:`norm_ppf`). Every
    value is clamped against rounding before the sign is applied. ``tails`` is a float64
    scratch array of length 2n, ``idx`` an int64 one of length n.
    """
    n = u.size
    for i in range(n):
        q = (p_low + u[i] * p_width) - 0.5
        r = 0.180625 - q * q
        x[i] = sign * min(max(q * _horner7(_A, r) / _horner7(_B, r), lo), hi)
    m = 0
    for i in range(n):
        p = p_low + u[i] * p_width
        if abs(p - 0.5) > 0.425:
            idx[m] = i
            tails[m] = p if p < 0.5 else 1.0 - p
            m += 1
    for k in range(m):
        tails[n + k] = tail_ppf(tails[k])
    for k in range(m):
        i, t = idx[k], tails[k]
        v = tails[n + k] if t >= TINY else norm_ppf(t)
        v = v if p_low + u[i] * p_width < 0.5 else -v
        x[i] = sign * min(max(v, lo), hi)


@serial_and_parallel
def _truncated_f32(out, rk, call, offset, p_low, p_width, lo, hi, sign, out_lo, out_hi):
    first, end, tasks = _tasks(offset, out.size, 8 * K)
    for t in prange(tasks):
        words = np.empty((4, K), np.uint64)
        bits = np.empty((8, K), np.uint64)
        u = np.empty(8 * K, np.float64)
        x = np.empty(8 * K, np.float64)
        tails = np.empty(16 * K, np.float64)
        idx = np.empty(8 * K, np.int64)
        values = np.empty(8 * K, np.float32)
        for tile in range(first + t * TILES_PER_TASK, min(first + (t + 1) * TILES_PER_TASK, end)):
            philox_tile(tile, call, rk, words)
            slots32(words, bits)
            for r in range(8):
                row, dst = bits[r], u[r * K:(r + 1) * K]
                for j in range(K):
                    dst[j] = (np.float64(row[j]) + 0.5) * _2M32
            truncated_from_uniform(u, p_low, p_width, lo, hi, sign, x, tails, idx)
            for i in range(8 * K):
                values[i] = min(max(np.float32(x[i]), out_lo), out_hi)
            _copy_tile(out, values, tile * 8 * K - offset)


@serial_and_parallel
def _truncated_f64(out, rk, call, offset, p_low, p_width, lo, hi, sign, out_lo, out_hi):
    first, end, tasks = _tasks(offset, out.size, 4 * K)
    for t in prange(tasks):
        words = np.empty((4, K), np.uint64)
        u = np.empty(4 * K, np.float64)
        x = np.empty(4 * K, np.float64)
        tails = np.empty(8 * K, np.float64)
        idx = np.empty(4 * K, np.int64)
        for tile in range(first + t * TILES_PER_TASK, min(first + (t + 1) * TILES_PER_TASK, end)):
            philox_tile(tile, call, rk, words)
            for r in range(4):
                row, dst = words[r], u[r * K:(r + 1) * K]
                for j in range(K):
                    dst[j] = (np.float64(row[j] >> _S11) + 0.5) * _2M53
            truncated_from_uniform(u, p_low, p_width, lo, hi, sign, x, tails, idx)
            _copy_tile(out, x, tile * 4 * K - offset)
