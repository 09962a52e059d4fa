"""Matrix products in numba: a cache-blocked, register-blocked GEMM, serial or parallel.

    from tinynet.kernels.matmul import matmul_numba, matmul_tn_numba, matmul_nt_numba
    c = matmul_numba(a, b, c)        # a @ b      a: (m, k)  b: (k, n)
    c = matmul_tn_numba(a, b, c)     # a.T @ b    a: (k, m)  b: (k, n)   dW = Xᵀ·dZ
    c = matmul_nt_numba(a, b, c)     # a @ b.T    a: (m, k)  b: (n, k)   dX = dZ·Wᵀ

One kernel, three products
--------------------------
Every product here is computed as ``C = P · Qᵀ``, i.e. ``C[i, j] = Σ_p P[i, p] · Q[j, p]``,
where ``P`` (m, k) and ``Q`` (n, k) are *views* of the operands, never copies:

    a @ b    ->  P = a,    Q = b.T
    a.T @ b  ->  P = a.T,  Q = b.T
    a @ b.T  ->  P = a,    Q = b

A transposed view only swaps the strides. The kernel receives each view as its flat
buffer plus two element strides (``P[i, p] = pf[i·ps0 + p·ps1]``), so one compiled
kernel per dtype serves all three products and both memory orders: numba compiles a
function once per combination of argument types, and 2-D views of different layouts
(C, Fortran, strided) are different types. An operand that is neither C- nor
Fortran-ordered (e.g. ``x[:, ::2]``) is copied to C order first.

How the work is cut up (after Goto & van de Geijn, "Anatomy of High-Performance Matrix
Multiplication", ACM TOMS 2008)
-------------------------------------------------------------------------------------
1. **C-blocks.** ``C`` is cut into blocks of ``mc x NC`` entries, one *panel* (NC
   columns) wide; each block is computed by the serial :func:`_multiply_blocks`, which
   accumulates in a zeroed (mc, nc) part of its thread's scratch buffer, copied to ``C``
   at the end.
   The blocks are independent. A product of at least PARALLEL_MIN_MACS multiply-adds
   shares them among threads through :mod:`.gemm_team` (whoever is awake takes the next
   block, inside compiled code: a busy core never holds the product up); a smaller one
   runs them one after another on the calling thread, because there sharing costs more
   than it saves.
   Blocks are as tall as possible (every block packs the panel of ``Qᵀ`` it reads, step
   2, so taller blocks pack less): at most MC = 256 rows, and for a shared product just
   enough blocks per panel that the threads share the full panels evenly
   (:func:`block_height`).
2. **k-blocks, packed where they are used.** Inside a block the sum over ``p`` runs in
   blocks of ``KC`` terms. For each k-block the task first copies the kc x nc slice of
   ``Qᵀ`` it needs into its own C-contiguous buffer ``qb``, so that ``qb[t, :]`` is one
   unit-stride row. When ``Q``'s columns are contiguous (``Q = b.T``) each row of ``qb``
   is a straight copy; when its rows are (``a @ b.T``) packing is a transposition, TROWS
   = 8 rows of ``qb`` at a time. Packing on the core that then reads the buffer keeps it
   in that core's cache. The rows of ``qb`` are padded with zeros to a multiple of
   NV = 16 columns, so that the inner loop below always runs whole 16-wide chunks (one
   AVX-512 register of float32, two of float64) even for a 10-column output layer.
   ``qb`` and the accumulator are each thread's own buffers, made once and aligned to
   64 bytes, the width of one such register (:func:`_aligned_empty`).
3. **Register block.** :func:`_update_rows` sweeps the block's rows four at a time,
   adding ``P[i0:i0+4, p0:p0+kc] · qb`` to four rows of the accumulator. It takes the terms KU = 4 at a time: the 4 x 4 entries of
   ``P`` are read into scalars, which LLVM broadcasts into vector registers, then one
   pass along the columns computes, for each of the four rows a,

       acc[a, j] += P[i0+a, p] qb[t, j] + P[i0+a, p+1] qb[t+1, j]
                  + P[i0+a, p+2] qb[t+2, j] + P[i0+a, p+3] qb[t+3, j]

   in one loop over the (padded) columns, unit-stride in ``qb`` and the accumulator, that
   LLVM vectorizes (16 float32 or 8 float64 per AVX-512 instruction). Rows past
   the end of ``P`` read its last row again (their accumulator rows are never copied out);
   the ``kc mod KU`` leftover terms of a k-block are added one after the other, one
   pass each.
4. **Narrow outputs and short sums: strips.** A product that runs on one thread and has
   at most 64 output columns, or sums at most 32 terms (an output layer's ``Z = H·W``,
   ``dW = Hᵀ·dZ`` and ``dX = dZ·Wᵀ`` with 10 classes, the lab's 64-wide layers), gains
   little from step 3: its vectorized loop would have a few 16-wide steps. :mod:`.gemm_strips`
   computes it in strips of 16 columns and 8 rows (6 in float64) whose sums stay in vector
   registers, summing each entry in the same order as step 3, so which path runs changes
   no bit.
5. **Other narrow outputs.** A product with fewer than NARROW output columns and more
   rows that the strips do not take (one shared among threads, or 17-31 columns wide) is
   computed as ``Cᵀ = Q·Pᵀ`` and written transposed, so that the long side runs along the
   vectorized loop. Each entry sums the same products in the same order (``x·y = y·x``
   exactly), so this changes no bit either.

Summation order, and what is reproducible
-----------------------------------------
Each entry of ``C`` is summed in one fixed order: k-block by k-block (KC terms), within a
k-block KU = 4 terms at a time, the four products added left to right (the compiler may
fuse each multiply with the following add, ``fastmath={"contract"}``; no other
reassociation is allowed), each group of four added to the running sum, then the leftover
terms one by one. That order depends on KC, KU and k only -- never on the thread count,
the serial or parallel path, the block heights or which thread runs which block -- so the
bits of ``C`` are the same for any ``NUMBA_NUM_THREADS`` and either path (tests compare
them bit for bit). It differs from BLAS's order: results agree with ``numpy.matmul`` to
rounding (a multiple of k · eps), not bit for bit.

What is *not* promised: the same bits on another CPU or another numba/LLVM version. Where
the compiler fuses a multiply and an add into one FMA instruction depends on the
instruction set (a CPU without FMA rounds twice), and a different LLVM may fuse
differently. Same machine, same software, same seed: same bits.

The ``*_numba`` functions take validated operands (2-D, the same float dtype, matching
inner dimensions) and a C-contiguous output ``c`` of shape (m, n) that they overwrite, or
``c=None`` for a new one; :mod:`tinynet.kernels` does the checking for users.
"""
from math import gcd

