"""The matmul kernels agree with the numpy twin on every shape, layout, dtype and backend.

Agreement bounds: each entry of C is a k-term dot product. Summed in any order in a
floating format with unit roundoff u, its error is at most about k·u·Σ|a_ip·b_pj|
(Higham, "Accuracy and Stability of Numerical Algorithms", §3.1). Both the kernel and the
reference carry that error, so the test allows twice it, entrywise, with the reference
magnitudes |a|·|b| computed in float64.
"""
import contextlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tinynet import kernels
from tinynet.kernels import numpy_backend
from tinynet.kernels.matmul import matmul_nt_numba, matmul_numba, matmul_tn_numba

DTYPES = (np.float32, np.float64)
PRODUCTS = ("matmul", "matmul_tn", "matmul_nt")
NUMBA_KERNELS = {"matmul": matmul_numba, "matmul_tn": matmul_tn_numba, "matmul_nt": matmul_nt_numba}


def operand_shapes(product, m, k, n):
    """The stored shapes of a and b for a product whose result is (m, n) summing over k."""
    return {"matmul": ((m, k), (k, n)),
            "matmul_tn": ((k, m), (k, n)),
            "matmul_nt": ((m, k), (n, k))}[product]


def logical(product, a, b):
    """(A, B) such that the product is A @ B."""
    return {"matmul": (a, b), "matmul_tn": (a.T, b), "matmul_nt": (a, b.T)}[product]


def make_operand(rng, shape, dtype, layout):
    """An array of ``shape`` stored as asked: contiguous, transposed view, or strided slice."""
    if layout == "c":
        return rng.standard_normal(shape).astype(dtype)
    if layout == "t":  # a transposed view of a C array: Fortran order, no copy
        return rng.standard_normal(shape[::-1]).astype(dtype).T
    big = rng.standard_normal((2 * shape[0] + 1, 3 * shape[1] + 2)).astype(dtype)
    return big[1::2, 2::3][: shape[0], : shape[1]]  # every other row, every third column


def assert_close(product, a, b, got):
    A, B = logical(product, a, b)
    want = A.astype(np.float64) @ B.astype(np.float64)
    k = A.shape[1]
    u = np.finfo(a.dtype).eps / 2
    bound = 2 * max(k, 1) * u * (np.abs(A).astype(np.float64) @ np.abs(B).astype(np.float64))
    assert got.shape == want.shape
    assert got.dtype == a.dtype
    assert got.flags.c_contiguous
    excess = np.abs(got - want) - bound
    assert (excess <= np.finfo(np.float64).tiny).all(), f"worst excess {excess.max()}"


dims = st.integers(min_value=0, max_value=40)


@settings(deadline=None, max_examples=60)
@given(product=st.sampled_from(PRODUCTS), m=dims, k=dims, n=dims,
       dtype=st.sampled_from(DTYPES), layout_a=st.sampled_from("cts"),
       layout_b=st.sampled_from("cts"), backend=st.sampled_from(kernels.BACKENDS),
       seed=st.integers(0, 2**32 - 1))
def test_every_product_matches_float64_reference(product, m, k, n, dtype, layout_a, layout_b,
                                                  backend, seed):
    rng = np.random.default_rng(seed)
    sa, sb = operand_shapes(product, m, k, n)
    a = make_operand(rng, sa, dtype, layout_a)
    b = make_operand(rng, sb, dtype, layout_b)
    with kernels.using(backend):
        got = getattr(kernels, product)(a, b)
    assert got.shape == (m, n)
    assert_close(product, a, b, got)


@settings(deadline=None, max_examples=40)
@given(product=st.sampled_from(PRODUCTS), m=dims, k=dims, n=dims,
       dtype=st.sampled_from(DTYPES), layout_a=st.sampled_from("cts"),
       layout_b=st.sampled_from("cts"), seed=st.integers(0, 2**32 - 1))
