"""Convolution and pooling on NHWC images, each forward beside its backward.

Layout (Keras's): an image batch is ``(N, H, W, C)``, a kernel ``(kh, kw, C_in, C_out)``.

Convolution as one matrix product (im2col)
------------------------------------------
Pad the input to ``(N, Hp, Wp, C)``. Output pixel ``(n, i, j)`` sees the window
``x_pad[n, i·sh : i·sh+kh, j·sw : j·sw+kw, :]`` of ``kh·kw·C`` numbers. Lay every window
out as one row and the kernel as one matrix:

    cols  (N·OH·OW, kh·kw·C)      row (n, i, j) = the window, flattened in (kh, kw, C) order
    Wmat  (kh·kw·C, C_out)        = kernel.reshape(kh·kw·C, C_out)
    out   (N·OH·OW, C_out)        = cols @ Wmat + b   ->  reshape (N, OH, OW, C_out)

with ``OH = (Hp − kh) // sh + 1`` (and the same for W). The inner dimension of the product
is ``kh·kw·C``: that is the *fan-in* of a conv unit, the number ``init.compute_fans`` reads
from the kernel's shape. Backprop is the backprop of a Dense layer on those rows,

    dWmat = colsᵀ · dout,   db = Σ_rows dout,   dcols = dout · Wmatᵀ,

followed by ``col2im``: each entry of ``dcols`` is added back to the input pixel it was
copied from (a pixel that sits in several windows receives the sum). The products go
through ``tinynet.kernels`` (``matmul_tn`` / ``matmul_nt`` read the transposes through
their strides), so the convolution runs on tinynet's own GEMM and inherits its
thread-invariance; im2col and col2im are plain copies and additions in a fixed order.

Padding: ``"valid"`` (none), ``"same"`` (Keras/TensorFlow: ``OH = ceil(H / sh)``, the
extra row or column of an odd total goes at the bottom/right), or an int ``p`` (``p`` on
every side, as PyTorch's ``padding=p``).
"""
from __future__ import annotations

import numpy as np

from . import kernels
from .kernels import im2col as window_kernels
from .autograd import Function
from .tensor import as_tensor


# ------------------------------------------------------------------ shape algebra
def output_size(size, k, stride, pad_before, pad_after):
    """Positions of a window of ``k`` sliding with ``stride`` over ``size`` padded pixels."""
    return (size + pad_before + pad_after - k) // stride + 1


def same_padding(size, k, stride):
    """Keras's "same": (before, after) so that the output has ceil(size / stride) positions."""
    out = -(-size // stride)
    total = max((out - 1) * stride + k - size, 0)
    return total // 2, total - total // 2


def resolve_padding(padding, height, width, kh, kw, sh, sw):
    """``(top, bottom, left, right)`` for a padding spec "valid" | "same" | int."""
    if padding == "valid":
        return 0, 0, 0, 0
    if padding == "same":
        return (*same_padding(height, kh, sh), *same_padding(width, kw, sw))
    if isinstance(padding, (int, np.integer)) and not isinstance(padding, bool) and padding >= 0:
        p = int(padding)
        return p, p, p, p
    raise ValueError(f"padding must be 'valid', 'same' or a non-negative int; got {padding!r}")


def _pad(x, pads):
    top, bottom, left, right = pads
    if not any(pads):
        return x
    return np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)))


def windows(x_pad, kh, kw, sh, sw):
    """A read-only view ``(N, OH, OW, kh, kw, C)`` of every window (no copy)."""
    n, hp, wp, c = x_pad.shape
    oh, ow = (hp - kh) // sh + 1, (wp - kw) // sw + 1
    s0, s1, s2, s3 = x_pad.strides
    return np.lib.stride_tricks.as_strided(
        x_pad, shape=(n, oh, ow, kh, kw, c), strides=(s0, s1 * sh, s2 * sw, s1, s2, s3),
        writeable=False)


def im2col(x_pad, kh, kw, sh, sw):
    """The windows as rows: ``(N·OH·OW, kh·kw·C)``, C-contiguous (this is the copy)."""
    view = windows(x_pad, kh, kw, sh, sw)
    n, oh, ow = view.shape[:3]
    return np.ascontiguousarray(view).reshape(n * oh * ow, kh * kw * x_pad.shape[3])


def col2im(dcols, padded_shape, kh, kw, sh, sw):
    """The adjoint of ``im2col``: add each window entry back to the pixel it came from.

    One pass of a numba kernel in a fixed order (``tinynet/kernels/im2col.py``).
    """
    n, hp, wp, c = padded_shape
    oh, ow = (hp - kh) // sh + 1, (wp - kw) // sw + 1
    return window_kernels.col2im(dcols.reshape(n, oh, ow, kh, kw, c), padded_shape, sh, sw)


def _unpad(dx_pad, pads, shape):
    top, _, left, _ = pads
    return dx_pad[:, top:top + shape[1], left:left + shape[2], :]


