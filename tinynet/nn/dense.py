"""Dense: the fully connected layer, ``a = activation(x @ W + b)``.

The kernel W has shape (fan_in, fan_out), as in Keras and in the textbook derivation:
with Z = X·W + b, backprop gives dW = Xᵀ·dZ, db = Σ_rows dZ and dX = dZ·Wᵀ. (PyTorch
stores the transpose, (out, in), and computes x·Wᵀ; the math is the same.)
"""
from __future__ import annotations

from .. import functional as F
from .. import checks, fused, init
from ..dtypes import float_dtype
from ..ops import Linear
from ..tensor import HookHandle
from .layers import activation_spec, get_activation
from .module import Module, Parameter


class Dense(Module):
    """A fully connected layer.

    >>> layer = Dense(784, 256, activation="relu", kernel_initializer="he_normal")
    >>> layer.kernel.shape, layer.bias.shape
    ((784, 256), (256,))

    ``kernel_initializer`` and ``bias_initializer`` accept anything ``init.get`` does:
    a Keras name, an Initializer, or a config dict. ``dtype`` defaults to tinynet's
    default dtype at construction time.
    """

    def __init__(self, in_features, out_features, activation=None,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 use_bias=True, dtype=None, name=None):
        self.in_features = checks.count(in_features, "in_features", "Dense")
        self.out_features = checks.count(out_features, "out_features", "Dense")
        self.dtype = float_dtype(dtype, "Dense", allow_none=True)
        self.name = name
        self.activation = get_activation(activation)
        # The table row (name, parameter), the same for a name, a class or an instance;
        # (None, None) for a custom function, which only the two-node path can run.
        self.activation_name, self.activation_param = activation_spec(self.activation)
        # The one-node path forward takes without hooks, decided once: "linear" (Z is the
        # output), "fused" (activation and Z in one pass, tinynet/fused.py) or None.
        self._one_node = ("linear" if self.activation_name == "linear" else
                          "fused" if self.activation_name in fused.ACTIVATIONS and self.activation_param >= 0
                          else None)
        # None means the default, as init.get(None) is None (Keras's rule)
        self.kernel_initializer = init.get("glorot_uniform" if kernel_initializer is None else kernel_initializer)
        self.bias_initializer = init.get("zeros" if bias_initializer is None else bias_initializer)
        self.kernel = Parameter(self.kernel_initializer((self.in_features, self.out_features), dtype=self.dtype))
        self.bias = Parameter(self.bias_initializer((self.out_features,), dtype=self.dtype)) if use_bias else None
        self._forward_hooks = []

    def forward(self, x):
        if x.ndim != 2 or x.shape[1] != self.in_features:
            raise ValueError(self._shape_message(x.shape))
        if not self._forward_hooks:
            # Hooks need Z itself, so with hooks the two-node path below runs instead.
            if self._one_node == "linear":         # the identity: Z is the output
                return Linear.apply(x, self.kernel, self.bias)
            if self._one_node == "fused":
                # Same math in one graph node and one pass over Z (tinynet/fused.py). The
                # node is applied directly: fused.dense's checks of the activation and of x
                # are the ones made above and in __init__ (the node checks the bias's shape).
                return fused.DenseActivation.apply(x, self.kernel, self.bias, activation=self.activation_name,
                                                   negative_slope=self.activation_param)
        z = F.linear(x, self.kernel, self.bias)
        a = self.activation(z)
        for hook in list(self._forward_hooks):
            hook(self, x, z, a)
        return a

    def _shape_message(self, shape):
        """What is wrong with an input of ``shape``, and the fix that fits this case."""
        expected = f"{self.describe()} expects inputs of shape (batch, {self.in_features}), got {shape}"
        if len(shape) == 2:
            return (f"{expected}: {shape[1]} features instead of {self.in_features}. Build the layer with "
                    f"in_features={shape[1]}, or check what feeds it.")
        if len(shape) < 2:
            single = " one example without its batch axis: reshape it to (1, -1)" if shape == (self.in_features,) \
                else " an input of rank {}; it needs a batch axis and a feature axis".format(len(shape))
            return f"{expected}:{single}."
        return (f"{expected}: an input of rank {len(shape)}. Flatten it to (batch, features) first, "
                "e.g. x.reshape(len(x), -1) or nn.Flatten().")

    def register_forward_hook(self, fn):
        """Call ``fn(layer, x, z, a)`` after each forward: input, pre-activation, output."""
        self._forward_hooks.append(fn)
        return HookHandle(self._forward_hooks, fn)

    def describe(self):
        act = f", {self.activation_name}" if self.activation_name not in (None, "linear") else ""
        where = f" {self.name}" if self.name else ""
        return f"Dense layer{where} ({self.in_features} -> {self.out_features}{act})"

    def extra_repr(self):
        act = f", activation={self.activation_name!r}" if self.activation_name not in (None, "linear") else ""
        return f"{self.in_features}, {self.out_features}{act}"

    def _children(self):  # the activation is part of the layer, not a separate child
        return iter(())


_Handle = HookHandle  # the name nn/conv.py imports; new code uses tensor.HookHandle
