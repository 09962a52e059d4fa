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

A transposed view only swaps the strides, so no transposed matrix is ever materialised.
The kernel reads ``P`` and ``Q`` through their strides in one place only, the packing
step below, which is why sliced and transposed inputs work unchanged.

Blocking (after Goto & van de Geijn, "Anatomy of High-Performance Matrix Multiplication",
ACM TOMS 2008)
-------------------------------------------------------------------------------------
1. **k-blocks.** The sum over ``p`` is cut into blocks of ``KC`` terms. For each block,
   the slices ``P[:, p0:p0+KC]`` and ``Q[:, p0:p0+KC]`` are *packed*: copied into two
   C-contiguous panels ``Pp`` (m, KC) and ``Qp`` (n, KC) whose rows are contiguous along
   ``p``. Packing costs O((m + n)·k) reads against the O(m·n·k) multiply-adds it feeds,
   and it turns any input layout (row-major, transposed, sliced) into unit-stride rows.
   It is the only copy the kernel makes. Rows are padded with zeros up to a multiple of
   the register block, so the inner kernel never needs an edge case.
2. **C-blocks in parallel.** ``C`` is cut into blocks of ``MC x NC`` entries; the blocks
   are independent, so ``prange`` hands them to the threads. Inside a block the loops run
   ``for j0 (NR at a time): for i0 (MR at a time)``: the NR rows of ``Qp`` (NR·KC values)
   stay in L1 while the block's MC rows of ``Pp`` stream from L2.
3. **Register block.** :func:`_micro_kernel` computes an ``MR x NR = 4 x 4`` tile of
   ``C`` with sixteen scalar accumulators that live in registers for the whole k-block.
   Each step of its loop loads 4 + 4 values and does 16 multiply-adds, so arithmetic, not
   memory, is the bottleneck. The loop over ``p`` is a set of sixteen dot products over
   unit-stride rows; with ``fastmath=True`` LLVM may reorder the sums, so it vectorizes
   each accumulator into a SIMD register (8 float32 or 4 float64 lanes on AVX2) and adds
   the lanes up once, after the loop.

Summation order therefore differs from numpy's BLAS: results agree to rounding (tests
bound the float32 difference by a multiple of k · eps), not bit for bit. The order is
fixed by the block sizes alone, never by the thread count, so results are reproducible
run to run and for any ``NUMBA_NUM_THREADS``.

