"""Fused kernels: a Dense layer ``f(x @ W + b)`` and softmax cross-entropy, one pass each way.

Dense
-----
The plain Dense layer records two graph nodes, ``Linear`` and an activation, and makes
numpy walk the (N, M) pre-activation three times forward (matmul output, ``+ b``, ``f``)
and three times backward (``f'``, ``g·f'``, ``Σ_rows``), each walk a new temporary. The
fused node does the same math with one pass on each side around the matrix products:

forward     Z = X·W                         (``kernels.matmul``)
            A = f(Z + b)                    one pass, written over Z in place
backward    dZ = g ⊙ f'(A),  db = Σ_rows dZ one pass
            dX = dZ·Wᵀ,  dW = Xᵀ·dZ         (``kernels.matmul_nt`` / ``matmul_tn``)

Every derivative is written with the *output* A, so Z need not be kept (relu' = [A > 0],
tanh' = 1 − A², sigmoid' = A(1 − A), softsign' = (1 − |A|)², leaky_relu' = 1 or its
slope s ≥ 0).

One loop, any activation (the design of minitorch's ``fast_ops``): the two passes are
written once, as loops that call a scalar function ``f(v, p)`` or ``f'(a, p)``. The scalar
functions are the ``scalar_forward`` and ``scalar_derivative_from_output`` columns of the
activation table (``tinynet/activations.py``), the same table the plain path, the
diagnostics and the lab read. :func:`epilogues` compiles the two loops for one activation
the first time a layer uses it, with the scalar function inlined into the loop.

Softmax cross-entropy
---------------------
For logits z (N, K) and labels y, with s = max_k z_ik and lse_i = s + log Σ_k e^(z_ik − s):

    L = (1/N) Σ_i (lse_i − z_{i,y_i})          dL/dz_ik = (e^(z_ik − lse_i) − [k = y_i]) / N

One pass per row computes the loss and the gradient together (the gradient is stored for
the backward, which only scales it by the upstream g). Subtracting the row's max keeps
every exponent ≤ 0, so nothing overflows.

``tests/test_fused_dense.py`` and ``tests/test_fused_losses.py`` check each kernel against
the unfused ops it replaces, in float64 to 1e-12.
"""
from __future__ import annotations

import hashlib
import math
import types

import numpy as np
from numba import njit

from . import kernels
from .activations import ACTIVATIONS as TABLE
from .autograd import Function
from .tensor import Tensor

#: Activations the fused Dense node runs (every row of the table except the identity,
#: whose layers use the single ``Linear`` node).
ACTIVATIONS = tuple(name for name in TABLE if name != "linear")

_OPTIONS = dict(cache=True, error_model="numpy")


# ------------------------------------------------------------------ the two Dense loops
def _bias_activation_inplace(z, b, p):
    """z[i, j] ← f(z[i, j] + b[j], p) for every row i: the forward epilogue, one pass.

    Row by row so both z and b are read contiguously. ``b`` may be empty (no bias).
    ``f`` is the activation's scalar forward (a global of each compiled copy).
    """
    n, m = z.shape
    has_bias = b.shape[0] == m
    for i in range(n):
        row = z[i]
        if has_bias:
            for j in range(m):
                row[j] = f(row[j] + b[j], p)  # noqa: F821 - bound per activation
        else:
            for j in range(m):
                row[j] = f(row[j], p)  # noqa: F821


def _activation_grad(g, a, p, dz, db):
    """dz = g ⊙ f'(a) and db = Σ_rows dz, in one pass over the (N, M) arrays.

    ``df`` is the activation's derivative from its output (a global of each compiled
    copy). The row sums run down the rows in order, one float64 running sum per column.
    """
    n, m = g.shape
    sums = np.zeros(m, np.float64)
    for i in range(n):
        gi, ai, dzi = g[i], a[i], dz[i]
        for j in range(m):
            d = gi[j] * df(ai[j], p)  # noqa: F821 - bound per activation
            dzi[j] = d
            sums[j] += dzi[j]
    for j in range(m):
        db[j] = sums[j]


_compiled = {}


