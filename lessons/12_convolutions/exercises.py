"""Lesson 12 exercises: conv fans, output sizes, im2col and the fan = channels bug.

Grade with `tinynet check 12`; `tinynet hint 12 NAME` gives a hint. Layout throughout:
images (N, H, W, C) (NHWC), kernels (kh, kw, C_in, C_out) (Keras's), so that
`tinynet.init.compute_fans(kernel.shape)` is the fan a Conv2D layer uses.
"""
import numpy as np


def conv_fans(kernel_shape):
    """(fan_in, fan_out) of a convolution kernel of shape (k_1, ..., k_d, C_in, C_out).

    Use integer arithmetic only (no tinynet.init): this is the rule compute_fans follows.
    """
    raise NotImplementedError("not implemented yet: `tinynet hint 12 conv_fans` gives a hint")


def conv_output_size(size, kernel, stride, padding):
    """Output positions along one axis of length ``size`` for a window of ``kernel`` pixels
    and a ``stride``; ``padding`` is "valid" (none), "same" (Keras's) or an int p (p zeros on
    each side)."""
    raise NotImplementedError("not implemented yet: `tinynet hint 12 conv_output_size` gives a hint")


def im2col(x, kh, kw, stride):
    """Every kh x kw window of the (already padded) NHWC batch ``x`` as one row.

    ``stride`` is a pair (sh, sw). Returns a float array of shape (N·OH·OW, kh·kw·C): rows in
    (example, output row, output column) order, each row the window flattened so that
    ``im2col(x, ...) @ kernel.reshape(-1, C_out)`` is the convolution.
    """
    raise NotImplementedError("not implemented yet: `tinynet hint 12 im2col` gives a hint")


def explosion_factor(kernel_shapes):
    """By what factor the RMS of the last layer's activations at initialization is too large
    when He init takes fan_in = C_in (the channels only) instead of the true fan_in, in a
    ReLU CNN without biases whose conv kernels have the shapes ``kernel_shapes`` (in order)."""
    raise NotImplementedError("not implemented yet: `tinynet hint 12 explosion_factor` gives a hint")
