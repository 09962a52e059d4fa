"""Window kernels of the NHWC convolution and pooling ops (numba, serial).

    col2im(dcols6, padded_shape, sh, sw)     # adjoint of im2col: scatter-add window entries
    max_pool(x, kh, kw, sh, sw)               # -> (out, where): each window's max and its position
    max_pool_backward(g, where, x_shape, kh, kw, sh, sw)

im2col itself is a strided view plus one copy (``tinynet/conv_ops.py``); these are the
parts numpy cannot do in one pass. Loop order: example, output row, output column, then
the window, with the channel innermost (unit stride in NHWC), so every loop reads and
writes memory in order. Each kernel runs on the calling thread in a fixed order, so its
result does not depend on the thread count. ``max_pool`` keeps the first of equal values
(a strict ``>``), as PyTorch. With ``NUMBA_DISABLE_JIT=1`` they run as plain Python.
"""
import numpy as np
from numba import njit

__all__ = ["col2im", "max_pool", "max_pool_backward"]


@njit(cache=True)
def _col2im(d, dx, sh, sw):
    n, oh, ow, kh, kw, c = d.shape
    for b in range(n):
        for i in range(oh):
            for j in range(ow):
                for u in range(kh):
                    for v in range(kw):
                        row, col = i * sh + u, j * sw + v
                        for ch in range(c):
                            dx[b, row, col, ch] += d[b, i, j, u, v, ch]


def col2im(dcols6, padded_shape, sh, sw):
    """``dx`` of ``padded_shape`` with each entry of ``dcols6`` (N, OH, OW, kh, kw, C) added
    to the pixel it was copied from."""
    dx = np.zeros(padded_shape, dtype=dcols6.dtype)
    _col2im(np.ascontiguousarray(dcols6), dx, sh, sw)
    return dx


@njit(cache=True)
def _max_pool(x, out, where, kh, kw, sh, sw):
    n, oh, ow, c = out.shape
    for b in range(n):
        for i in range(oh):
            for j in range(ow):
                for ch in range(c):
                    out[b, i, j, ch] = x[b, i * sh, j * sw, ch]
                    where[b, i, j, ch] = 0
                for u in range(kh):
                    for v in range(kw):
                        if u == 0 and v == 0:
                            continue
                        row, col, t = i * sh + u, j * sw + v, u * kw + v
                        for ch in range(c):
                            value = x[b, row, col, ch]
                            if value > out[b, i, j, ch]:
                                out[b, i, j, ch] = value
                                where[b, i, j, ch] = t


def max_pool(x, kh, kw, sh, sw):
    n, h, w, c = x.shape
    oh, ow = (h - kh) // sh + 1, (w - kw) // sw + 1
    out = np.empty((n, oh, ow, c), dtype=x.dtype)
    where = np.empty((n, oh, ow, c), dtype=np.int32)
    _max_pool(np.ascontiguousarray(x), out, where, kh, kw, sh, sw)
    return out, where


@njit(cache=True)
def _max_pool_backward(g, where, dx, kw, sh, sw):
    n, oh, ow, c = g.shape
    for b in range(n):
        for i in range(oh):
            for j in range(ow):
                for ch in range(c):
                    t = where[b, i, j, ch]
                    dx[b, i * sh + t // kw, j * sw + t % kw, ch] += g[b, i, j, ch]


def max_pool_backward(g, where, x_shape, kh, kw, sh, sw):
    dx = np.zeros(x_shape, dtype=g.dtype)
    _max_pool_backward(np.ascontiguousarray(g), where, dx, kw, sh, sw)
    return dx