def _fingerprint(fn):
    """A short hash of a function's code: part of its compiled copies' names (see below)."""
    code = fn.__code__
    return hashlib.sha256(code.co_code + repr(code.co_consts).encode()).hexdigest()[:10]


def _compile_with(template, scalars, suffix):
    """``template`` compiled with the names in ``scalars`` bound to jitted scalar functions.

    Each copy gets its own globals and its own name (``..._relu_<hash>``): numba's on-disk
    cache files are named after a function and keyed by its bytecode, not by the globals
    it calls, so without the name two activations would load each other's machine code,
    and an edited scalar function would keep running its stale compiled copy.
    """
    bound = dict(template.__globals__)
    bound.update({name: njit(**_OPTIONS)(fn) for name, fn in scalars.items()})
    clone = types.FunctionType(template.__code__, bound, template.__name__ + suffix,
                               template.__defaults__)
    clone.__qualname__ = template.__qualname__ + suffix
    clone.__module__ = template.__module__
    clone.__doc__ = template.__doc__
    return njit(**_OPTIONS)(clone)


def epilogues(name):
    """(forward, backward) numba loops for the activation table's row ``name``, compiled lazily."""
    if name not in _compiled:
        spec = TABLE[name]
        forward = spec.scalar_forward
        derivative = spec.scalar_derivative_from_output
        _compiled[name] = (
            _compile_with(_bias_activation_inplace, {"f": forward},
                          f"_{name}_{_fingerprint(forward)}"),
            _compile_with(_activation_grad, {"df": derivative},
                          f"_{name}_{_fingerprint(derivative)}"),
        )
    return _compiled[name]


class DenseActivation(Function):
    """out = f(x @ W + b) for f in ``ACTIVATIONS``, one node (see the module docstring).

    dx = dZ·Wᵀ, dW = xᵀ·dZ, db = Σ_rows dZ with dZ = g ⊙ f'(out).
    """

    @staticmethod
    def forward(ctx, x, w, b, activation="relu", negative_slope=0.01):
        if b is not None and b.shape != (w.shape[1],):   # the loop would read past a short bias
            raise ValueError(
                f"fused dense: bias must have shape ({w.shape[1]},) to match the weight "
                f"{w.shape}, got {b.shape}"
            )
        dtype = np.result_type(x, w) if b is None else np.result_type(x, w, b)
        x, w = x.astype(dtype, copy=False), w.astype(dtype, copy=False)
        bias = np.empty(0, dtype) if b is None else np.ascontiguousarray(b, dtype)
        forward, backward = epilogues(activation)
        p = dtype.type(negative_slope)
        out = kernels.matmul(x, w)
        forward(out, bias, p)
        ctx.save(x, w, out)
        ctx.backward_loop, ctx.p = backward, p
        return out

    @staticmethod
    def backward(ctx, g):
        x, w, out = ctx.saved
        need_x, need_w, need_b = ctx.needs_input_grad
        g = np.ascontiguousarray(g, dtype=out.dtype)
        dz = np.empty_like(out)
        db = np.empty(out.shape[1], out.dtype)
        ctx.backward_loop(g, out, ctx.p, dz, db)
        dx = kernels.matmul_nt(dz, w) if need_x else None
        dw = kernels.matmul_tn(x, dz) if need_w else None
        return dx, dw, (db if need_b else None)


def dense(x, weight, bias=None, activation="relu", negative_slope=0.01):
    """``activation(x @ weight + bias)`` as one fused node; ``weight`` is (fan_in, fan_out).

    ``activation`` is one of ``ACTIVATIONS``; ``negative_slope`` (≥ 0) is leaky_relu's.
    """
    if activation not in ACTIVATIONS:
        raise ValueError(
            f"fused dense: unknown activation {activation!r}; expected one of {sorted(ACTIVATIONS)} "
            "(for no activation use functional.linear)"
        )
    if negative_slope < 0:
        raise ValueError(
            f"fused dense: negative_slope must be >= 0 (the backward reads the sign from the "
            f"output), got {negative_slope}; use functional.linear and leaky_relu instead"
        )
    x, weight = _as_tensor(x), _as_tensor(weight)
    if x.ndim != 2 or weight.ndim != 2 or x.shape[1] != weight.shape[0]:
        raise ValueError(
            f"fused dense: expected x (N, fan_in) and weight (fan_in, fan_out) with matching "
            f"fan_in, got x {x.shape} and weight {weight.shape}"
        )
    if bias is not None:
        bias = _as_tensor(bias)   # its shape is checked by DenseActivation.forward
    return DenseActivation.apply(x, weight, bias, activation=activation, negative_slope=float(negative_slope))


