"""Products with a narrow output or a short sum, on register blocks that stay in registers.

    _multiply_strips(pf, ps0, ps1, m, k, qf, qs0, qs1, n, c, qb)   # c = P · Qᵀ, serial
    fits_strips(m, n, k)                                           # is the product one of these?

:mod:`.gemm_blocks` suits products whose output is wide and whose sum is long: for each
group of MR = 4 rows and KU = 4 terms it runs a vectorized loop along the columns, adding
into an accumulator in memory. When the output has few columns, that loop has few steps
(one, for an output layer's ``Z = H·W`` and ``dW = Hᵀ·dZ`` with 10 classes), and entering
it costs more than the steps: the compiler, which cannot prove that the accumulator and
the packed block never overlap, checks at run time before every entry, and reloads and
stores the accumulator each time. When the sum is short (``dX = dZ·Wᵀ`` sums over 10
classes), each row group makes only a few passes over the accumulator, and the same costs
dominate. Outputs up to 64 columns wide, and short sums, take the strips below
(:func:`fits_strips`).

Here the output is cut into *strips* of SR rows by NV = 16 columns instead (SR = 8 in
float32, 6 in float64: :data:`STRIP_ROWS`), and each strip is summed over the whole of
``p`` before the next one starts. Its SR x 16 sums live in a buffer on the stack of the
kernel (:func:`_register_block`): a buffer the function owns cannot overlap its arguments,
and with constant sizes the compiler keeps its SR x 16 entries in vector registers for the
whole sum (eight AVX-512 registers of float32, twelve of float64). Each step of the sum, 4
terms for a float32 strip's 8 rows, is then 32 vector multiplications and multiply-adds,
and 8 additions into the sums, whose only memory traffic is the operands. Measured on the
output layer of the course (784-256-128-10, batch 128), the kernel alone, against the
block kernel on the same products: 128 x 128 x 10 in 4.5 us instead of ~9, its dW in 4.6
instead of ~6.6, and 128 x 10 x 128 in 3.9 instead of ~8 (benchmarks/RESULTS.md, section
"matmul", has the whole calls against OpenBLAS).

Same bits as :mod:`.gemm_blocks`: each entry is the same products added in the same order
-- groups of KU = 4 terms, each group summed left to right, ``(x0·v0 + x1·v1) + x2·v2 +
x3·v3``, added to the running sum, then the ``k mod KU`` leftover terms one by one (the
block kernel's k-blocks of KC terms do not change that order, KC being a multiple of KU).
:mod:`.matmul` chooses this path for the serial products it suits; the tests compare both
paths bit for bit.
"""
import numpy as np
from numba import carray, njit, types, uint64
from numba.core import cgutils
from numba.extending import intrinsic, overload

from .gemm_blocks import KC, KU, NC, NV

STRIP_ROWS = {np.dtype(np.float32): 8, np.dtype(np.float64): 6}
"""Rows of C per strip, per dtype (constants of the compiled kernel: see :func:`strip_rows`).

A float32 strip's 16 columns are one AVX-512 register per row, a float64 strip's two, so
8 float64 rows would keep 16 sums, 8 rows of Q and the products in flight in the 32
vector registers, and the compiler spills some to the stack on every step. Counted in the
compiled float64 kernel: 32 stores of vector registers to the stack and 16 reloads with 8
rows, 17 and 5 with 6. Measured, the kernel alone on the lab's float64 products (450-row
batches, 64 wide; medians of 9 interleaved runs, 6 rows against 8, two runs): Z = X·W
0.85-0.89x the time, dX = dZ·Wᵀ 0.87-0.89x, the 3-class output layer 0.87-0.89x, dW =
Xᵀ·dZ 1.02-1.05x. 4 rows were faster still on the first two but took 1.3-1.4x on dW,
whose P (Xᵀ) is read down its columns, a cache line per 8 rows. In float32, 8 rows were
the fastest (6 rows: 0.96-1.15x the time).
"""
PACKED = KC * NC       # entries of the packed copy of Qᵀ: the size of a thread's ``qb``
STRIPS_MAX_N = 64      # outputs at most this wide take the strips, whatever the sum ...
STRIPS_MAX_NC = NC     # ... and outputs at most this wide
STRIPS_MAX_K = 32      # ... when the sum is at most this long