import numpy as np

from . import gemm_team, pool
from .gemm_blocks import KC, KU, MC, MR, NC, _flat_block, _multiply_blocks, _scratch  # noqa: F401 (KC, KU)
from .gemm_strips import _multiply_strips, fits_strips

NARROW = 32  # a product with fewer output columns than this (and more rows) is computed as Cᵀ


PARALLEL_MIN_MACS = 1 << 22
"""Products of at least this many multiply-adds (m·n·k) share their blocks among the threads
of :mod:`.gemm_team`; smaller ones run the serial path (same bits, see the module docstring).
A watching helper joins a product within microseconds, but each shared block packs its own
copy of the panel of Qᵀ it reads, so a small product gains less than it pays. Measured on
2 cores (both paths in one process, medians of interleaved runs): at 2^21 multiply-adds
some products ran faster shared (64 x 256 x 128: 30 us against 48 serial) and some slower
(128 x 64 x 256: 54 against 46); from 2^22 up -- the layer-2 product 128 x 256 x 128 of the
course's MLP, 2^22 exactly -- sharing was faster on every product tried. Its output layer
(128 x 128 x 10, 2^17.3) runs serially. benchmarks/RESULTS.md, section "matmul", gives
each product of the course on one and two threads."""


def _ceil_div(a, b):
    """The smallest integer >= a / b, for positive integers."""
    return (a + b - 1) // b


def block_height(m, n, threads):
    """Rows of C per block for an (m, n) product on ``threads`` threads.

    Cutting each panel into a multiple of ``groups = threads / gcd(full panels, threads)``
    row blocks makes the number of full-width blocks a multiple of the thread count, so
    the threads share them evenly; the fewest such blocks of at most MC rows are used, as
    tall as possible, so that each packed k-block serves as many rows as possible. The
    result is a multiple of MR. Block heights do not change any result (module docstring).
    """
    groups = threads // gcd(max(1, n // NC), threads)
    blocks_m = groups * _ceil_div(m, groups * MC)   # row blocks per panel: a multiple of groups
    return _ceil_div(_ceil_div(m, blocks_m), MR) * MR


