"""tinynet's compute kernels: the matrix products of backprop, and the random streams.

    from tinynet import kernels
    kernels.matmul(a, b)       # a @ b      a: (m, k)  b: (k, n)
    kernels.matmul_tn(a, b)    # a.T @ b    a: (k, m)  b: (k, n)   dW = Xᵀ·dZ
    kernels.matmul_nt(a, b)    # a @ b.T    a: (m, k)  b: (n, k)   dX = dZ·Wᵀ
    kernels.use("blas")        # switch backend for the whole process ("numba" is the default)
    with kernels.using("numba"):
        ...                    # switch for a block, restored afterwards
    kernels.backend()          # -> "numba" or "blas", the backend every product runs on

Why three products? Backprop through ``Z = X·W`` needs ``dW = Xᵀ·dZ`` and
``dX = dZ·Wᵀ``. Writing ``X.T @ dZ`` would be correct too; the named variants say which
operand is read transposed, and the kernels read it through its strides instead of
building the transposed matrix.

Every product takes two 2-D numpy arrays of the same float dtype (float32 or float64),
of any strides (slices and transposed views are fine), and returns a new C-contiguous
array, or writes into ``out=`` (C-contiguous, the result's shape and dtype). Nothing is
cast: the autograd engine promotes dtypes before it calls here, so a mismatch is a bug
worth an error.

Backends
--------
``"numba"``  :mod:`.matmul`, tinynet's own blocked kernel: the default, and every product
             of training runs on it, at every shape. Products of at least
             ``matmul.PARALLEL_MIN_MACS`` = 2^22 multiply-adds (m·n·k) split their
             blocks over the threads of :mod:`.gemm_team`, which take them inside
             compiled code (the course's 784-256-128-10 MLP shares its two hidden
             layers' products); smaller ones run the same blocks one after another on
             the calling thread, or, if their output is at most 64 columns wide or their
             sum at most 32 terms long (its 10-class output layer), the strips of
             :mod:`.gemm_strips`. All paths sum every entry in the same order, so which
             one runs, and how many threads there are, never changes a bit (see
             :mod:`.matmul`, "Summation order, and what is reproducible").
``"blas"``   :mod:`.numpy_backend`, numpy's ``matmul`` (OpenBLAS): the reference in tests
             and the comparison a learner can switch to. ``"numpy"`` is accepted as
             another name for it. BLAS sums in an order that depends on its own blocking
             and its thread count, so its results may change with ``OPENBLAS_NUM_THREADS``.

Threads: ``kernels.set_num_threads(n)`` / ``kernels.get_num_threads()`` set how many
threads share a large product, and the other kernels of :mod:`.pool` (default:
``NUMBA_NUM_THREADS``, at most the CPUs this process may use). A helper thread watches for
the next product for 2 ms after its last block and then sleeps; on a machine whose other
programs take its CPUs, the helpers step aside (:mod:`.gemm_team`, "A machine that is busy
elsewhere").

Reproducibility: what gives the same bits, and what does not
------------------------------------------------------------
Invariant, bit for bit, on one machine with one installation:

- the three products on the ``"numba"`` backend, for any thread count, serial or shared
  path, operand layout or spelling (``a @ b`` or the same product as ``a.T @ b``);
- the fused kernels of :mod:`tinynet.fused` and the optimizer updates: serial loops in a
  fixed order;
- the random streams of :mod:`.random` (counter-based: element i depends on the seed, the
  stream and i only);
- hence a whole training run on the default backend: ``tests/test_kernels_thread_invariance.py``
  trains 200 Fashion-MNIST steps on one and on two threads and compares every loss and
  weight bit for bit.

Not invariant:

- the ``"blas"`` backend: OpenBLAS splits a product among its threads and its kernels
  (chosen per CPU, or by ``OPENBLAS_CORETYPE``) sum in their own orders, so results can
  change with ``OPENBLAS_NUM_THREADS``;
- what still calls numpy's BLAS/LAPACK directly: products of other ranks than 2-D x 2-D
  (``np.matmul`` on stacks and vectors), the orthogonal initializer's QR, and the
  Jacobians/SVDs of :mod:`tinynet.diagnostics`;
- another CPU or another numba/LLVM/numpy version: where a multiply and an add are fused
  into one FMA, how wide numpy's SIMD loops for ``sum``/``exp``/``tanh`` are, and which of
  its dispatched implementations runs all depend on the instruction set, so the last bits
  (and, through a chaotic training run, more) may differ between machines.

The attribute ``kernels.matmul`` is the function above; the module that holds the numba
kernels is ``kernels.numba_backend`` (``from tinynet.kernels.matmul import ...`` also
works).
"""
import contextlib

import numpy as np

from ..dtypes import FLOAT_DTYPES as _FLOAT_DTYPES
from . import matmul as numba_backend
from . import numpy_backend, pool, quick_exit
from . import random  # noqa: F401

quick_exit.register()   # numba's objects are left to the OS at exit (module docstring)

BACKENDS = ("numba", "blas")
ALIASES = {"numpy": "blas"}   # the name the BLAS backend had first

_state = {"backend": "numba"}


# --------------------------------------------------------------------------- backend switch
def backend():
    """The name of the backend the products currently run on: "numba" or "blas"."""
    return _state["backend"]


