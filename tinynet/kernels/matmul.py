"""Matrix products in numba: a parallel, cache-blocked, register-blocked GEMM.

    from tinynet.kernels.matmul import matmul_numba, matmul_tn_numba, matmul_nt_numba
    c = matmul_numba(a, b)        # a @ b      a: (m, k)  b: (k, n)
    c = matmul_tn_numba(a, b)     # a.T @ b    a: (k, m)  b: (k, n)   dW = Xᵀ·dZ
    c = matmul_nt_numba(a, b)     # a @ b.T    a: (m, k)  b: (n, k)   dX = dZ·Wᵀ

One kernel, three products
--------------------------
Every product here is computed as ``C = P · Qᵀ``, i.e. ``C[i, j] = Σ_p P[i, p] · Q[j, p]``,
where ``P`` (m, k) and ``Q`` (n, k) are *views* of the operands, never copies:

    a @ b    ->  P = a,    Q = b.T
    a.T @ b  ->  P = a.T,  Q = b.T
    a @ b.T  ->  P = a,    Q = b

A transposed view only swaps the strides, so no transposed matrix is ever materialised
by the caller. The kernel reads ``Q`` through its strides only to pack it (below), and
reads single entries of ``P`` through its strides; that is why sliced and transposed
inputs work unchanged.

How the work is cut up (after Goto & van de Geijn, "Anatomy of High-Performance Matrix
Multiplication", ACM TOMS 2008)
-------------------------------------------------------------------------------------
1. **C-blocks in parallel.** ``C`` is cut into blocks of ``mc x NC`` entries, one *panel*
   (NC columns) wide; the blocks are independent, so ``prange`` hands them to the
   threads, each block to one call of the serial :func:`_multiply_block`. Each block
   accumulates in a private, zeroed (mc, NC) buffer that is copied to ``C`` at the end.
   Blocks are as tall as possible (every block packs the panel of ``Qᵀ`` it reads, step 2,
   so taller blocks pack less): at most MC = 256 rows, and just enough blocks per panel
   that the threads can share the full panels evenly (with 2 threads and one full panel,
   two blocks of m/2 rows; with four full panels, one block per panel).
2. **k-blocks, packed where they are used.** Inside a block the sum over ``p`` runs in
   blocks of ``KC`` terms. For each k-block the task first copies the KC x NC slice of
   ``Qᵀ`` it needs (columns ``jp·NC ..``, terms ``p0 ..``) into its own C-contiguous
   (KC, NC) buffer ``qb``, so that ``qb[t, :]`` is one unit-stride row of NC values
   starting on a 32-byte boundary (numba aligns the arrays it allocates). When ``Q``'s
   columns are contiguous (``Q = b.T``) each row of ``qb`` is a straight copy; when its
   rows are (``a @ b.T``) packing is a transposition, TROWS = 8 rows of ``qb`` at a time.
   Packing on the core that then reads the buffer keeps it in that core's cache: with
   one shared packed copy of ``Qᵀ`` (written by a parallel pack, read by every block),
   blocks read lines the other core had just written, and the product 128x784 @ 784x256
   took ~1.7x as long as the multiply alone. Blocks in the same panel pack the same
   slice, each once; with blocks this tall the copy is a few percent of the work
   (O(NC·k) per block against O(mc·NC·k) multiply-adds). The buffer (256 KiB of float32)
   stays in L2 while the loop ``for i0`` sweeps down the block's rows MR = 4 at a time;
   the four accumulator rows being updated (4 KiB) stay in L1.
3. **Register block.** :func:`_update_rows` adds ``P[i0:i0+4, p0:p0+KC] · qb`` to four
   rows of the accumulator. It takes the terms KU = 4 at a time: the 4 x 4 entries of
   ``P`` are read (through ``P``'s strides) into scalars, which LLVM broadcasts into
   vector registers, then one pass along the rows, ``for j``, computes
   ``row_a[j] += Σ_u P[i0+a, p0+t+u] · qb[t+u, j]`` for the four rows. That loop is
   unit-stride in every array it touches, so LLVM vectorizes it (16 float32 or 8 float64
   lanes): per vector of columns it reads 4 rows of ``qb`` (from L2) into locals and 4
   accumulator rows (from L1), does 16 multiply-adds and writes 4 vectors. 4 x 4 is a
   block whose 16 broadcast scalars, 4 panel vectors and the running sum fit in the 32
   vector registers of AVX-512 (a 4 x 8 block needs 32 scalars alone and spilled some to
   the stack, and re-read each panel vector for every row). Rows past the end of ``P``
   read its last row again (their accumulator rows are never copied out); the
   ``kc mod KU`` leftover terms of a k-block take a one-term version of the same loop.

Summation order therefore differs from numpy's BLAS: results agree to rounding (tests
bound the float32 difference by a multiple of k · eps), not bit for bit. Each entry of
``C`` is summed k-block by k-block and KU terms at a time, an order fixed by KC and KU
(and the compiled code), never by the thread count, the block heights or which thread
runs which block, so results are reproducible run to run and for any
``NUMBA_NUM_THREADS``.

The ``*_numba`` functions take validated operands (2-D, the same float dtype, matching
inner dimensions) and a C-contiguous output ``c`` of shape (m, n) that they overwrite;
:mod:`tinynet.kernels` does the checking and allocation for users.
"""
from math import gcd

