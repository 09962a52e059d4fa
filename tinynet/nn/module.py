"""Module: a callable that owns parameters and sub-modules.

Parameters and sub-modules are found by looking at the module's attributes in the order
they were assigned (lists and tuples of modules included), so ``parameters()`` yields a
Dense layer's kernel and then its bias, layer after layer, with no registration calls.
"""
from __future__ import annotations

from collections import OrderedDict

import numpy as np

from ..dtypes import float_dtype
from ..tensor import Tensor


class Parameter(Tensor):
    """A Tensor that a Module learns: it always requires a gradient."""

    __slots__ = ()

    def __init__(self, data, dtype=None):
        super().__init__(data, requires_grad=True, dtype=None if dtype is None else float_dtype(dtype, "Parameter"))


class Module:
    """Base class of layers and models: override ``forward``.

    ``buffers`` names a layer's non-learned state (arrays such as BatchNorm's running
    statistics): no gradient, not in ``parameters()``, but saved and loaded with the
    parameters so a checkpoint restores the whole model.
    """

    training = True
    buffers = ()

    def forward(self, *args):  # pragma: no cover - interface
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    def __call__(self, x, *args, **kwargs):
        if not isinstance(x, Tensor):
            x = Tensor(x)
        return self.forward(x, *args, **kwargs)

    # ------------------------------------------------------------ traversal
    def _children(self):
        for name, value in vars(self).items():
            if isinstance(value, Module):
                yield name, value
            elif isinstance(value, (list, tuple)):
                for i, item in enumerate(value):
                    if isinstance(item, Module):
                        yield f"{name}.{i}", item

    def named_modules(self, prefix=""):
        """(name, module) for this module and every sub-module, in forward order."""
        yield prefix, self
        for name, child in self._children():
            yield from child.named_modules(f"{prefix}.{name}" if prefix else name)

    def modules(self):
        for _, m in self.named_modules():
            yield m

    def named_parameters(self, prefix=""):
        for name, value in vars(self).items():
            if isinstance(value, Parameter):
                yield (f"{prefix}.{name}" if prefix else name), value
        for name, child in self._children():
            yield from child.named_parameters(f"{prefix}.{name}" if prefix else name)

    def parameters(self):
        for _, p in self.named_parameters():
            yield p

    def named_buffers(self, prefix=""):
        """(name, array) of every buffer, this module's first, then each sub-module's."""
        for name in self.buffers:
            yield (f"{prefix}.{name}" if prefix else name), getattr(self, name)
        for name, child in self._children():
            yield from child.named_buffers(f"{prefix}.{name}" if prefix else name)

    def zero_grad(self):
        for p in self.parameters():
            p.grad = None

    # --------------------------------------------------------------- modes
    def train(self, mode=True):
        for m in self.modules():
            m.training = mode
        return self

    def eval(self):
        return self.train(False)

    # --------------------------------------------------------------- state
    def state_dict(self):
        """Name → a copy of each parameter's array, in ``parameters()`` order, then each buffer's."""
        state = OrderedDict((name, p.data.copy()) for name, p in self.named_parameters())
        state.update((name, np.array(b, copy=True)) for name, b in self.named_buffers())
        return state

    def load_state_dict(self, state):
        """Copy arrays into the parameters and buffers; names and shapes must match exactly."""
        own = OrderedDict(self.named_parameters())
        own.update(self._buffer_slots())
        missing = [n for n in own if n not in state]
        unexpected = [n for n in state if n not in own]
        if missing or unexpected:
            raise ValueError(
                f"load_state_dict: the state does not fit this model: missing {missing}, "
                f"unexpected {unexpected}"
            )
        for name, p in own.items():
            value = np.asarray(state[name])
            if value.shape != p.shape:
                raise ValueError(
                    f"load_state_dict: parameter '{name}' has shape {p.shape} in the model "
                    f"but {value.shape} in the state: it was saved from another architecture"
                )
        for name, p in own.items():
            if isinstance(p, _BufferSlot):
                p.set(state[name])
            else:
                p.data = np.array(state[name], dtype=p.dtype)

    def _buffer_slots(self, prefix=""):
        for name in self.buffers:
            yield (f"{prefix}.{name}" if prefix else name), _BufferSlot(self, name)
        for name, child in self._children():
            yield from child._buffer_slots(f"{prefix}.{name}" if prefix else name)

    def __repr__(self):
        children = list(self._children())
        if not children:
            return f"{type(self).__name__}({self.extra_repr()})"
        lines = [f"  ({name}): " + repr(child).replace("\n", "\n  ") for name, child in children]
        return f"{type(self).__name__}(\n" + "\n".join(lines) + "\n)"

    def extra_repr(self):
        return ""


class _BufferSlot:
    """Where ``load_state_dict`` puts one buffer: its owner and attribute name."""

    def __init__(self, owner, name):
        self.owner, self.name = owner, name
        self.shape = np.shape(getattr(owner, name))

    def set(self, value):
        old = getattr(self.owner, self.name)
        setattr(self.owner, self.name, np.array(value, dtype=old.dtype))
