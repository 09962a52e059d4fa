"""The kernels' front door: argument errors, out=, the backend switch, and no-JIT mode."""
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from tinynet import kernels
from tinynet.kernels.matmul import matmul_numba
from tinynet.lessons import load_module

array_from_subprocess = load_module(Path(__file__).with_name("subprocess_arrays.py"),
                                    "subprocess_arrays").array_from_subprocess


def test_backend_switch_and_context_manager_restore():
    assert kernels.backend() == "numba"
    with kernels.using("blas"):
        assert kernels.backend() == "blas"
        with kernels.using("numba"):
            assert kernels.backend() == "numba"
        assert kernels.backend() == "blas"
    assert kernels.backend() == "numba"
    assert kernels.use("blas") == "numba"
    assert kernels.use("numba") == "blas"


def test_numpy_is_another_name_for_blas():
    """The BLAS backend's first name still works, and backend() names what runs."""
    with kernels.using("numpy") as name:
        assert name == "blas" and kernels.backend() == "blas"
        a = np.random.default_rng(0).standard_normal((5, 7))
        np.testing.assert_array_equal(kernels.matmul(a, a.T), np.matmul(a, a.T))
    assert kernels.backend() == "numba"


def test_context_manager_restores_after_an_exception():
    with pytest.raises(RuntimeError):
        with kernels.using("numpy"):
            raise RuntimeError("boom")
    assert kernels.backend() == "numba"


def test_unknown_backend_lists_the_valid_ones():
    with pytest.raises(ValueError, match=r"'torch'.*\('numba', 'blas'\)"):
        kernels.use("torch")
    assert kernels.backend() == "numba"


@pytest.mark.parametrize("product, sa, sb", [
    ("matmul", (2, 3), (4, 5)),
    ("matmul_tn", (3, 2), (4, 5)),
    ("matmul_nt", (2, 3), (5, 4)),
])
def test_inner_dimension_mismatch_names_both_shapes(product, sa, sb):
    a, b = np.ones(sa), np.ones(sb)
    with pytest.raises(ValueError, match=rf"{product}.*{sa}.*{sb}".replace("(", r"\(").replace(")", r"\)")):
        getattr(kernels, product)(a, b)


def test_rank_error_names_both_shapes():
    with pytest.raises(ValueError, match=r"2-D.*\(3,\).*\(3, 2\)"):
        kernels.matmul(np.ones(3), np.ones((3, 2)))
    with pytest.raises(ValueError, match=r"2-D.*\(2, 2, 2\)"):
        kernels.matmul_tn(np.ones((2, 2)), np.ones((2, 2, 2)))


def test_mixed_dtypes_are_an_error_not_a_cast():
    with pytest.raises(TypeError, match=r"a.dtype=float32 and b.dtype=float64"):
        kernels.matmul(np.ones((2, 2), np.float32), np.ones((2, 2), np.float64))


@pytest.mark.parametrize("dtype", [np.int64, np.float16, np.complex128, bool])
def test_non_float_dtypes_are_rejected(dtype):
    a = np.ones((2, 2), dtype)
    with pytest.raises(TypeError, match=r"float32 or both float64"):
        kernels.matmul_nt(a, a)


def test_non_arrays_are_rejected_with_a_hint():
    with pytest.raises(TypeError, match=r"numpy.ndarray, got list.*np.asarray"):
        kernels.matmul([[1.0]], np.ones((1, 1)))


