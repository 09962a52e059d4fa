"""Planted bugs for lesson 12: the common mistakes of conv fans and im2col."""
import math

import numpy as np


def fans_channels_only(kernel_shape):
    return kernel_shape[-2], kernel_shape[-1]


def fans_swapped(kernel_shape):
    receptive = math.prod(kernel_shape[:-2])
    return receptive * kernel_shape[-1], receptive * kernel_shape[-2]


def fans_first_axis_only(kernel_shape):
    return kernel_shape[0] * kernel_shape[-2], kernel_shape[0] * kernel_shape[-1]


def size_same_as_valid(size, kernel, stride, padding):
    pad = int(padding) if padding not in ("valid", "same") else 0
    return (size + 2 * pad - kernel) // stride + 1


def size_pad_one_side(size, kernel, stride, padding):
    if padding == "same":
        return -(-size // stride)
    pad = 0 if padding == "valid" else int(padding)
    return (size + pad - kernel) // stride + 1


def size_no_stride(size, kernel, stride, padding):
    if padding == "same":
        return size
    pad = 0 if padding == "valid" else int(padding)
    return size + 2 * pad - kernel + 1


def im2col_channels_first(x, kh, kw, stride):
    n, h, w, c = x.shape
    sh, sw = stride
    oh, ow = (h - kh) // sh + 1, (w - kw) // sw + 1
    cols = np.empty((n, oh, ow, c, kh, kw), dtype=x.dtype)
    for i in range(oh):
        for j in range(ow):
            cols[:, i, j] = x[:, i * sh:i * sh + kh, j * sw:j * sw + kw, :].transpose(0, 3, 1, 2)
    return cols.reshape(n * oh * ow, kh * kw * c)


def im2col_ignores_stride(x, kh, kw, stride):
    n, h, w, c = x.shape
    oh, ow = h - kh + 1, w - kw + 1
    cols = np.empty((n, oh, ow, kh, kw, c), dtype=x.dtype)
    for i in range(oh):
        for j in range(ow):
            cols[:, i, j] = x[:, i:i + kh, j:j + kw, :]
    return cols.reshape(n * oh * ow, kh * kw * c)


def im2col_swapped_window_axes(x, kh, kw, stride):
    n, h, w, c = x.shape
    sh, sw = stride
    oh, ow = (h - kh) // sh + 1, (w - kw) // sw + 1
    cols = np.empty((n, oh, ow, kw, kh, c), dtype=x.dtype)
    for i in range(oh):
        for j in range(ow):
            cols[:, i, j] = x[:, i * sh:i * sh + kh, j * sw:j * sw + kw, :].transpose(0, 2, 1, 3)
    return cols.reshape(n * oh * ow, kh * kw * c)


def factor_of_the_variance(kernel_shapes):
    ratio = 1.0
    for shape in kernel_shapes:
        ratio *= math.prod(shape[:-2])
    return ratio


def factor_of_the_last_layer(kernel_shapes):
    return math.sqrt(math.prod(kernel_shapes[-1][:-2]))


BUGS = {
    "conv_fans": [fans_channels_only, fans_swapped, fans_first_axis_only],
    "conv_output_size": [size_same_as_valid, size_pad_one_side, size_no_stride],
    "im2col": [im2col_channels_first, im2col_ignores_stride, im2col_swapped_window_axes],
    "explosion_factor": [factor_of_the_variance, factor_of_the_last_layer],
}
