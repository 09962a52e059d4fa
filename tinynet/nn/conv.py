"""Conv2D: a 2-D convolution layer in Keras's layout, ``a = activation(conv(x, K) + b)``.

Input ``(N, H, W, C_in)`` (NHWC, channels last), kernel ``(kh, kw, C_in, C_out)``, bias
``(C_out,)``. Because the kernel is stored in Keras's layout, ``init.compute_fans(kernel.shape)``
is the layer's fan: ``fan_in = kh·kw·C_in`` (every output unit sums over its receptive
field in every input channel), ``fan_out = kh·kw·C_out``. The computation is im2col and one
GEMM (``tinynet/conv_ops.py``).
"""
from __future__ import annotations

import numpy as np

from .. import init
from ..conv_ops import conv2d, output_size, resolve_padding, _two
from ..dtypes import float_dtype
from .dense import _Handle
from .layers import get_activation
from .module import Module, Parameter


class Conv2D(Module):
    """A 2-D convolution on NHWC images.

    >>> layer = Conv2D(1, 32, 3, padding="same", activation="relu", kernel_initializer="he_normal")
    >>> layer.kernel.shape, layer.bias.shape
    ((3, 3, 1, 32), (32,))

    ``kernel_size`` and ``stride`` are an int or a pair; ``padding`` is "valid" (none),
    "same" (Keras: output size ceil(H / stride)) or an int (that many zeros on every side,
    as PyTorch's ``padding=p``). Initializers are anything ``init.get`` accepts.
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding="valid",
                 activation=None, kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 use_bias=True, dtype=None, name=None):
        for label, n in (("in_channels", in_channels), ("out_channels", out_channels)):
            if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n <= 0:
                raise ValueError(f"Conv2D: {label} must be a positive integer, got {n!r}")
        self.in_channels, self.out_channels = int(in_channels), int(out_channels)
        self.kernel_size = _two(kernel_size, "Conv2D: kernel_size")
        self.stride = _two(stride, "Conv2D: stride")
        resolve_padding(padding, 1, 1, 1, 1, 1, 1)             # fail now on a bad spec
        self.padding = padding
        self.dtype = float_dtype(dtype, "Conv2D", allow_none=True)
        self.name = name
        self.activation_name = activation if isinstance(activation, str) or activation is None else None
        self.activation = get_activation(activation)
        self.kernel_initializer = init.get(kernel_initializer)
        self.bias_initializer = init.get(bias_initializer)
        shape = (*self.kernel_size, self.in_channels, self.out_channels)
        self.kernel = Parameter(self.kernel_initializer(shape, dtype=self.dtype))
        self.bias = Parameter(self.bias_initializer((self.out_channels,), dtype=self.dtype)) if use_bias else None
        self._forward_hooks = []

    def output_shape(self, input_shape):
        """``(N, OH, OW, C_out)`` for an NHWC ``input_shape`` (checked as in forward)."""
        self._check(input_shape)
        n, h, w, _ = input_shape
        (kh, kw), (sh, sw) = self.kernel_size, self.stride
        top, bottom, left, right = resolve_padding(self.padding, h, w, kh, kw, sh, sw)
        return n, output_size(h, kh, sh, top, bottom), output_size(w, kw, sw, left, right), self.out_channels

    def _check(self, shape):
        kernel_shape = (*self.kernel_size, self.in_channels, self.out_channels)
        if len(shape) != 4:
            raise ValueError(f"{self.describe()} expects NHWC input of shape (batch, height, width, "
                             f"{self.in_channels}); got shape {tuple(shape)} (rank {len(shape)}), "
                             f"kernel shape {kernel_shape}. Reshape the input to 4 axes.")
        if shape[-1] != self.in_channels:
            if shape[1] == self.in_channels:
                raise ValueError(
                    f"{self.describe()} got input of shape {tuple(shape)}, which looks like NCHW "
                    f"(channels first, as PyTorch stores images); this layer takes NHWC (channels "
                    f"last), kernel shape {kernel_shape}. Use x.transpose(0, 2, 3, 1).")
            raise ValueError(f"{self.describe()}: input of shape {tuple(shape)} has {shape[-1]} "
                             f"channels on its last axis, but the kernel of shape {kernel_shape} "
                             f"expects {self.in_channels}. Build the layer with "
                             f"in_channels={shape[-1]}, or check the layer before it.")
        (kh, kw), (sh, sw) = self.kernel_size, self.stride
        top, bottom, left, right = resolve_padding(self.padding, shape[1], shape[2], kh, kw, sh, sw)
        hp, wp = shape[1] + top + bottom, shape[2] + left + right
        if kh > hp or kw > wp:
            raise ValueError(f"{self.describe()}: the kernel of shape {kernel_shape} ({kh}x{kw}) is "
                             f"larger than the input of shape {tuple(shape)} ({hp}x{wp} after "
                             f"padding {self.padding!r}); use padding='same', a smaller kernel, or "
                             f"less downsampling before this layer.")

    def forward(self, x):
        self._check(x.shape)
        z = conv2d(x, self.kernel, self.bias, stride=self.stride, padding=self.padding)
        a = self.activation(z)
        for hook in list(self._forward_hooks):
            hook(self, x, z, a)
        return a

    def register_forward_hook(self, fn):
        """Call ``fn(layer, x, z, a)`` after each forward: input, pre-activation, output."""
        self._forward_hooks.append(fn)
        return _Handle(self._forward_hooks, fn)

    def describe(self):
        act = f", {self.activation_name}" if self.activation_name else ""
        where = f" {self.name}" if self.name else ""
        kh, kw = self.kernel_size
        return f"Conv2D layer{where} ({kh}x{kw}, {self.in_channels} -> {self.out_channels}{act})"

    def extra_repr(self):
        act = f", activation={self.activation_name!r}" if self.activation_name else ""
        return (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}, padding={self.padding!r}{act}")

    def _children(self):
        return iter(())
