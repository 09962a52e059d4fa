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
   shares them among threads through :mod:`.pool` (whoever is awake takes the next
   block: a busy core never holds the product up); a smaller one runs them one after
   another on the calling thread, because waking a thread costs more than such a product.
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
4. **Narrow outputs.** A product with fewer than NARROW output columns and more rows (an
   output layer's ``Z = H·W`` with 10 classes) is computed as ``Cᵀ = Q·Pᵀ`` and written
   transposed, so that the long side runs along the vectorized loop. Each entry sums
   the same products in the same order (``x·y = y·x`` exactly), so this changes no bit.

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
inner dimensions) and a C-contiguous output ``c`` of shape (m, n) that they overwrite;
:mod:`tinynet.kernels` does the checking and allocation for users.
"""
import threading
from math import gcd

import numpy as np
from numba import njit

from . import pool

KC = 256   # terms of the sum over p per k-block (rows of a packed block)
MC = 256   # most rows of C per block
NC = 256   # most columns of C per block = width of a packed block of Qᵀ
NV = 16    # the packed block's rows are padded to a multiple of NV columns
MR = 4     # rows of C updated together by the register block  } written out in
KU = 4     # terms of the sum taken together by the register block } _update_rows
TROWS = 8  # rows of a packed block that a transposing pack fills together
NARROW = 32  # a product with fewer output columns than this (and more rows) is computed as Cᵀ

PARALLEL_MIN_MACS = 1 << 26
"""Products of at least this many multiply-adds (m·n·k) share their blocks among the threads
of :mod:`.pool`; smaller ones run the serial path (same bits, see the module docstring).
Waking a sleeping helper thread costs tens to hundreds of microseconds on a virtual
machine, as much as a whole product of the course's MLP: measured on 2 cores, the layer-1
product 128 x 784 x 256 (2^24.6 multiply-adds) ran at 86 GFLOP/s shared and 111 serial,
the 1024-wide 256 x 1024 x 1024 (2^28) at 110 shared and 89 serial. 2^26 lies between
(a 256 x 1024 x 256 product); benchmarks/RESULTS.md, section "matmul", gives each
product on one and two threads."""

_OPTIONS = dict(cache=True, error_model="numpy")


@njit(**_OPTIONS)
def _pack_block(qf, qs0, qs1, j0, nc, p0, kc, qb):
    """qb[t, j] = Q[j0 + j, p0 + t] for 0 <= t < kc, 0 <= j < nc, where Q[j, p] = qf[j·qs0 + p·qs1].

    If Q's columns are contiguous (qs0 == 1, Q is a transposed view), each row of ``qb``
    is a straight copy of a unit-stride run of ``qf`` (the compiler vectorizes it).
    Otherwise the copy is a transposition: it fills TROWS rows of ``qb`` at a time,
    reading TROWS consecutive entries of each row of Q into column ``j`` of them (a
    fixed-length inner loop, which the compiler unrolls). Entries of ``qb`` past ``kc``
    rows or ``nc`` columns are left as they were.
    """
    if qs0 == 1:
        for t in range(kc):
            src = qf[j0 + (p0 + t) * qs1:]
            dst = qb[t]
            for j in range(nc):
                dst[j] = src[j]
    else:
        t_full = kc // TROWS * TROWS
        for t0 in range(0, t_full, TROWS):
            for j in range(nc):
                base = (j0 + j) * qs0 + (p0 + t0) * qs1
                for u in range(TROWS):
                    qb[t0 + u, j] = qf[base + u * qs1]
        for t in range(t_full, kc):
            for j in range(nc):
                qb[t, j] = qf[(j0 + j) * qs0 + (p0 + t) * qs1]


@njit(fastmath={"contract"}, **_OPTIONS)
def _update_rows(pf, ps0, ps1, m, i_start, rows, p0, kc, qb, ncv, acc):
    """acc[a, :ncv] += Σ_{0 <= t < kc} P[i_start+a, p0+t] · qb[t, :ncv] for 0 <= a < rows.

    P[i, p] = pf[i·ps0 + p·ps1] has ``m`` rows. The rows go MR = 4 at a time; in the last
    group, rows past the end of P read its last row instead (the caller does not copy
    those rows of ``acc`` out). ``ncv`` is a multiple of NV. Within a group the terms go
    KU = 4 at a time: the 4 x 4 scalars ``xau = P[i0+a, p0+t+u]`` are held fixed while the
    loop over columns, unit-stride in ``qb`` and ``acc``, runs as SIMD multiply-adds. It
    reads each entry of ``qb`` once into a local (``v0..v3``) before it writes any row of
    ``acc``, so the compiler does not reload it.

    Two measured choices: ``qb[t, j]`` and ``acc[a, j]`` are indexed directly, not through
    row views (each view is a new array that numba reference-counts with atomic
    operations: direct indexing was 2-20% faster, same bits); and the loop over row groups
    is in here, not in the caller, because each call of a compiled function that takes
    arrays costs a few hundred cycles of such reference counting -- paid once per k-block
    now instead of once per four rows (a 450 x 2 by 2 x 64 product ran 1.2x faster).
    """
    last = m - 1
    t_full = kc // KU * KU
    for a0 in range(0, rows, MR):
        i0 = i_start + a0
        b0 = min(i0, last) * ps0
        b1 = min(i0 + 1, last) * ps0
        b2 = min(i0 + 2, last) * ps0
        b3 = min(i0 + 3, last) * ps0
        for t in range(0, t_full, KU):
            # rows t..t+3 of the packed block, and the 4 x 4 entries of P that multiply them
            o = (p0 + t) * ps1
            x00 = pf[b0 + o]; x01 = pf[b0 + o + ps1]; x02 = pf[b0 + o + 2 * ps1]; x03 = pf[b0 + o + 3 * ps1]  # noqa: E702,E501
            x10 = pf[b1 + o]; x11 = pf[b1 + o + ps1]; x12 = pf[b1 + o + 2 * ps1]; x13 = pf[b1 + o + 3 * ps1]  # noqa: E702,E501
            x20 = pf[b2 + o]; x21 = pf[b2 + o + ps1]; x22 = pf[b2 + o + 2 * ps1]; x23 = pf[b2 + o + 3 * ps1]  # noqa: E702,E501
            x30 = pf[b3 + o]; x31 = pf[b3 + o + ps1]; x32 = pf[b3 + o + 2 * ps1]; x33 = pf[b3 + o + 3 * ps1]  # noqa: E702,E501
            for j in range(ncv):
                v0 = qb[t, j]; v1 = qb[t + 1, j]; v2 = qb[t + 2, j]; v3 = qb[t + 3, j]  # noqa: E702
                acc[a0, j] += x00 * v0 + x01 * v1 + x02 * v2 + x03 * v3
                acc[a0 + 1, j] += x10 * v0 + x11 * v1 + x12 * v2 + x13 * v3
                acc[a0 + 2, j] += x20 * v0 + x21 * v1 + x22 * v2 + x23 * v3
                acc[a0 + 3, j] += x30 * v0 + x31 * v1 + x32 * v2 + x33 * v3
        # The kc mod KU leftover terms, one pass each: the same operations in the same order
        # as in one pass (acc + x0·v0, then + x1·v1, ...). One pass for all of them, with a
        # loop for each count, ran 1.1x faster on 450 x 3 by 3 x 64 but took 0.5 s longer
        # to compile.
        for t in range(t_full, kc):
            o = (p0 + t) * ps1
            x0 = pf[b0 + o]; x1 = pf[b1 + o]; x2 = pf[b2 + o]; x3 = pf[b3 + o]  # noqa: E702
            for j in range(ncv):
                v = qb[t, j]
                acc[a0, j] += x0 * v
                acc[a0 + 1, j] += x1 * v
                acc[a0 + 2, j] += x2 * v
                acc[a0 + 3, j] += x3 * v


@njit(nogil=True, **_OPTIONS)
def _multiply_blocks(pf, ps0, ps1, m, k, qf, qs0, qs1, n, c, swap, mc, qb, acc, first, stop):
    """Blocks number ``first`` to ``stop - 1`` of P · Qᵀ (m, n), written to c -- or to cᵀ if ``swap``.

    The blocks are mc x NC tiles numbered row-major (``block // panels`` is the row of
    tiles, ``block % panels`` the panel), clipped at the edges; ``mc`` is a multiple of MR.
    ``qb`` (KC, NC) and ``acc`` (MC, NC) are the calling thread's scratch buffers (see
    :func:`_scratch`). For each k-block the kernel packs the kc x nc slice of Qᵀ it needs
    into ``qb``, then sweeps its rows, summing into ``acc`` (zeroed first); at the end it
    copies the accumulator into ``c`` (``c[i, j]``, or ``c[j, i]`` when ``swap``). The serial
    path runs every block in one call; a thread of :mod:`.pool` runs one block per call
    (compiled with ``nogil=True``, so that the threads really run at the same time).
    """
    panels = (n + NC - 1) // NC
    for block in range(first, stop):
        i_start = (block // panels) * mc
        j_start = (block % panels) * NC
        rows = min(mc, m - i_start)
        nc = min(NC, n - j_start)
        ncv = (nc + NV - 1) // NV * NV
        for a in range((rows + MR - 1) // MR * MR):   # the rows _update_rows will touch
            for j in range(ncv):
                acc[a, j] = 0
        for t in range(min(KC, k)):                   # zero padding columns: they are read
            for j in range(nc, ncv):
                qb[t, j] = 0
        for p0 in range(0, k, KC):
            kc = min(KC, k - p0)
            _pack_block(qf, qs0, qs1, j_start, nc, p0, kc, qb)
            _update_rows(pf, ps0, ps1, m, i_start, rows, p0, kc, qb, ncv, acc)
        if swap:
            for j in range(nc):
                for a in range(rows):
                    c[j_start + j, i_start + a] = acc[a, j]
        else:
            for a in range(rows):
                for j in range(nc):
                    c[i_start + a, j_start + j] = acc[a, j]


_local = threading.local()


def _aligned_empty(shape, dtype, alignment=64):
    """An uninitialised C-contiguous array whose first element sits on a multiple of
    ``alignment`` bytes.

    numpy aligns its buffers to 16 bytes only. The kernel's inner loop loads and stores
    whole 64-byte vectors (AVX-512) along the rows of the scratch buffers, whose lengths
    are multiples of 64 bytes; started 16 bytes off, every such access straddles two cache
    lines. Measured on the course's products: 1.2-1.6x faster with aligned buffers, same
    bits.
    """
    dtype = np.dtype(dtype)
    nbytes = int(np.prod(shape)) * dtype.itemsize
    raw = np.empty(nbytes + alignment, np.uint8)
    start = -raw.ctypes.data % alignment
    return raw[start:start + nbytes].view(dtype).reshape(shape)


def _scratch(dtype):
    """This thread's (qb, acc) buffers of ``dtype``: (KC, NC) and (MC, NC), made once,
    64-byte aligned (:func:`_aligned_empty`).

    Allocated per block instead, they would be up to 512 KiB each, sizes that glibc takes
    from the operating system as fresh pages and returns on free, so every block would
    page-fault its buffers in again.
    """
    buffers = getattr(_local, "buffers", None)
    if buffers is None:
        buffers = _local.buffers = {}
    pair = buffers.get(dtype)
    if pair is None:
        pair = buffers[dtype] = (_aligned_empty((KC, NC), dtype), _aligned_empty((MC, NC), dtype))
    return pair


def _shared_block(pf, ps0, ps1, m, k, qf, qs0, qs1, n, c, swap, mc, block):
    """One block on whichever pool thread runs it, with that thread's scratch buffers."""
    qb, acc = _scratch(c.dtype)
    _multiply_blocks(pf, ps0, ps1, m, k, qf, qs0, qs1, n, c, swap, mc, qb, acc, block, block + 1)


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