import numpy as np
from numba import get_num_threads, njit, prange

KC = 256   # terms of the sum over p per k-block (rows of a packed block: 256 KiB of float32)
MC = 256   # most rows of C per parallel block
NC = 256   # columns of C per parallel block = width of a packed block of Qᵀ
MR = 4     # rows of C updated together by the register block  } written out in
KU = 4     # terms of the sum taken together by the register block } _update_rows
TROWS = 8  # rows of a packed block that a transposing pack fills together


@njit(cache=True)
def _pack_block(q, j0, nc, p0, kc, qb):
    """qb[t, j] = q[j0 + j, p0 + t] for 0 <= t < kc, 0 <= j < nc: a KC x NC slice of Qᵀ.

    ``q`` may have any strides. If its columns are contiguous (``q`` is a transposed
    view), each row of ``qb`` is a straight copy of part of a column of ``q``. Otherwise
    the copy is a transposition: it fills TROWS rows of ``qb`` at a time, reading TROWS
    consecutive entries of each row of ``q`` into column ``j`` of them (a fixed-length
    inner loop, which the compiler unrolls: ~3x faster than square tiles with variable
    bounds, measured). Entries of ``qb`` past ``kc`` rows or ``nc`` columns are left as
    they were; the kernel never reads them.
    """
    if q.strides[0] <= q.strides[1]:
        for t in range(kc):
            src = q[j0:j0 + nc, p0 + t]  # 1-D views: the compiler vectorizes this copy
            dst = qb[t]                  # when src is unit-stride (~5x faster, measured)
            for j in range(nc):
                dst[j] = src[j]
    else:
        t_full = kc // TROWS * TROWS
        for t0 in range(0, t_full, TROWS):
            for j in range(nc):
                for u in range(TROWS):
                    qb[t0 + u, j] = q[j0 + j, p0 + t0 + u]
        for t in range(t_full, kc):
            for j in range(nc):
                qb[t, j] = q[j0 + j, p0 + t]


@njit(cache=True, fastmath=True)
def _update_rows(pv, i0, p0, kc, qb, nc, acc, a0):
    """acc[a0+a, :nc] += Σ_{0 <= t < kc} P[i0+a, p0+t] · qb[t, :nc] for a in 0..3; pv is P.

    ``qb`` is the packed k-block (KC, NC) of Qᵀ. Rows ``i0+a`` past the end of ``P`` read
    its last row instead; the caller does not copy those rows of ``acc`` out. The terms go
    KU at a time: the 4 x 4 scalars ``xau = P[i0+a, p0+t+u]`` are held fixed while the
    ``for j`` loop, unit-stride in ``qb`` and ``acc``, runs as SIMD multiply-adds. The loop
    reads each entry of ``qb`` once into a local (``v0..v3``) before it writes any row of
    ``acc``, so the compiler does not reload it after each write.
    """
    last = pv.shape[0] - 1
    r0 = min(i0, last); r1 = min(i0 + 1, last); r2 = min(i0 + 2, last); r3 = min(i0 + 3, last)  # noqa: E702
    row0 = acc[a0]
    row1 = acc[a0 + 1]
    row2 = acc[a0 + 2]
    row3 = acc[a0 + 3]
    t_full = kc // KU * KU
    for t in range(0, t_full, KU):
        # rows t..t+3 of the packed block, and the 4 x 4 entries of P that multiply them
        p = p0 + t
        y0 = qb[t]; y1 = qb[t + 1]; y2 = qb[t + 2]; y3 = qb[t + 3]  # noqa: E702
        x00 = pv[r0, p]; x01 = pv[r0, p + 1]; x02 = pv[r0, p + 2]; x03 = pv[r0, p + 3]  # noqa: E702
        x10 = pv[r1, p]; x11 = pv[r1, p + 1]; x12 = pv[r1, p + 2]; x13 = pv[r1, p + 3]  # noqa: E702
        x20 = pv[r2, p]; x21 = pv[r2, p + 1]; x22 = pv[r2, p + 2]; x23 = pv[r2, p + 3]  # noqa: E702
        x30 = pv[r3, p]; x31 = pv[r3, p + 1]; x32 = pv[r3, p + 2]; x33 = pv[r3, p + 3]  # noqa: E702
        for j in range(nc):
            v0 = y0[j]; v1 = y1[j]; v2 = y2[j]; v3 = y3[j]  # noqa: E702
            row0[j] += x00 * v0 + x01 * v1 + x02 * v2 + x03 * v3
            row1[j] += x10 * v0 + x11 * v1 + x12 * v2 + x13 * v3
            row2[j] += x20 * v0 + x21 * v1 + x22 * v2 + x23 * v3
            row3[j] += x30 * v0 + x31 * v1 + x32 * v2 + x33 * v3
    for t in range(t_full, kc):
        # the kc mod KU leftover terms, one at a time
        p = p0 + t
        y0 = qb[t]
        x0 = pv[r0, p]; x1 = pv[r1, p]; x2 = pv[r2, p]; x3 = pv[r3, p]  # noqa: E702
        for j in range(nc):
            v0 = y0[j]
            row0[j] += x0 * v0
            row1[j] += x1 * v0
            row2[j] += x2 * v0
            row3[j] += x3 * v0