def _flat(x, rows, cols):
    """(flat buffer, row stride, column stride) of a 2-D array of shape (rows, cols), in elements.

    A C- or Fortran-ordered array is read in place (``ravel`` in memory order is a view);
    any other layout is copied to C order. The transpose of ``x`` is the same buffer with
    the two strides exchanged. The shape comes from the caller, who has read it already
    (each ``x.shape`` builds a new tuple, and this runs twice per product).
    """
    flags = x.flags
    if flags.c_contiguous:
        return x.ravel(), cols, 1
    if flags.f_contiguous:
        return x.ravel("K"), 1, rows
    return np.ascontiguousarray(x).ravel(), cols, 1


def will_run_parallel(m, n, k):
    """True if an (m, k) x (k, n) product is shared among threads (see PARALLEL_MIN_MACS)."""
    return m * n * k >= PARALLEL_MIN_MACS and pool.threads() > 1


def _product(pf, ps0, ps1, m, k, qf, qs0, qs1, n, c):
    """c = P · Qᵀ for P[i, p] = pf[i·ps0 + p·ps1] (m, k) and Q[j, p] = qf[j·qs0 + p·qs1] (n, k).

    ``c`` is a C-contiguous (m, n) array to overwrite, or None for a new one. Three paths,
    one summation order: blocks shared among threads (large products), strips
    (:mod:`.gemm_strips`: narrow outputs or short sums), or blocks on this thread.
    """
    if c is None:
        c = np.empty((m, n), pf.dtype)
    macs = m * n * k
    if macs == 0:
        c[...] = 0      # an empty sum (k = 0) is zero; with m or n = 0 there is nothing to write
        return c
    shared = will_run_parallel(m, n, k)
    if not shared and fits_strips(m, n, k):
        _multiply_strips(pf, ps0, ps1, m, k, qf, qs0, qs1, n, c, _flat_block(c.dtype))
        return c
    swap = computes_transpose(m, n)
    if swap:
        # C = P·Qᵀ and Cᵀ = Q·Pᵀ sum the same products in the same order (x·y = y·x
        # exactly): computing Cᵀ puts the long side along the vectorized loop.
        pf, ps0, ps1, m, qf, qs0, qs1, n = qf, qs0, qs1, n, pf, ps0, ps1, m
    if shared:
        mc, blocks = blocks_of(m, n, pool.threads())
        if gemm_team.run(pf, ps0, ps1, m, k, qf, qs0, qs1, n, c, int(swap), mc, blocks):
            return c
    mc, blocks = blocks_of(m, n, 1)
    qb, acc = _scratch(c.dtype)
    _multiply_blocks(pf, ps0, ps1, m, k, qf, qs0, qs1, n, c, swap, mc, qb, acc, 0, blocks)
    return c


def computes_transpose(m, n):
    """True if an (m, n) product on the blocks is computed as Cᵀ (module docstring, step 5)."""
    return n < NARROW and m > n


def blocks_of(m, n, threads):
    """(block height, number of blocks) of the (m, n) output the block kernel computes
    (Cᵀ's shape if :func:`computes_transpose`), shared among ``threads`` threads."""
    mc = block_height(m, n, threads)
    return mc, _ceil_div(m, mc) * _ceil_div(n, NC)


# --------------------------------------------------------------------------- public kernels
def matmul_numba(a, b, c=None):
    """c = a @ b with the numba kernel; a (m, k), b (k, n), c (m, n) C-contiguous or None.

    P = a and Q = bᵀ: b's buffer with its strides exchanged.
    """
    m, k = a.shape
    n = b.shape[1]
    af, as0, as1 = _flat(a, m, k)
    bf, bs0, bs1 = _flat(b, k, n)
    return _product(af, as0, as1, m, k, bf, bs1, bs0, n, c)


def matmul_tn_numba(a, b, c=None):
    """c = a.T @ b with the numba kernel: P = aᵀ and Q = bᵀ, both by exchanged strides."""
    k, m = a.shape
    n = b.shape[1]
    af, as0, as1 = _flat(a, k, m)
    bf, bs0, bs1 = _flat(b, k, n)
    return _product(af, as1, as0, m, k, bf, bs1, bs0, n, c)


def matmul_nt_numba(a, b, c=None):
    """c = a @ b.T with the numba kernel: P = a and Q = b, as they are."""
    m, k = a.shape
    n = b.shape[0]
    af, as0, as1 = _flat(a, m, k)
    bf, bs0, bs1 = _flat(b, n, k)
    return _product(af, as0, as1, m, k, bf, bs0, bs1, n, c)
