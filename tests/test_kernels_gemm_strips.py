"""tinynet.kernels.gemm_strips: narrow outputs and short sums, with the block kernel's bits.

The claim a learner is told (kernels/matmul.py, "Summation order"): which path computes a
product never changes a bit. Here every strips product is compared, bit for bit, with the
block kernel run on the same operands, over the shapes where the two differ most: edges of
strips and of row groups, leftover terms, sums longer than one k-block, operands read in
place or packed, both dtypes and both memory orders.
"""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tinynet import kernels
from tinynet.kernels import gemm_blocks, gemm_strips
from tinynet.kernels import numba_backend as mm


def blocks_product(p, q):
    """P · Qᵀ on the block kernel, serially (the reference path)."""
    m, k = p.shape
    n = q.shape[0]
    c = np.empty((m, n), p.dtype)
    mc = mm.block_height(m, n, 1)
    blocks = -(-m // mc) * -(-n // gemm_blocks.NC)
    qb, acc = gemm_blocks._scratch(c.dtype)
    gemm_blocks._multiply_blocks(*mm._flat(p, m, k), m, k, *mm._flat(q, n, k), n, c, False, mc, qb, acc, 0, blocks)
    return c


def strips_product(p, q):
    m, k = p.shape
    n = q.shape[0]
    c = np.empty((m, n), p.dtype)
    gemm_strips._multiply_strips(*mm._flat(p, m, k), m, k, *mm._flat(q, n, k), n, c, gemm_blocks._flat_block(c.dtype))
    return c


def operand(rng, shape, dtype, order):
    x = rng.standard_normal(shape).astype(dtype)
    return np.asfortranarray(x) if order == "F" else x


SHAPES = [
    (128, 128, 10),   # the course's output layer: Z = H·W and dW = Hᵀ·dZ
    (128, 10, 128),   # and its dX = dZ·Wᵀ (a short sum)
    (1, 1, 1),
    (7, 3, 5),        # fewer rows than a strip, fewer terms than KU
    (9, 301, 16),     # a sum longer than one k-block of the block kernel (KC = 256)
    (33, 17, 33),     # edges everywhere: 33 = 4 strips of 8 + 1 row (5 of 6 + 3 in float64), 2 full columns + 1
    (6, 4, 16),       # one whole float64 strip
    (13, 5, 17),      # 2 float64 strips + 1 row, 1 strip of 8 + 5 rows in float32
    (64, 32, 256),    # the widest output a short sum may have, Q read in place
    (45, 70, 64),     # the widest output a long sum may have
    (450, 64, 64),    # the lab's hidden layers
    (50, 6, 100),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("m,k,n", SHAPES)
@pytest.mark.parametrize("orders", ["CC", "CF", "FC", "FF"])
def test_strips_give_the_block_kernels_bits(dtype, m, k, n, orders):
    assert gemm_strips.fits_strips(m, n, k)
    rng = np.random.default_rng(m * 1000 + k * 10 + n)
    p = operand(rng, (m, k), dtype, orders[0])
    q = operand(rng, (n, k), dtype, orders[1])
    np.testing.assert_array_equal(strips_product(p, q), blocks_product(p, q))


@settings(deadline=None, max_examples=60)
@given(m=st.integers(1, 70), k=st.integers(1, 40), n=st.integers(1, 80),
       f64=st.booleans(), transposed=st.booleans(), seed=st.integers(0, 2 ** 16))
def test_strips_bits_on_random_shapes(m, k, n, f64, transposed, seed):
    dtype = np.float64 if f64 else np.float32
    if not gemm_strips.fits_strips(m, n, k):
        return
    rng = np.random.default_rng(seed)
    p = operand(rng, (m, k), dtype, "C")
    q = operand(rng, (k, n), dtype, "C").T if transposed else operand(rng, (n, k), dtype, "C")
    np.testing.assert_array_equal(strips_product(p, q), blocks_product(p, q))


def test_strips_are_exact_where_the_sum_is():
    """Small integers multiply and add without rounding in float64: the strips must give
    numpy's result exactly (a wrong index or a lost term would show)."""
    rng = np.random.default_rng(3)
    for m, k, n in [(19, 13, 7), (24, 29, 200), (8, 4, 16)]:
        a = rng.integers(-8, 9, (m, k)).astype(np.float64)
        b = rng.integers(-8, 9, (k, n)).astype(np.float64)
        np.testing.assert_array_equal(strips_product(a, b.T), a @ b)


def test_which_products_take_the_strips():
    fits = gemm_strips.fits_strips
    assert fits(128, 10, 128) and fits(128, 128, 10)        # the output layer, all three
    assert fits(60000, 10, 784)                              # a whole-dataset forward
    assert fits(450, 64, 64) and fits(64, 64, 450)           # the lab's 64-wide layers
    assert not fits(128, 256, 784) and not fits(256, 128, 128)   # the course's hidden layers
    assert not fits(128, 65, 128)                           # wider than 64, a long sum
    assert not fits(128, 300, 8)                            # a short sum, but too wide
    assert not fits(10, 16, 5000)                           # Qᵀ would not fit the buffer


def test_the_output_layer_runs_on_strips_and_matches_blas():
    """Through the public API, at one thread: the strips' bits, and numpy's result to
    rounding (float64)."""
    saved = kernels.get_num_threads()
    kernels.set_num_threads(1)
    try:
        rng = np.random.default_rng(0)
        h, w = rng.standard_normal((128, 128)), rng.standard_normal((128, 10))
        dz = rng.standard_normal((128, 10))
        for got, p, q, want in [(kernels.matmul(h, w), h, w.T, h @ w),
                                (kernels.matmul_tn(h, dz), h.T, dz.T, h.T @ dz),
                                (kernels.matmul_nt(dz, w), dz, w, dz @ w.T)]:
            np.testing.assert_array_equal(got, strips_product(p, q))
            np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    finally:
        kernels.set_num_threads(saved)


def test_register_block_in_plain_python():
    """Outside compiled code (NUMBA_DISABLE_JIT=1 runs the kernels as Python) the register
    block is an ordinary array of the requested shape and dtype."""
    for dtype, rows in ((np.float32, 8), (np.float64, 6)):
        like = np.empty(3, dtype)
        assert gemm_strips.strip_rows(like) == rows
        block = gemm_strips._register_block(rows, like)
        assert block.shape == (rows, gemm_blocks.NV) and block.dtype == dtype