@njit(cache=True)
def _multiply_block(p_view, q_view, c, i_start, mc, jp):
    """c[i_start:i_start+mc, jp·NC:jp·NC+NC] = that block of P · Qᵀ (clipped to c's shape).

    For each k-block the task packs the KC x NC slice of Qᵀ it needs into its own buffer,
    then sweeps its rows MR at a time, summing into its own zeroed (mc, NC) accumulator;
    at the end it copies the accumulator into ``c``. ``mc`` is a multiple of MR.
    """
    m, k = p_view.shape
    n = c.shape[1]
    j_start = jp * NC
    rows = min(mc, m - i_start)
    nc = min(NC, n - j_start)
    qb = np.empty((KC, NC), c.dtype)
    acc = np.zeros((mc, NC), c.dtype)
    for p0 in range(0, k, KC):
        kc = min(KC, k - p0)
        _pack_block(q_view, j_start, nc, p0, kc, qb)
        for a0 in range(0, rows, MR):
            _update_rows(p_view, i_start + a0, p0, kc, qb, nc, acc, a0)
    for a in range(rows):
        for j in range(nc):
            c[i_start + a, j_start + j] = acc[a, j]


@njit(cache=True, parallel=True)
def _multiply_blocks(p_view, q_view, c, mc):
    """c = P · Qᵀ for P (m, k) and Q (n, k) of any strides; one mc x NC block of c per task.

    Tasks write disjoint blocks of ``c``: no locks, and the result does not depend on which
    thread runs which block. The body of a task is a separate, serial function: compiled
    inside the parallel loop, the same code ran ~20% slower (measured on one thread).
    """
    blocks_n = (q_view.shape[0] + NC - 1) // NC
    for blk in prange((p_view.shape[0] + mc - 1) // mc * blocks_n):
        _multiply_block(p_view, q_view, c, (blk // blocks_n) * mc, mc, blk % blocks_n)


def _ceil_div(a, b):
    """The smallest integer >= a / b, for positive integers."""
    return (a + b - 1) // b


def block_height(m, n, threads):
    """Rows of C per parallel block for an (m, n) product on ``threads`` threads.

    Cutting each panel into a multiple of ``groups = threads / gcd(full panels, threads)``
    row blocks makes the number of full-width blocks a multiple of the thread count, so
    the threads share them evenly; the fewest such blocks of at most MC rows are used, as
    tall as possible, so that each packed k-block serves as many rows as possible. The
    result is a multiple of MR. Block heights do not change any result (module docstring).
    """
    groups = threads // gcd(max(1, n // NC), threads)
    blocks_m = groups * _ceil_div(m, groups * MC)   # row blocks per panel: a multiple of groups
    return _ceil_div(_ceil_div(m, blocks_m), MR) * MR


def _gemm_pqt(p_view, q_view, c):
    """c = p_view @ q_view.T for p_view (m, k), q_view (n, k) of any strides; c is (m, n).

    This driver is plain Python on purpose: calling the parallel kernel straight from
    Python lets numba start its thread pool when the kernel is loaded from the cache (a
    cached non-parallel caller of a parallel kernel would skip that start-up).
    """
    m, k = p_view.shape
    n = q_view.shape[0]
    if m == 0 or n == 0:
        return c
    if k == 0:
        c[...] = 0
        return c
    _multiply_blocks(p_view, q_view, c, block_height(m, n, get_num_threads()))
    return c


# --------------------------------------------------------------------------- public kernels
def matmul_numba(a, b, c):
    """c = a @ b with the numba kernel; a (m, k), b (k, n), c (m, n) C-contiguous."""
    _gemm_pqt(a, b.T, c)
    return c


def matmul_tn_numba(a, b, c):
    """c = a.T @ b with the numba kernel, reading ``a`` through a transposed view."""
    _gemm_pqt(a.T, b.T, c)
    return c


def matmul_nt_numba(a, b, c):
    """c = a @ b.T with the numba kernel, reading ``b`` through a transposed view."""
    _gemm_pqt(a, b, c)
    return c