def fits_strips(m, n, k):
    """True if an (m, k) x (k, n) product runs on strips (see the module docstring).

    Outputs at most STRIPS_MAX_N = 64 columns wide, or sums of at most STRIPS_MAX_K terms
    into at most STRIPS_MAX_NC columns, whose packed Qᵀ (k x n rounded up to NV) fits a
    thread's buffer. Measured against the block kernel, the kernels alone (medians of
    interleaved runs, float32 / float64): faster on every product tried up to 64 columns
    wide -- 450 x 64 x 64, the lab's hidden layers, 1.31 / 1.07x, their weight gradient
    1.40 / 1.17x, 128 x 64 x 32 2.1 / 1.5x, 450 x 2 x 64 2.5 / 2.4x -- and slower from 128
    columns with a long sum (128 x 128 x 256 0.85 / 0.96x, 256 x 128 x 128 0.84 / 0.86x),
    where the block kernel's accumulator in memory serves longer rows.
    """
    padded = (n + NV - 1) // NV * NV
    short = k <= STRIPS_MAX_K and n <= STRIPS_MAX_NC
    return (n <= STRIPS_MAX_N or short) and k * padded <= PACKED


@intrinsic
def _stack_buffer(typingctx, count, like):
    """A pointer to ``count`` (a constant) uninitialised elements of like's dtype on the stack.

    The space is reserved once, at the entry of the compiled function that calls this
    (numba's ``alloca_once``), and aligned to 64 bytes, the width of an AVX-512 register.
    It lives as long as that function's call: wrap it with ``carray`` there, never return it.
    """
    if not isinstance(count, types.IntegerLiteral):
        return None
    dtype = like.dtype

    def codegen(context, builder, signature, args):
        pointer = cgutils.alloca_once(builder, context.get_data_type(dtype),
                                      size=count.literal_value)
        pointer.align = 64
        return pointer
    return types.CPointer(dtype)(count, like), codegen


def _register_block(rows, like):
    """An uninitialised (rows, NV) array of like's dtype, ``rows`` a constant.

    Compiled, it lives on the stack of the calling kernel (:func:`_stack_buffer`; the
    overload below is inlined into the caller, so the space is the caller's). In plain
    Python (``NUMBA_DISABLE_JIT=1``), it is an ordinary array.
    """
    return np.empty((rows, NV), like.dtype)


@overload(_register_block, inline="always")
def _register_block_compiled(rows, like):
    if not isinstance(rows, types.IntegerLiteral):
        return None
    count = rows.literal_value * NV
    shape = (rows.literal_value, NV)

    def on_the_stack(rows, like):
        return carray(_stack_buffer(count, like), shape)
    return on_the_stack


def strip_rows(like):
    """SR, the rows per strip for like's dtype (:data:`STRIP_ROWS`).

    Compiled, the overload below is inlined and returns a constant of the kernel, which
    numba then types as a literal: :func:`_register_block` can size its buffer with it and
    the loops over the rows of a strip have a constant count.
    """
    return STRIP_ROWS[like.dtype]


@overload(strip_rows, inline="always")
def _strip_rows_compiled(like):
    rows = STRIP_ROWS[np.dtype(like.dtype.name)]

    def constant(like):
        return rows
    return constant


@njit(cache=True, error_model="numpy")
def _pack_strips(qf, qs0, qs1, n, k, qb):
    """qb[(s·k + t)·NV + j] = Q[s·NV + j, t], zero where s·NV + j >= n; Q[j, p] = qf[j·qs0 + p·qs1].

    Strip ``s`` of columns gets its own k x NV slab, so that the sum over ``t`` reads one
    64-byte row after the other. The loops over ``j`` have a constant count and test each
    entry: measured faster than loops to ``min(NV, n - s·NV)`` followed by the zeros.
    """
    strips = (n + NV - 1) // NV
    u0, u1 = uint64(qs0), uint64(qs1)
    for s in range(strips):
        for t in range(k):
            row = uint64((s * k + t) * NV)
            for j in range(NV):
                col = s * NV + j
                qb[row + uint64(j)] = qf[uint64(col) * u0 + uint64(t) * u1] if col < n else 0


