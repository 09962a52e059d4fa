"""Reference solutions for lesson 12 (conv fans, output sizes, im2col, the bug's factor)."""
import math

import numpy as np


def conv_fans(kernel_shape):
    *window, c_in, c_out = kernel_shape
    receptive = math.prod(window)
    return receptive * c_in, receptive * c_out


def conv_output_size(size, kernel, stride, padding):
    if padding == "same":
        return -(-size // stride)
    pad = 0 if padding == "valid" else int(padding)
    return (size + 2 * pad - kernel) // stride + 1


def im2col(x, kh, kw, stride):
    n, h, w, c = x.shape
    sh, sw = stride
    oh, ow = (h - kh) // sh + 1, (w - kw) // sw + 1
    cols = np.empty((n, oh, ow, kh, kw, c), dtype=x.dtype)
    for i in range(oh):
        for j in range(ow):
            cols[:, i, j] = x[:, i * sh:i * sh + kh, j * sw:j * sw + kw, :]
    return cols.reshape(n * oh * ow, kh * kw * c)


def explosion_factor(kernel_shapes):
    ratio = 1.0
    for shape in kernel_shapes:
        right, _ = conv_fans(shape)
        ratio *= right / shape[-2]
    return math.sqrt(ratio)