# ------------------------------------------------------------------ softmax cross-entropy
@njit(**_OPTIONS)
def _softmax_cross_entropy(z, labels, grad):
    """(loss, -1): the mean of lse_i − z[i, y_i] over the rows (float64 sum), with
    grad = (softmax − onehot)/N; or (nan, i) as soon as row i's label is not in 0..K-1.

    One row at a time: its label checked first (so the row is never read out of bounds;
    checking here, as each label is read, spares two passes over the labels for their min
    and max), its max s, then e^(z − s) into grad's row while summing it (Σ), the row's
    loss as log Σ − (z_y − s) (never lse − z_y: with |z| large, that difference of two
    large numbers would lose the digits), then grad ← e^(z − s)/Σ / N, minus 1/N at the
    label.
    """
    n, k = z.shape
    total = 0.0
    inv_n = 1.0 / n
    for i in range(n):
        y = labels[i]
        if y < 0 or y >= k:
            return math.nan, i
        row, out = z[i], grad[i]
        s = row[0]
        for j in range(1, k):
            if row[j] > s:
                s = row[j]
        total_exp = 0.0
        for j in range(k):
            e = math.exp(row[j] - s)
            out[j] = e
            total_exp += e
        total += math.log(total_exp) - (row[y] - s)   # z_y − s is exact: no cancellation
        scale = inv_n / total_exp
        for j in range(k):
            out[j] = out[j] * scale
        out[y] -= inv_n
    return total * inv_n, -1


class SoftmaxCrossEntropy(Function):
    """L = −(1/N) Σᵢ log softmax(zᵢ)[yᵢ], in one pass with its gradient (module docstring).

    dL/dz = (softmax(z) − onehot(y)) / N, computed in the forward and scaled by g backward.
    The labels are a parameter of the node, not an input: they have no gradient.
    """

    @staticmethod
    def forward(ctx, logits, labels):
        z = np.ascontiguousarray(logits)
        labels = np.ascontiguousarray(labels, np.int64)
        if z.ndim != 2 or labels.shape != z.shape[:1]:   # the loop reads one label per row
            raise ValueError(f"softmax cross-entropy: logits (N, K) need labels of shape (N,), "
                             f"got logits {z.shape} and labels {labels.shape}")
        grad = np.empty_like(z)
        loss, bad_row = _softmax_cross_entropy(z, labels, grad)
        if bad_row >= 0:
            k = z.shape[1]
            raise ValueError(
                f"cross_entropy: label {labels[bad_row]} is out of range for {k} classes (labels must be 0..{k - 1})"
            )
        ctx.grad = grad
        return np.asarray(loss, dtype=z.dtype)

    @staticmethod
    def backward(ctx, g):
        # a new array, not ctx.grad scaled in place: with retain_graph a second backward
        # must start from the same dL/dz, and a leaf may hold the array handed out first
        return (ctx.grad * np.asarray(g, ctx.grad.dtype),)


def softmax_cross_entropy(logits, labels):
    """Mean softmax cross-entropy of ``logits`` (N, K), N ≥ 1, and integer labels 0..K-1 (N,).

    A label out of range is a ValueError (found by the kernel); the other checks
    (shapes, integer labels) are ``losses.cross_entropy``'s, the checked front door.
    """
    logits = _as_tensor(logits)
    labels = np.asarray(labels.data if isinstance(labels, Tensor) else labels)
    return SoftmaxCrossEntropy.apply(logits, labels=labels)


def _as_tensor(x):
    return x if isinstance(x, Tensor) else Tensor(x)