@njit(fastmath={"contract"}, nogil=True, cache=True, error_model="numpy")
def _multiply_strips(pf, ps0, ps1, m, k, qf, qs0, qs1, n, c, qb):
    """c = P · Qᵀ for P (m, k), Q (n, k) given as flat buffers and strides, strip by strip.

    ``qb`` is the calling thread's packed block as one flat buffer (``gemm_blocks._flat_block``),
    at least k x (n rounded up to NV) entries long (:func:`fits_strips`); it comes flat from
    the caller (reshaped in here, the kernel ran 1.5-2.5x slower). If Q's columns are
    contiguous (``qs0 == 1``) and n is a multiple of NV, the kernel reads Q in place and
    packs nothing: row t of strip s is then ``qf[s·NV + t·qs1 :][:NV]``.

    The loops over ``r`` (SR rows) and ``j`` (NV columns) have constant counts: the
    compiler unrolls them, so every index into ``sums`` is a constant and its SR x NV
    entries stay in vector registers; the loads of P, the same for every ``j``, are made
    once per step. As in :mod:`.gemm_blocks`, rows past the end of P read its last row
    (they are not written), and indices into the flat buffers are unsigned (uint64 + int64
    would be a float in numba, hence the casts), which spares numba's negative-index test.
    """
    if qs0 == 1 and n % NV == 0:
        src, rs, slab = qf, uint64(qs1), uint64(NV)
    else:
        _pack_strips(qf, qs0, qs1, n, k, qb)
        src, rs, slab = qb, uint64(NV), uint64(k * NV)
    SR = strip_rows(pf)
    sums = _register_block(SR, pf)
    edge = _register_block(SR, pf)
    s1, s2, s3 = uint64(ps1), uint64(2 * ps1), uint64(3 * ps1)
    t_full = k // KU * KU
    last = m - 1
    for i0 in range(0, m, SR):
        for s in range((n + NV - 1) // NV):
            for r in range(SR):
                for j in range(NV):
                    sums[r, j] = 0
            start = uint64(s) * slab
            for t in range(0, t_full, KU):           # KU = 4 terms at a time, as in gemm_blocks
                o = uint64(t * ps1)
                row = start + uint64(t) * rs
                for j in range(NV):
                    u = row + uint64(j)
                    v0 = src[u]; v1 = src[u + rs]; v2 = src[u + rs + rs]; v3 = src[u + rs + rs + rs]  # noqa: E702
                    for r in range(SR):
                        e = uint64(min(i0 + r, last) * ps0) + o
                        sums[r, j] += pf[e] * v0 + pf[e + s1] * v1 + pf[e + s2] * v2 + pf[e + s3] * v3
            for t in range(t_full, k):               # the k mod KU leftover terms, one by one
                o = uint64(t * ps1)
                row = start + uint64(t) * rs
                for j in range(NV):
                    v = src[row + uint64(j)]
                    for r in range(SR):
                        sums[r, j] += pf[uint64(min(i0 + r, last) * ps0) + o] * v
            # Copy the strip out. Only constant indices may touch ``sums``: a whole strip is
            # stored directly, one at an edge of C goes through ``edge``.
            j0 = uint64(s * NV)
            rows, cols = min(SR, m - i0), min(NV, n - s * NV)
            if rows == SR and cols == NV:
                for r in range(SR):
                    for j in range(NV):
                        c[uint64(i0 + r), j0 + uint64(j)] = sums[r, j]
            else:
                for r in range(SR):
                    for j in range(NV):
                        edge[r, j] = sums[r, j]
                for r in range(rows):
                    for j in range(cols):
                        c[uint64(i0 + r), j0 + uint64(j)] = edge[r, j]