def use(name):
    """Run every later product on backend ``name`` ("numba" or "blas"); returns the old name.

    ``"numpy"`` is accepted for ``"blas"``.
    """
    canonical = ALIASES.get(name, name)
    if canonical not in BACKENDS:
        raise ValueError(f"unknown kernels backend {name!r}; expected one of {BACKENDS}, "
                         f"e.g. tinynet.kernels.use(\"blas\")")
    previous, _state["backend"] = _state["backend"], canonical
    return previous


@contextlib.contextmanager
def using(name):
    """``with kernels.using("blas"): ...`` runs the block on that backend, then restores."""
    previous = use(name)
    try:
        yield _state["backend"]
    finally:
        _state["backend"] = previous


def set_num_threads(n):
    """Share each large product among ``n`` threads from now on (1: all on the caller)."""
    pool.set_threads(n)


def get_num_threads():
    """How many threads share a large product (the calling thread included)."""
    return pool.threads()


# --------------------------------------------------------------------------- checks
def _check_operands(product, a, b, inner_a, inner_b):
    """Raise a clear error unless a, b are 2-D float32/float64 arrays that can be multiplied.

    ``inner_a`` / ``inner_b`` are the axes that are summed over, which differ per product.
    This runs before every product, so the usual case is tested first, in one expression.
    """
    if (type(a) is np.ndarray and type(b) is np.ndarray and a.ndim == 2 and b.ndim == 2
            and a.dtype == b.dtype and a.dtype in _FLOAT_DTYPES
            and a.shape[inner_a] == b.shape[inner_b]):
        return
    for name, x in (("a", a), ("b", b)):
        if not isinstance(x, np.ndarray):
            raise TypeError(f"{product}: operand {name} must be a numpy.ndarray, got "
                            f"{type(x).__name__}; convert it with np.asarray(...) first")
        if x.ndim != 2:
            raise ValueError(f"{product}: operands must be 2-D, got a.shape={a.shape} and "
                             f"b.shape={b.shape}; reshape them, or use numpy.matmul for "
                             f"batched or 1-D products")
    if a.dtype not in _FLOAT_DTYPES or a.dtype != b.dtype:
        raise TypeError(f"{product}: operands must both be float32 or both float64, got "
                        f"a.dtype={a.dtype} and b.dtype={b.dtype}; cast one with "
                        f".astype(...) so the dtypes match (nothing is cast silently)")
    if a.shape[inner_a] != b.shape[inner_b]:
        raise ValueError(f"{product}: inner dimensions differ: a.shape={a.shape} (axis "
                         f"{inner_a} is {a.shape[inner_a]}) but b.shape={b.shape} (axis "
                         f"{inner_b} is {b.shape[inner_b]}); the summed axes must have the "
                         f"same length")


def _output(product, out, shape, dtype):
    """``out``, checked: a writeable C-contiguous array of the result's shape and dtype."""
    if not isinstance(out, np.ndarray) or out.shape != shape or out.dtype != dtype \
            or not out.flags.c_contiguous or not out.flags.writeable:
        got = (f"shape={out.shape}, dtype={out.dtype}, C-contiguous={out.flags.c_contiguous}, "
               f"writeable={out.flags.writeable}" if isinstance(out, np.ndarray)
               else type(out).__name__)
        raise ValueError(f"{product}: out must be a writeable C-contiguous array of shape "
                         f"{shape} and dtype {dtype}; got {got}. Pass out=None to allocate")
    return out


def _run(product, a, b, out, rows_of, cols_of, numba_kernel, numpy_kernel):
    """The product on the current backend, into a new array or into ``out``.

    The result has shape (a.shape[rows_of], b.shape[cols_of]); it is only built here when
    ``out`` is given, to be checked. This runs before every product: a new result is
    allocated by the kernel, which has read the shapes already.
    """
    kernel = numpy_kernel if _state["backend"] == "blas" else numba_kernel
    if out is None:
        return kernel(a, b, None)
    shape = (a.shape[rows_of], b.shape[cols_of])
    c = _output(product, out, shape, a.dtype)
    if np.may_share_memory(c, a) or np.may_share_memory(c, b):
        # The kernels read a and b while writing c; an overlapping out goes via a temporary.
        c[...] = kernel(a, b, None)
        return c
    return kernel(a, b, c)


# --------------------------------------------------------------------------- the products
def matmul(a, b, out=None):
    """a @ b for a (m, k) and b (k, n): a new (m, n) C-contiguous array (or ``out``)."""
    _check_operands("matmul", a, b, 1, 0)
    return _run("matmul", a, b, out, 0, 1, numba_backend.matmul_numba, numpy_backend.matmul)


def matmul_tn(a, b, out=None):
    """a.T @ b for a (k, m) and b (k, n), without copying a.T: the weight gradient Xᵀ·dZ."""
    _check_operands("matmul_tn", a, b, 0, 0)
    return _run("matmul_tn", a, b, out, 1, 1, numba_backend.matmul_tn_numba,
                numpy_backend.matmul_tn)


def matmul_nt(a, b, out=None):
    """a @ b.T for a (m, k) and b (n, k), without copying b.T: the input gradient dZ·Wᵀ."""
    _check_operands("matmul_nt", a, b, 1, 1)
    return _run("matmul_nt", a, b, out, 0, 0, numba_backend.matmul_nt_numba,
                numpy_backend.matmul_nt)