The ``*_numba`` functions take validated operands (2-D, the same float dtype, matching
inner dimensions) and a C-contiguous output ``c`` of shape (m, n) that they overwrite;
:mod:`tinynet.kernels` does the checking and allocation for users.
"""
import numpy as np
from numba import njit, prange

KC = 256   # terms of the sum over p per packed panel (a 4-row panel is 4 KiB of float32)
MC = 32    # rows of C per parallel block
NC = 128   # columns of C per parallel block
MR = 4     # rows of the register tile
NR = 4     # columns of the register tile
PACK_ROWS = 16  # rows copied together when packing (one 64-byte line of float32 per read)


def _round_up(x, multiple):
    """The smallest multiple of ``multiple`` that is >= x."""
    return (x + multiple - 1) // multiple * multiple


@njit(cache=True, parallel=True)
def _pack(src, p0, kc, dst):
    """dst[r, 0:kc] = src[r, p0:p0+kc] for every row r of ``src``.

    ``src`` may have any strides (a transposed view reads down columns). Copying
    PACK_ROWS rows together makes the reads of a row-major source cover whole cache
    lines; rows of ``dst`` beyond ``src`` keep the zeros they were allocated with.
    """
    rows = src.shape[0]
    for blk in prange((rows + PACK_ROWS - 1) // PACK_ROWS):
        r0 = blk * PACK_ROWS
        r1 = min(r0 + PACK_ROWS, rows)
        for p in range(kc):
            for r in range(r0, r1):
                dst[r, p] = src[r, p0 + p]


@njit(cache=True, fastmath=True, inline="always")
def _micro_kernel(pp, i0, qp, j0, kc, tile):
    """tile[a, b] = Σ_{p<kc} pp[i0+a, p] · qp[j0+b, p] for a, b in 0..3 (a 4x4 register tile).

    The first term initialises each accumulator (so they take the inputs' dtype and no
    zero constant has to be typed); the remaining kc-1 terms are sixteen interleaved dot
    products that LLVM keeps in SIMD registers.
    """
    x0 = pp[i0]
    x1 = pp[i0 + 1]
    x2 = pp[i0 + 2]
    x3 = pp[i0 + 3]
    y0 = qp[j0]
    y1 = qp[j0 + 1]
    y2 = qp[j0 + 2]
    y3 = qp[j0 + 3]
    c00 = x0[0] * y0[0]; c01 = x0[0] * y1[0]; c02 = x0[0] * y2[0]; c03 = x0[0] * y3[0]  # noqa: E702
    c10 = x1[0] * y0[0]; c11 = x1[0] * y1[0]; c12 = x1[0] * y2[0]; c13 = x1[0] * y3[0]  # noqa: E702
    c20 = x2[0] * y0[0]; c21 = x2[0] * y1[0]; c22 = x2[0] * y2[0]; c23 = x2[0] * y3[0]  # noqa: E702
    c30 = x3[0] * y0[0]; c31 = x3[0] * y1[0]; c32 = x3[0] * y2[0]; c33 = x3[0] * y3[0]  # noqa: E702
    for p in range(1, kc):
        a0 = x0[p]; a1 = x1[p]; a2 = x2[p]; a3 = x3[p]  # noqa: E702
        b0 = y0[p]; b1 = y1[p]; b2 = y2[p]; b3 = y3[p]  # noqa: E702
        c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3  # noqa: E702
        c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3  # noqa: E702
        c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3  # noqa: E702
        c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3  # noqa: E702
    tile[0, 0] = c00; tile[0, 1] = c01; tile[0, 2] = c02; tile[0, 3] = c03  # noqa: E702
    tile[1, 0] = c10; tile[1, 1] = c11; tile[1, 2] = c12; tile[1, 3] = c13  # noqa: E702
    tile[2, 0] = c20; tile[2, 1] = c21; tile[2, 2] = c22; tile[2, 3] = c23  # noqa: E702
    tile[3, 0] = c30; tile[3, 1] = c31; tile[3, 2] = c32; tile[3, 3] = c33  # noqa: E702


@njit(cache=True, fastmath=True, parallel=True)
def _multiply_blocks(pp, qp, kc, first, c):
    """c (+)= Pp[:, :kc] · Qp[:, :kc]ᵀ, one MC x NC block of c per parallel task.

    ``first`` is True for the first k-block, which assigns instead of accumulating (so
    ``c`` needs no zeroing). Tasks write disjoint blocks of ``c``: no locks, and the
    result does not depend on which thread runs which block.
    """
    m, n = c.shape
    blocks_m = (m + MC - 1) // MC
    blocks_n = (n + NC - 1) // NC
    for blk in prange(blocks_m * blocks_n):
        i_start = (blk // blocks_n) * MC
        j_start = (blk % blocks_n) * NC
        i_stop = min(i_start + MC, m)
        j_stop = min(j_start + NC, n)
        tile = np.empty((MR, NR), c.dtype)
        for j0 in range(j_start, j_stop, NR):
            nr = min(NR, j_stop - j0)
            for i0 in range(i_start, i_stop, MR):
                _micro_kernel(pp, i0, qp, j0, kc, tile)
                mr = min(MR, i_stop - i0)
                for a in range(mr):
                    for b in range(nr):
                        if first:
                            c[i0 + a, j0 + b] = tile[a, b]
                        else:
                            c[i0 + a, j0 + b] += tile[a, b]


def _gemm_pqt(p_view, q_view, c):
    """c = p_view @ q_view.T for p_view (m, k), q_view (n, k) of any strides; c is (m, n).

    The k-blocks run one after another (each accumulates into c); the parallelism is
    inside packing and inside :func:`_multiply_blocks`. This driver is plain Python on
    purpose: its loop runs ceil(k / KC) times, and calling each parallel kernel straight
    from Python lets numba start its thread pool when a kernel is loaded from the cache
    (a cached non-parallel caller of parallel kernels would skip that start-up).
    """
    m, k = p_view.shape
    n = q_view.shape[0]
    if m == 0 or n == 0:
        return c
    if k == 0:
        c[...] = 0
        return c
    kc_max = min(KC, k)
    pp = np.zeros((_round_up(m, MR), kc_max), c.dtype)
    qp = np.zeros((_round_up(n, NR), kc_max), c.dtype)
    for p0 in range(0, k, KC):
        kc = min(KC, k - p0)
        _pack(p_view, p0, kc, pp)
        _pack(q_view, p0, kc, qp)
        _multiply_blocks(pp, qp, kc, p0 == 0, c)
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