def test_numba_kernel_agrees_with_numpy_twin(product, m, k, n, dtype, layout_a, layout_b, seed):
    """The pure numba kernel (no BLAS dispatch) against the numpy twin, entry by entry."""
    rng = np.random.default_rng(seed)
    sa, sb = operand_shapes(product, m, k, n)
    a = make_operand(rng, sa, dtype, layout_a)
    b = make_operand(rng, sb, dtype, layout_b)
    got = NUMBA_KERNELS[product](a, b, np.empty((m, n), dtype))
    ref = getattr(numpy_backend, product)(a, b, np.empty((m, n), dtype))
    A, B = logical(product, a, b)
    scale = np.abs(A).astype(np.float64) @ np.abs(B).astype(np.float64)
    if dtype == np.float64:
        # Both are float64 sums of the same k terms: agreement ~1e-12 relative to Σ|a||b|.
        np.testing.assert_array_less(np.abs(got - ref), 1e-12 * scale + 1e-300)
    else:
        eps32 = np.finfo(np.float32).eps
        np.testing.assert_array_less(np.abs(got.astype(np.float64) - ref),
                                     2 * max(k, 1) * eps32 * scale + 1e-30)


@pytest.mark.parametrize("product", PRODUCTS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_blocked_sizes_cross_every_block_edge(product, dtype):
    """Shapes larger than one k-block, one C block and one register block, with ragged edges:
    m leaves a partial block of MR rows, k a partial group of KU terms, n a partial panel."""
    mod = kernels.numba_backend  # the module: kernels.matmul is the function
    m, k, n = mod.MC * 2 + mod.MR - 1, mod.KC * 2 + mod.KU - 3, mod.NC + 17
    rng = np.random.default_rng(7)
    sa, sb = operand_shapes(product, m, k, n)
    a = make_operand(rng, sa, dtype, "c")
    b = make_operand(rng, sb, dtype, "t")
    got = NUMBA_KERNELS[product](a, b, np.empty((m, n), dtype))
    assert_close(product, a, b, got)


def test_integer_valued_products_are_exact():
    """Small integers multiply and add exactly in float32, whatever the summation order."""
    rng = np.random.default_rng(3)
    a = rng.integers(-8, 9, size=(70, 300)).astype(np.float32)
    b = rng.integers(-8, 9, size=(300, 45)).astype(np.float32)
    want = (a.astype(np.int64) @ b.astype(np.int64)).astype(np.float32)
    np.testing.assert_array_equal(matmul_numba(a, b, np.empty((70, 45), np.float32)), want)
    np.testing.assert_array_equal(matmul_tn_numba(np.ascontiguousarray(a.T), b,
                                                  np.empty((70, 45), np.float32)), want)
    np.testing.assert_array_equal(matmul_nt_numba(a, np.ascontiguousarray(b.T),
                                                  np.empty((70, 45), np.float32)), want)


@pytest.mark.parametrize("backend", kernels.BACKENDS)
def test_one_by_n_and_n_by_one(backend):
    a = np.arange(1, 6, dtype=np.float64)[None, :]          # (1, 5)
    b = np.arange(1, 6, dtype=np.float64)[:, None]          # (5, 1)
    with kernels.using(backend):
        assert kernels.matmul(a, b).tolist() == [[55.0]]
        np.testing.assert_array_equal(kernels.matmul(b, a), np.outer(b[:, 0], a[0]))
        np.testing.assert_array_equal(kernels.matmul_tn(a, a), np.outer(a[0], a[0]))
        assert kernels.matmul_nt(a, a).tolist() == [[55.0]]


@pytest.mark.parametrize("backend", kernels.BACKENDS)
def test_empty_inner_dimension_gives_zeros(backend):
    with kernels.using(backend):
        c = kernels.matmul(np.ones((3, 0), np.float32), np.ones((0, 4), np.float32))
    assert c.dtype == np.float32 and c.shape == (3, 4)
    assert (c == 0).all()


@pytest.mark.parametrize("product", sorted(NUMBA_KERNELS))
@pytest.mark.parametrize("m, k, n", [(128, 128, 10), (128, 10, 128), (70, 33, 45), (0, 3, 2), (3, 0, 2)])
def test_a_kernel_without_c_allocates_the_same_bits(product, m, k, n):
    rng = np.random.default_rng(m * 100 + n)
    a, b = (make_operand(rng, shape, np.float64, "c") for shape in operand_shapes(product, m, k, n))
    given = NUMBA_KERNELS[product](a, b, np.full((m, n), np.nan))
    made = NUMBA_KERNELS[product](a, b)
    assert made.shape == (m, n) and made.dtype == np.float64 and made.flags.c_contiguous
    np.testing.assert_array_equal(made, given)
    np.testing.assert_array_equal(getattr(numpy_backend, product)(a, b), getattr(numpy_backend, product)(a, b, np.empty((m, n))))


@contextlib.contextmanager
def kernel_settings(**values):
    """Set module constants of tinynet.kernels.matmul for a block (the dispatch rules)."""
    mod = kernels.numba_backend
    saved = {name: getattr(mod, name) for name in values}
    for name, value in values.items():
        setattr(mod, name, value)
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(mod, name, value)


def every_path(product, a, b):
    """The product computed on each path the dispatch can take, by name."""
    m, n = {"matmul": (a.shape[0], b.shape[1]), "matmul_tn": (a.shape[1], b.shape[1]),
            "matmul_nt": (a.shape[0], b.shape[0])}[product]
    kernel = NUMBA_KERNELS[product]
    out = {}
    for path, settings_ in {"serial": dict(PARALLEL_MIN_MACS=1 << 62),
                            "parallel": dict(PARALLEL_MIN_MACS=0),
                            "serial, never transposed": dict(PARALLEL_MIN_MACS=1 << 62, NARROW=0),
                            "parallel, never transposed": dict(PARALLEL_MIN_MACS=0, NARROW=0),
                            "serial, always transposed": dict(PARALLEL_MIN_MACS=1 << 62,
                                                              NARROW=1 << 30)}.items():
        with kernel_settings(**settings_):
            out[path] = kernel(a, b, np.empty((m, n), a.dtype))
    return out


@settings(deadline=None, max_examples=40)
@given(product=st.sampled_from(PRODUCTS), m=st.integers(1, 70), k=st.integers(1, 300),
       n=st.integers(1, 70), dtype=st.sampled_from(DTYPES), layout_a=st.sampled_from("cts"),
       layout_b=st.sampled_from("cts"), seed=st.integers(0, 2**32 - 1))
def test_every_path_and_product_gives_the_same_bits(product, m, k, n, dtype, layout_a, layout_b,
                                                    seed):
    """The claim of the matmul docstring: serial or parallel, C or Cᵀ computed, a @ b or the
    same product spelled a.T @ b or a @ b.T, any operand layout -- one summation order,
    the same bits."""
    rng = np.random.default_rng(seed)
    sa, sb = operand_shapes(product, m, k, n)
    a = make_operand(rng, sa, dtype, layout_a)
    b = make_operand(rng, sb, dtype, layout_b)
    paths = every_path(product, a, b)
    A, B = logical(product, a, b)
    paths["a @ b"] = matmul_numba(np.ascontiguousarray(A), np.ascontiguousarray(B),
                                  np.empty((m, n), dtype))
    paths["a.T @ b"] = matmul_tn_numba(np.ascontiguousarray(A.T), np.ascontiguousarray(B),
                                       np.empty((m, n), dtype))
    paths["a @ b.T"] = matmul_nt_numba(np.ascontiguousarray(A), np.ascontiguousarray(B.T),
                                       np.empty((m, n), dtype))
    first = paths.pop("serial")
    for path, got in paths.items():
        np.testing.assert_array_equal(got, first, err_msg=path)


@pytest.mark.parametrize("m, k, n", [(128, 784, 256), (784, 128, 256), (128, 128, 10),
                                     (128, 10, 128), (600, 64, 64), (2 * 256 + 3, 2 * 256 + 5, 300)])
def test_course_shapes_give_the_same_bits_on_every_path(m, k, n):
    """The shapes training actually runs (784-256-128-10 at batch 128, the lab's 600 x 64),
    and one that crosses every block edge, serial against parallel."""
    rng = np.random.default_rng(m + k + n)
    a = rng.standard_normal((m, k)).astype(np.float32)
    b = rng.standard_normal((k, n)).astype(np.float32)
    paths = every_path("matmul", a, b)
    first = paths.pop("serial")
    for path, got in paths.items():
        np.testing.assert_array_equal(got, first, err_msg=path)
    assert_close("matmul", a, b, first)
