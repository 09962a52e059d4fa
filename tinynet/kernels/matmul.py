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
by the caller. The kernel reads ``Q`` through its strides once, to pack it (below), and
reads single entries of ``P`` through its strides; that is why sliced and transposed
inputs work unchanged.

How the work is cut up (after Goto & van de Geijn, "Anatomy of High-Performance Matrix
Multiplication", ACM TOMS 2008)
-------------------------------------------------------------------------------------
1. **Packing Q.** ``Qᵀ`` is copied once into *column panels*: panel ``jp`` holds columns
   ``jp·NC .. jp·NC+NC-1`` of ``Qᵀ`` as a C-contiguous (k, NC) array ``Qt[jp]``, so that
   ``Qt[jp, p, :]`` is one unit-stride row of NC values, starting on a 32-byte boundary
   (numba aligns the arrays it allocates). This is the only copy the kernel makes: O(n·k)
   against O(m·n·k) multiply-adds. When ``Q``'s columns are contiguous (``Q = b.T``) each
   panel row is a straight copy; when its rows are (``a @ b.T``) packing is a
   transposition, done in TILE x TILE = 8 x 8 tiles so that the lines read and the lines
   written both stay in L1.
2. **C-blocks in parallel.** ``C`` is cut into blocks of ``MC x NC`` entries, one panel
   wide; the blocks are independent, so ``prange`` hands them to the threads, each block
   to one call of the serial :func:`_multiply_block`. Each block accumulates in a private,
   zeroed (MC, NC) buffer that is copied to ``C`` at the end.
3. **k-blocks.** Inside a block the sum over ``p`` runs in blocks of ``KC`` terms. The
   block's slice ``Qt[jp, p0:p0+KC]`` (KC x NC values, 256 KiB of float32) stays in L2
   while the loop ``for i0`` sweeps down the block's rows MR = 4 at a time; the four
   buffer rows being updated (4 KiB) stay in L1.
4. **Register block.** :func:`_update_rows` adds ``P[i0:i0+4, p0:p0+KC] · Qt[jp, p0:p0+KC]``
   to four rows of the buffer. It takes the terms KU = 4 at a time: the 4 x 4 entries of
   ``P`` are read (through ``P``'s strides) into scalars, which LLVM broadcasts into
   vector registers, then one pass along the rows, ``for j``, computes
   ``row_a[j] += Σ_u P[i0+a, p+u] · Qt[jp, p+u, j]`` for the four rows. That loop is
   unit-stride in every array it touches, so LLVM vectorizes it (16 float32 or 8 float64
   lanes): per vector of columns it reads 4 panel rows (from L2) into locals and 4 buffer
   rows (from L1), does 16 multiply-adds and writes 4 vectors. 4 x 4 is a block whose 16
   broadcast scalars, 4 panel vectors and the running sum fit in the 32 vector registers
   of AVX-512 (a 4 x 8 block needs 32 scalars alone and spilled some to the stack, and
   re-read each panel vector for every row). Rows past the end of ``P`` read its last
   row again (their buffer rows are never copied out); the ``kc mod KU`` leftover terms
   of a k-block take a one-term version of the same loop.

Summation order therefore differs from numpy's BLAS: results agree to rounding (tests
bound the float32 difference by a multiple of k · eps), not bit for bit. Each entry of
``C`` is summed k-block by k-block and KU terms at a time, an order fixed by KC and KU
(and the compiled code), never by the thread count or by which thread runs which block,
so results are reproducible run to run and for any ``NUMBA_NUM_THREADS``.

The ``*_numba`` functions take validated operands (2-D, the same float dtype, matching
inner dimensions) and a C-contiguous output ``c`` of shape (m, n) that they overwrite;
:mod:`tinynet.kernels` does the checking and allocation for users.
"""
import numpy as np
from numba import njit, prange

KC = 256   # terms of the sum over p per k-block (KC rows of a panel: 256 KiB of float32)
MC = 32    # rows of C per parallel block
NC = 256   # columns of C per parallel block = width of a packed panel of Qᵀ
MR = 4     # rows of C updated together by the register block  } written out in
KU = 4     # terms of the sum taken together by the register block } _update_rows
PACK_ROWS = 64  # rows of Qᵀ packed per parallel task
TILE = 8   # side of the square tiles in which a transposing pack copies


@njit(cache=True)
def _pack_rows(q, p_lo, p_hi, qt):
    """qt[jp, p, j] = q[jp·NC + j, p] for p_lo <= p < p_hi, every panel jp and column j.

    ``q`` may have any strides. If its columns are contiguous (``q`` is a transposed
    view), each row of a panel is a straight copy; otherwise the copy is a transposition,
    done in TILE x TILE tiles so that both the rows read and the rows written stay in L1.
    Columns of the last panel past ``n`` are left unset; the kernel never reads them.
    """
    n = q.shape[0]
    for jp in range(qt.shape[0]):
        j0 = jp * NC
        nc = min(NC, n - j0)
        if q.strides[0] <= q.strides[1]:
            for p in range(p_lo, p_hi):
                for j in range(nc):
                    qt[jp, p, j] = q[j0 + j, p]
        else:
            for jb in range(0, nc, TILE):
                for pb in range(p_lo, p_hi, TILE):
                    for j in range(jb, min(jb + TILE, nc)):
                        for p in range(pb, min(pb + TILE, p_hi)):
                            qt[jp, p, j] = q[j0 + j, p]


@njit(cache=True, parallel=True)
def _pack_panels(q):
    """Qᵀ packed into panels: an array (ceil(n / NC), k, NC) with qt[jp, p, j] = q[jp·NC + j, p].

    Parallel over blocks of PACK_ROWS rows (values of p), each packing those rows of
    every panel.
    """
    n, k = q.shape
    qt = np.empty(((n + NC - 1) // NC, k, NC), q.dtype)
    for blk in prange((k + PACK_ROWS - 1) // PACK_ROWS):
        p_lo = blk * PACK_ROWS
        _pack_rows(q, p_lo, min(p_lo + PACK_ROWS, k), qt)
    return qt


@njit(cache=True, fastmath=True)
def _update_rows(pv, i0, p0, kc, qp, nc, acc, a0):
    """acc[a0+a, :nc] += Σ_{p0 <= p < p0+kc} P[i0+a, p] · qp[p, :nc] for a in 0..3; pv is P.

    ``qp`` is one packed panel (k, NC) of Qᵀ. Rows ``i0+a`` past the end of ``P`` read its
    last row instead; the caller does not copy those rows of ``acc`` out. The terms go KU
    at a time: the 4 x 4 scalars ``xau = P[i0+a, p+u]`` are held fixed while the
    ``for j`` loop, unit-stride in ``qp`` and ``acc``, runs as SIMD multiply-adds. The loop
    reads each panel entry once into a local (``v0..v3``) before it writes any row of
    ``acc``, so the compiler does not reload it after each write.
    """
    last = pv.shape[0] - 1
    r0 = min(i0, last); r1 = min(i0 + 1, last); r2 = min(i0 + 2, last); r3 = min(i0 + 3, last)  # noqa: E702
    row0 = acc[a0]
    row1 = acc[a0 + 1]
    row2 = acc[a0 + 2]
    row3 = acc[a0 + 3]
    p_stop = p0 + kc
    p_full = p0 + kc // KU * KU
    for p in range(p0, p_full, KU):
        # rows p..p+3 of the panel, and the 4 x 4 entries of P that multiply them
        y0 = qp[p]; y1 = qp[p + 1]; y2 = qp[p + 2]; y3 = qp[p + 3]  # noqa: E702
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
    for p in range(p_full, p_stop):
        # the kc mod KU leftover terms, one at a time
        y0 = qp[p]
        x0 = pv[r0, p]; x1 = pv[r1, p]; x2 = pv[r2, p]; x3 = pv[r3, p]  # noqa: E702
        for j in range(nc):
            v0 = y0[j]
            row0[j] += x0 * v0
            row1[j] += x1 * v0
            row2[j] += x2 * v0
            row3[j] += x3 * v0


@njit(cache=True)
def _multiply_block(p_view, qt, c, i_start, jp):
    """c[i_start:i_start+MC, jp·NC:jp·NC+NC] = that block of P · Qᵀ (clipped to c's shape).

    The block sums into its own zeroed (MC, NC) buffer, k-block after k-block and MR rows
    at a time, then copies the buffer into ``c``.
    """
    m, k = p_view.shape
    n = c.shape[1]
    j_start = jp * NC
    mc = min(MC, m - i_start)
    nc = min(NC, n - j_start)
    acc = np.zeros((MC, NC), c.dtype)
    for p0 in range(0, k, KC):
        kc = min(KC, k - p0)
        for a0 in range(0, mc, MR):
            _update_rows(p_view, i_start + a0, p0, kc, qt[jp], nc, acc, a0)
    for a in range(mc):
        for j in range(nc):
            c[i_start + a, j_start + j] = acc[a, j]


@njit(cache=True, parallel=True)
def _multiply_blocks(p_view, qt, c):
    """c = P · Qᵀ from P (m, k) of any strides and Qᵀ packed into panels; one MC x NC block per task.

    Tasks write disjoint blocks of ``c``: no locks, and the result does not depend on which
    thread runs which block. The body of a task is a separate, serial function: compiled
    inside the parallel loop, the same code ran ~20% slower (measured on one thread).
    """
    blocks_n = qt.shape[0]
    for blk in prange((p_view.shape[0] + MC - 1) // MC * blocks_n):
        _multiply_block(p_view, qt, c, (blk // blocks_n) * MC, blk % blocks_n)


def _gemm_pqt(p_view, q_view, c):
    """c = p_view @ q_view.T for p_view (m, k), q_view (n, k) of any strides; c is (m, n).

    Two parallel kernels: one packs Qᵀ into panels, one multiplies. This driver is plain
    Python on purpose: calling each parallel kernel straight from Python lets numba start
    its thread pool when a kernel is loaded from the cache (a cached non-parallel caller
    of parallel kernels would skip that start-up).
    """
    m, k = p_view.shape
    n = q_view.shape[0]
    if m == 0 or n == 0:
        return c
    if k == 0:
        c[...] = 0
        return c
    _multiply_blocks(p_view, _pack_panels(q_view), c)
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
