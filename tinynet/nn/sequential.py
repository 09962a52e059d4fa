"""Sequential: layers applied one after another."""
from __future__ import annotations

from .module import Module
from ..dense_layers import dense_layers


class Sequential(Module):
    """``Sequential(a, b, c)(x) == c(b(a(x)))``; indexable like a list.

    Unnamed layers are named by their position ("0", "1", ...), which is how they appear
    in ``named_parameters()`` and in error messages.
    """

    def __init__(self, *layers):
        if len(layers) == 1 and isinstance(layers[0], (list, tuple)):
            layers = tuple(layers[0])
        for i, layer in enumerate(layers):
            if not isinstance(layer, Module):
                raise TypeError(f"Sequential: item {i} is a {type(layer).__name__}, not a Module")
        self.layers = list(layers)
        self._name_layers()

    def _name_layers(self):
        for i, layer in enumerate(self.layers):
            if hasattr(layer, "name") and layer.name is None:
                layer.name = str(i)

    def append(self, layer):
        self.layers.append(layer)
        self._name_layers()
        return self

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def _children(self):
        for i, layer in enumerate(self.layers):
            yield str(i), layer

    def dense_layers(self):
        """The layers that own a kernel, in order (what init.lsuv and diagnostics visit)."""
        return dense_layers(self)

    def __getitem__(self, i):
        return self.layers[i]

    def __len__(self):
        return len(self.layers)

    def __iter__(self):
        return iter(self.layers)