# ------------------------------------------------------------------ convolution
class Convolution(Function):
    """out = conv2d(x, w) + b on NHWC input, via im2col and one GEMM (module docstring).

    dx = col2im(dout · Wmatᵀ),  dw = (colsᵀ · dout).reshape(kh, kw, C_in, C_out),  db = Σ dout.
    """

    @staticmethod
    def forward(ctx, x, w, b, stride=(1, 1), pads=(0, 0, 0, 0)):
        dtype = np.result_type(x, w) if b is None else np.result_type(x, w, b)
        x, w = x.astype(dtype, copy=False), w.astype(dtype, copy=False)
        kh, kw, c_in, c_out = w.shape
        sh, sw = stride
        x_pad = _pad(x, pads)
        n, hp, wp, _ = x_pad.shape
        oh, ow = (hp - kh) // sh + 1, (wp - kw) // sw + 1
        cols = im2col(x_pad, kh, kw, sh, sw)
        wmat = w.reshape(kh * kw * c_in, c_out)
        out = kernels.matmul(cols, wmat)
        if b is not None:
            out += b
        ctx.save(cols, wmat)
        ctx.geometry = x.shape, x_pad.shape, w.shape, stride, pads
        return out.reshape(n, oh, ow, c_out)

    @staticmethod
    def backward(ctx, g):
        cols, wmat = ctx.saved
        x_shape, padded_shape, w_shape, (sh, sw), pads = ctx.geometry
        kh, kw, _, c_out = w_shape
        g2 = np.ascontiguousarray(g).reshape(-1, c_out)
        need_x, need_w, need_b = ctx.needs_input_grad
        dx = dw = db = None
        if need_x:
            dcols = kernels.matmul_nt(g2, wmat)
            dx = _unpad(col2im(dcols, padded_shape, kh, kw, sh, sw), pads, x_shape)
        if need_w:
            dw = kernels.matmul_tn(cols, g2).reshape(w_shape)
        if need_b:
            db = g2.sum(axis=0)
        return dx, dw, db


# ------------------------------------------------------------------ pooling
class MaxPooling(Function):
    """out = the largest value of each window (per channel).

    dx: each window's gradient goes to the position of its maximum (the first one, in
    row-major window order, if several are equal, as PyTorch); overlapping windows add.
    Both directions are one pass of a numba kernel (``tinynet/kernels/im2col.py``).
    """

    @staticmethod
    def forward(ctx, x, pool=(2, 2), stride=(2, 2)):
        (kh, kw), (sh, sw) = pool, stride
        out, where = window_kernels.max_pool(x, kh, kw, sh, sw)
        ctx.where, ctx.geometry = where, (x.shape, pool, stride)
        return out

    @staticmethod
    def backward(ctx, g):
        x_shape, (kh, kw), (sh, sw) = ctx.geometry
        return (window_kernels.max_pool_backward(g, ctx.where, x_shape, kh, kw, sh, sw),)


class AvgPooling(Function):
    """out = the mean of each window (per channel);  dx: g / (kh·kw) to every window position."""

    @staticmethod
    def forward(ctx, x, pool=(2, 2), stride=(2, 2)):
        (kh, kw), (sh, sw) = pool, stride
        ctx.geometry = x.shape, pool, stride
        return windows(x, kh, kw, sh, sw).mean(axis=(3, 4))

    @staticmethod
    def backward(ctx, g):
        x_shape, (kh, kw), (sh, sw) = ctx.geometry
        oh, ow = g.shape[1:3]
        share = g / (kh * kw)
        dx = np.zeros(x_shape, dtype=g.dtype)
        for i in range(kh):
            for j in range(kw):
                dx[:, i:i + sh * (oh - 1) + 1:sh, j:j + sw * (ow - 1) + 1:sw, :] += share
        return (dx,)


# ------------------------------------------------------------------ the functions
def _tensor(x):
    return None if x is None else as_tensor(x)


def _two(value, what):
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        value = (int(value), int(value))
    value = tuple(int(v) for v in value)
    if len(value) != 2 or min(value) < 1:
        raise ValueError(f"{what} must be a positive int or a pair of them; got {value!r}")
    return value


def conv2d(x, kernel, bias=None, stride=1, padding="valid"):
    """2-D convolution (cross-correlation, as in every framework) of NHWC ``x`` with a
    ``(kh, kw, C_in, C_out)`` kernel. Shapes are checked by ``nn.Conv2D``; this is the op."""
    x, kernel, bias = _tensor(x), _tensor(kernel), _tensor(bias)
    kh, kw = kernel.shape[:2]
    stride = _two(stride, "stride")
    pads = resolve_padding(padding, x.shape[1], x.shape[2], kh, kw, *stride)
    return Convolution.apply(x, kernel, bias, stride=stride, pads=pads)


def max_pool2d(x, pool_size=2, strides=None):
    pool = _two(pool_size, "pool_size")
    return MaxPooling.apply(_tensor(x), pool=pool, stride=pool if strides is None else _two(strides, "strides"))


def avg_pool2d(x, pool_size=2, strides=None):
    pool = _two(pool_size, "pool_size")
    return AvgPooling.apply(_tensor(x), pool=pool, stride=pool if strides is None else _two(strides, "strides"))