@pytest.mark.parametrize("backend", kernels.BACKENDS)
def test_out_receives_the_result(backend):
    rng = np.random.default_rng(0)
    a = rng.standard_normal((5, 7))
    b = rng.standard_normal((7, 3))
    out = np.full((5, 3), np.nan)
    with kernels.using(backend):
        c = kernels.matmul(a, b, out=out)
    assert c is out
    np.testing.assert_allclose(out, a @ b, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("backend", kernels.BACKENDS)
def test_out_may_alias_an_operand(backend):
    a = np.arange(16.0).reshape(4, 4)
    want = a @ a.T
    with kernels.using(backend):
        kernels.matmul_nt(a, a, out=a)
    np.testing.assert_array_equal(a, want)


@pytest.mark.parametrize("bad", [np.empty((3, 2)), np.empty((2, 3), np.float32),
                                 np.empty((3, 2)).T, np.empty((2, 3))[:, ::1][::1].T.T[:, :]])
def test_bad_out_is_explained(bad):
    a, b = np.ones((2, 4)), np.ones((4, 3))
    if bad.shape == (2, 3) and bad.dtype == np.float64 and bad.flags.c_contiguous:
        bad = np.empty((2, 6))[:, ::2]  # the right shape and dtype, but strided
    with pytest.raises(ValueError, match=r"out must be a writeable C-contiguous array of shape \(2, 3\)"):
        kernels.matmul(a, b, out=bad)


def test_default_backend_runs_the_numba_kernel_at_every_size():
    """On the default backend no product goes to BLAS: tiny, course-sized and large
    products give the numba kernel's bits, not numpy's."""
    rng = np.random.default_rng(1)
    for m, k, n in [(1, 1, 1), (9, 11, 13), (128, 128, 10), (128, 784, 256)]:
        a = rng.standard_normal((m, k)).astype(np.float32)
        b = rng.standard_normal((k, n)).astype(np.float32)
        want = matmul_numba(a, b, np.empty((m, n), np.float32))
        np.testing.assert_array_equal(kernels.matmul(a, b), want)
        np.testing.assert_array_equal(kernels.matmul_tn(np.ascontiguousarray(a.T), b), want)
        np.testing.assert_array_equal(kernels.matmul_nt(a, np.ascontiguousarray(b.T)), want)


def test_kernels_run_with_jit_disabled():
    """NUMBA_DISABLE_JIT=1 runs the same kernels as plain Python, with the same results."""
    code = textwrap.dedent("""
        import numpy as np
        import numba
        assert numba.config.DISABLE_JIT
        from tinynet.kernels.matmul import matmul_numba, matmul_tn_numba, matmul_nt_numba
        rng = np.random.default_rng(0)
        a = rng.standard_normal((9, 6)); b = rng.standard_normal((6, 5))
        c = np.empty((9, 5))
        np.testing.assert_allclose(matmul_numba(a, b, c), a @ b, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(matmul_tn_numba(a.T.copy(), b, c), a @ b, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(matmul_nt_numba(a, b.T, c), a @ b, rtol=1e-12, atol=1e-12)
        from tinynet import kernels
        np.testing.assert_allclose(kernels.matmul(a[::2], b[:, 1:]), a[::2] @ b[:, 1:],
                                   rtol=1e-12, atol=1e-12)
        print("ok")
    """)
    env = dict(os.environ, NUMBA_DISABLE_JIT="1")
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ok"


@pytest.mark.slow
def test_numba_kernel_gives_the_same_bits_on_one_thread():
    """The summation order depends on KC and KU only, never on the thread count, although
    the thread count changes how the rows are cut into parallel blocks: same bits."""
    from tinynet.kernels.matmul import block_height
    m, k, n = 200, 517, 300                      # k spans three k-blocks, n a panel and a half
    assert block_height(m, n, 1) != block_height(m, n, 2)   # the blocks really differ
    code = textwrap.dedent(f"""
        import sys
        import numpy as np
        from tinynet.kernels.matmul import matmul_numba, matmul_tn_numba, matmul_nt_numba
        rng = np.random.default_rng(3)
        a = rng.standard_normal(({m}, {k})).astype(np.float32)
        b = rng.standard_normal(({k}, {n})).astype(np.float32)
        c = np.empty(({m}, {n}), np.float32)
        out = [matmul_numba(a, b, c).copy(), matmul_tn_numba(np.ascontiguousarray(a.T), b, c).copy(),
               matmul_nt_numba(a, np.ascontiguousarray(b.T), c).copy()]
        np.save(sys.argv[1], np.stack(out))
    """)
    results = [array_from_subprocess(code, NUMBA_NUM_THREADS=threads) for threads in ("1", "2")]
    np.testing.assert_array_equal(results[0], results[1])


def test_thread_count_switch_changes_no_bit():
    rng = np.random.default_rng(5)
    a = rng.standard_normal((300, 400)).astype(np.float32)
    b = rng.standard_normal((400, 200)).astype(np.float32)
    saved = kernels.get_num_threads()
    try:
        kernels.set_num_threads(1)
        one = kernels.matmul(a, b)
        kernels.set_num_threads(2)
        assert kernels.get_num_threads() == 2
        two = kernels.matmul(a, b)
    finally:
        kernels.set_num_threads(saved)
    np.testing.assert_array_equal(one, two)