def _flat(x):
    """(flat buffer, row stride, column stride) of a 2-D array, strides in elements.

    A C- or Fortran-ordered array is read in place; any other layout is copied to C order.
    """
    flags = x.flags
    if flags.c_contiguous:
        return x.reshape(-1), x.shape[1], 1
    if flags.f_contiguous:
        return x.T.reshape(-1), 1, x.shape[0]
    return np.ascontiguousarray(x).reshape(-1), x.shape[1], 1


def will_run_parallel(m, n, k):
    """True if an (m, k) x (k, n) product is shared among threads (see PARALLEL_MIN_MACS)."""
    return m * n * k >= PARALLEL_MIN_MACS and pool.threads() > 1


def _gemm_pqt(p_view, q_view, c):
    """c = p_view @ q_view.T for p_view (m, k), q_view (n, k) of any strides; c is (m, n)."""
    m, k = p_view.shape
    n = q_view.shape[0]
    if m == 0 or n == 0:
        return c
    if k == 0:
        c[...] = 0
        return c
    if n < NARROW and m > n:
        # C = P·Qᵀ and Cᵀ = Q·Pᵀ sum the same products in the same order (x·y = y·x
        # exactly): computing Cᵀ puts the long side along the vectorized loop.
        p_view, q_view, m, n, swap = q_view, p_view, n, m, True
    else:
        swap = False
    pf, ps0, ps1 = _flat(p_view)
    qf, qs0, qs1 = _flat(q_view)
    if will_run_parallel(m, n, k):
        mc = block_height(m, n, pool.threads())
        blocks = _ceil_div(m, mc) * _ceil_div(n, NC)
        pool.run(_shared_block, (pf, ps0, ps1, m, k, qf, qs0, qs1, n, c, swap, mc), blocks)
    else:
        mc = block_height(m, n, 1)
        blocks = _ceil_div(m, mc) * _ceil_div(n, NC)
        qb, acc = _scratch(c.dtype)
        _multiply_blocks(pf, ps0, ps1, m, k, qf, qs0, qs1, n, c, swap, mc, qb, acc, 0, blocks)
    return c


# --------------------------------------------------------------------------- public kernels
def matmul_numba(a, b, c):
    """c = a @ b with the numba kernel; a (m, k), b (k, n), c (m, n) C-contiguous."""
    return _gemm_pqt(a, b.T, c)


def matmul_tn_numba(a, b, c):
    """c = a.T @ b with the numba kernel, reading ``a`` through a transposed view."""
    return _gemm_pqt(a.T, b.T, c)


def matmul_nt_numba(a, b, c):
    """c = a @ b.T with the numba kernel, reading ``b`` through a transposed view."""
    return _gemm_pqt(a, b, c)
