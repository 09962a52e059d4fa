"""The serial heart of tinynet's GEMM: one block of ``C = P · Qᵀ`` at a time, and each thread's scratch.

    _multiply_blocks(pf, ps0, ps1, m, k, qf, qs0, qs1, n, c, swap, mc, qb, acc, first, stop)
    qb, acc = _scratch(c.dtype)          # this thread's packed block and accumulator

:mod:`.matmul` explains the algorithm (sections "How the work is cut up" and "Summation
order"), chooses the path and validates the operands; :mod:`.gemm_team` shares these
blocks among threads. Both call the compiled functions below, so every path runs the same
machine code for a block.
"""
import threading

import numpy as np
from numba import njit, uint64

KC = 256   # terms of the sum over p per k-block (rows of a packed block)
MC = 256   # most rows of C per block
NC = 256   # most columns of C per block = width of a packed block of Qᵀ
NV = 16    # the packed block's rows are padded to a multiple of NV columns
MR = 4     # rows of C updated together by the register block  } written out in
KU = 4     # terms of the sum taken together by the register block } _update_rows
TROWS = 8  # rows of a packed block that a transposing pack fills together

_OPTIONS = dict(cache=True, error_model="numpy")


@njit(**_OPTIONS)
def _pack_block(qf, qs0, qs1, j0, nc, p0, kc, qb):
    """qb[t, j] = Q[j0 + j, p0 + t] for 0 <= t < kc, 0 <= j < nc, where Q[j, p] = qf[j·qs0 + p·qs1].

    If Q's columns are contiguous (qs0 == 1, Q is a transposed view), each row of ``qb``
    is a straight copy of a unit-stride run of ``qf`` (the compiler vectorizes it).
    Otherwise the copy is a transposition: it fills TROWS rows of ``qb`` at a time,
    reading TROWS consecutive entries of each row of Q into column ``j`` of them (a
    fixed-length inner loop, which the compiler unrolls). Entries of ``qb`` past ``kc``
    rows or ``nc`` columns are left as they were. Its flat indices are unsigned (see
    :func:`_multiply_blocks`, "Unsigned indices").
    """
    if qs0 == 1:
        for t in range(kc):
            src = qf[j0 + (p0 + t) * qs1:]
            dst = qb[t]
            for j in range(nc):
                dst[j] = src[j]
    else:
        t_full = kc // TROWS * TROWS
        us0, us1 = uint64(qs0), uint64(qs1)
        for t0 in range(0, t_full, TROWS):
            for j in range(nc):
                base = uint64((j0 + j) * qs0 + (p0 + t0) * qs1)
                for u in range(TROWS):
                    qb[t0 + u, j] = qf[base + uint64(u) * us1]
        for t in range(t_full, kc):
            row = uint64(j0 * qs0 + (p0 + t) * qs1)
            for j in range(nc):
                qb[t, j] = qf[row + uint64(j) * us0]


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
    path runs every block in one call; a thread of :mod:`.gemm_team` runs one block per
    call (compiled with ``nogil=True``, so that the threads really run at the same time).

    Unsigned indices: numba lets a negative index count from the end, so for a signed
    index that is not a loop counter (``c[i_start + a, j_start + j]``) it tests the sign on
    every access, and a loop with such a test is not vectorized. An unsigned index cannot
    be negative: written with ``uint64`` indices, the copy into ``c`` ran 5x faster (a
    128 x 128 block: 5.9 us -> 1.2 us; 60 us of the 784 x 128 x 256 weight gradient).
    Only where the data goes changes, never what is summed.
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
        ui, uj = uint64(i_start), uint64(j_start)
        if swap:
            for j in range(nc):
                row = uj + uint64(j)
                for a in range(rows):
                    c[row, ui + uint64(a)] = acc[a, j]
        else:
            for a in range(rows):
                row = ui + uint64(a)
                for j in range(nc):
                    c[row, uj + uint64(j)] = acc[a, j]


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


def _flat_block(dtype):
    """This thread's packed block ``qb`` (see :func:`_scratch`) as one flat buffer of KC·NC entries.

    Called before every small product, so the usual case is one lookup.
    """
    try:
        return _local.flat[dtype]
    except (AttributeError, KeyError):
        if not hasattr(_local, "flat"):
            _local.flat = {}
        flat = _local.flat[dtype] = _scratch(dtype)[0].reshape(-1)
        return flat
